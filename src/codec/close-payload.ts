// Codec layer: the body of a Close frame (RFC 6455 section 5.5.1): empty, or a 2-byte status
// code followed by a UTF-8 reason, 125 bytes at most in all.

import { CloseCode, isSendableCloseCode } from './close-code.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import { isValidUtf8 } from './utf8.js';

/** The longest reason that fits a Close frame: 125 bytes minus the 2-byte code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Cuts a close reason to the {@link MAX_CLOSE_REASON_BYTES} a Close frame allows, on a code point
 * boundary (never half of a surrogate pair), for reasons made from error messages.
 *
 * @param reason - Any text.
 * @returns `reason`, or its longest prefix that fits.
 * @example
 * fitCloseReason('x'.repeat(200)).length; // 123
 */
export function fitCloseReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  let cut = reason.slice(0, MAX_CLOSE_REASON_BYTES);
  while (Buffer.byteLength(cut) > MAX_CLOSE_REASON_BYTES) cut = cut.slice(0, -1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut;
}

/** A parsed Close body. `code` is 1005 (NoStatusReceived) when the body was empty. */
export interface ClosePayload {
  readonly code: number;
  readonly reason: string;
}

/**
 * Parses a received Close body.
 *
 * @param payload the unmasked Close frame payload (≤ 125 bytes, checked by the parser)
 * @returns the code (1005 for an empty body) and the reason
 * @throws {ProtocolError} 1002 for a 1-byte body or a code that may not be sent,
 *   1007 for a reason that is not valid UTF-8
 * @example
 * parseClosePayload(Uint8Array.of(0x03, 0xe8, 0x62, 0x79, 0x65)); // { code: 1000, reason: 'bye' }
 */
export function parseClosePayload(payload: Uint8Array): ClosePayload {
  // 5.5.1: "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned integer
  // (in network byte order) representing a status code with value /code/ defined in Section 7.4."
  if (payload.length === 0) return { code: CloseCode.NoStatusReceived, reason: '' };
  if (payload.length === 1) {
    throw new ProtocolError(
      ErrorCode.InvalidClosePayload,
      'Close frame body of 1 byte: a status code takes 2',
      CloseCode.ProtocolError,
    );
  }
  const code = (payload[0] << 8) | payload[1];
  // 7.4.2: reserved values (e.g. 1005, 1006, 1015, 0-999) MUST NOT be set as a status code.
  if (!isSendableCloseCode(code)) {
    throw new ProtocolError(
      ErrorCode.InvalidCloseCode,
      `invalid close code ${code}`,
      CloseCode.ProtocolError,
    );
  }
  const reasonBytes = payload.subarray(2);
  // 5.5.1: "the data [...] is not guaranteed to be human readable", but it is UTF-8 text.
  if (!isValidUtf8(reasonBytes)) {
    throw new ProtocolError(
      ErrorCode.InvalidUtf8,
      'invalid UTF-8 in the close reason',
      CloseCode.InvalidPayload,
    );
  }
  const text = Buffer.from(reasonBytes.buffer, reasonBytes.byteOffset, reasonBytes.length);
  return { code, reason: text.toString('utf8') };
}

/**
 * The byte length of the Close body for `code` and `reason` (0 when `code` is undefined).
 *
 * @throws {RangeError} for a code that may not be sent, a reason without a code, or a reason
 *   over 123 bytes
 * @example
 * closePayloadLength(1000, 'bye'); // 5
 */
export function closePayloadLength(code: number | undefined, reason = ''): number {
  if (code === undefined) {
    if (reason !== '') throw new RangeError('a close reason needs a close code');
    return 0;
  }
  if (!Number.isInteger(code) || !isSendableCloseCode(code)) {
    throw new RangeError(`invalid close code ${code}: use 1000-1003, 1007-1014 or 3000-4999`);
  }
  const reasonBytes = Buffer.byteLength(reason, 'utf8');
  if (reasonBytes > MAX_CLOSE_REASON_BYTES) {
    throw new RangeError(
      `close reason of ${reasonBytes} bytes: at most ${MAX_CLOSE_REASON_BYTES} are allowed`,
    );
  }
  return 2 + reasonBytes;
}

/**
 * Writes a Close body at `offset` of `target` (which must have room for
 * {@link closePayloadLength} bytes). Returns the number of bytes written.
 *
 * @example
 * writeClosePayload(frame, 2, 1000, 'bye'); // 5
 */
export function writeClosePayload(
  target: Uint8Array,
  offset: number,
  code: number | undefined,
  reason = '',
): number {
  const length = closePayloadLength(code, reason);
  if (length === 0) return 0;
  target[offset] = (code as number) >>> 8;
  target[offset + 1] = (code as number) & 0xff;
  if (length > 2) {
    const view = Buffer.from(target.buffer, target.byteOffset, target.byteLength);
    view.write(reason, offset + 2, 'utf8');
  }
  return length;
}

/**
 * Builds a Close body: empty when `code` is undefined.
 *
 * @throws {RangeError} for a code that may not be sent or a reason over 123 bytes
 * @example
 * serializeClosePayload(1000, 'bye'); // Uint8Array [0x03, 0xe8, 0x62, 0x79, 0x65]
 * serializeClosePayload(1005); // throws RangeError: 1005 is only reported locally
 */
export function serializeClosePayload(code?: number, reason = ''): Uint8Array {
  const body = new Uint8Array(closePayloadLength(code, reason));
  writeClosePayload(body, 0, code, reason);
  return body;
}
