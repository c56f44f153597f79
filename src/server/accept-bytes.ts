// Server layer: the plain 101 (no subprotocol, extension or extra header), the response to
// nearly every handshake, built from pre-computed bytes with only the accept value written in.

import { hash } from 'node:crypto';
import { ACCEPT_GUID } from '../protocol/handshake.js';

const BEFORE = Buffer.from(
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Accept: ',
  'latin1',
);
/** base64 of a 20-byte SHA-1 digest. */
const ACCEPT_LENGTH = 28;
const TOTAL = BEFORE.length + ACCEPT_LENGTH + 4;

/**
 * The 101 response for a validated key, byte for byte what `buildAcceptResponse({ key })` renders.
 *
 * @param key - A Sec-WebSocket-Key already checked to be base64 of 16 bytes.
 * @returns A fresh buffer to write on the socket.
 * @example
 * socket.write(plainAcceptResponse('dGhlIHNhbXBsZSBub25jZQ=='));
 */
export function plainAcceptResponse(key: string): Buffer {
  const response = Buffer.allocUnsafe(TOTAL);
  BEFORE.copy(response, 0);
  response.write(hash('sha1', key + ACCEPT_GUID, 'base64'), BEFORE.length, ACCEPT_LENGTH, 'latin1');
  response.write('\r\n\r\n', TOTAL - 4, 4, 'latin1');
  return response;
}
