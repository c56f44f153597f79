// Server layer: the plain 101 (no subprotocol, extension or extra header), the response to
// nearly every handshake: a constant text with only the accept value written in.

import { hash } from 'node:crypto';
import { ACCEPT_GUID } from '../protocol/handshake.js';

const BEFORE =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: ';

/**
 * The 101 response for a validated key, byte for byte what `buildAcceptResponse({ key })` renders.
 * A string (ASCII), which the socket encodes as it writes: no buffer is made for it here.
 *
 * @param key - A Sec-WebSocket-Key already checked to be base64 of 16 bytes.
 * @returns The response, to write as latin1.
 * @example
 * socket.write(plainAcceptResponse('dGhlIHNhbXBsZSBub25jZQ=='), 'latin1');
 */
export function plainAcceptResponse(key: string): string {
  return BEFORE + hash('sha1', key + ACCEPT_GUID, 'base64') + '\r\n\r\n';
}
