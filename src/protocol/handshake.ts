// Protocol layer: what the client and the server sides of the RFC 6455 opening handshake share —
// the accept hash, the key check and the header names the handshake owns. Plain data, no I/O.

import { createHash } from 'node:crypto';

/** The GUID that RFC 6455 section 1.3 appends to the key before hashing. */
export const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * Headers the handshake owns (lower case). Callers may not set them through `headers`: a
 * duplicate with another case would reach the wire next to ours, so they are refused instead.
 */
export const HANDSHAKE_HEADER_NAMES: ReadonlySet<string> = new Set([
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-accept',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
]);

/**
 * Computes the Sec-WebSocket-Accept value for a key: base64 of SHA-1 of key + GUID
 * (RFC 6455 section 4.2.2, step 5.4).
 *
 * @param key - The Sec-WebSocket-Key as sent by the client.
 * @returns The 28-character accept value.
 * @example
 * computeAccept('dGhlIHNhbXBsZSBub25jZQ=='); // 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='
 */
export function computeAccept(key: string): string {
  return createHash('sha1')
    .update(key + ACCEPT_GUID, 'latin1')
    .digest('base64');
}

/** BASE64_DIGIT[c] === 1 for the characters of standard base64 (RFC 4648 section 4). */
const BASE64_DIGIT = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') {
  BASE64_DIGIT[c.charCodeAt(0)] = 1;
}

/**
 * Tells whether a Sec-WebSocket-Key is valid: strict, canonical base64 of exactly 16 bytes
 * (RFC 6455 section 4.2.1, item 5). Base64url, missing padding, stray characters and
 * non-zero trailing bits are all refused.
 *
 * @param key - The key to check.
 * @returns True when the key decodes strictly to 16 bytes.
 * @example
 * isValidKey('dGhlIHNhbXBsZSBub25jZQ=='); // true
 * isValidKey('dGhlIHNhbXBsZSBub25jZR=='); // false: trailing bits set
 */
export function isValidKey(key: string): boolean {
  // 16 bytes are 21 full base64 digits, one holding the last 2 bits (its low 4 bits zero: A, Q,
  // g or w), then "==". Checked character by character: no buffer per handshake.
  if (typeof key !== 'string' || key.length !== 24) return false;
  for (let i = 0; i < 21; i++) {
    const code = key.charCodeAt(i);
    if (code >= 128 || BASE64_DIGIT[code] === 0) return false;
  }
  const last = key.charCodeAt(21);
  return (
    (last === 0x41 || last === 0x51 || last === 0x67 || last === 0x77) &&
    key.charCodeAt(22) === 0x3d &&
    key.charCodeAt(23) === 0x3d
  );
}
