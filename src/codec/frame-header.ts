// Codec layer: the frame header of RFC 6455 section 5.2, read from bytes (or "need more") and
// written with the minimal length encoding. Context rules (masking side, fragmentation, limits)
// belong to the parser; this module only knows the layout.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-------+-+-------------+-------------------------------+
//  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//  | |1|2|3|       |K|             |                               |
//  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//  |     Extended payload length continued, if payload len == 127  |
//  + - - - - - - - - - - - - - - - +-------------------------------+
//  |                               | Masking-key, if MASK set to 1 |
//  +-------------------------------+-------------------------------+

import { CloseCode } from './close-code.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import { readMaskKey, writeMaskKey } from './mask.js';

/** The longest header: 2 + 8 (64-bit length) + 4 (mask key). */
export const MAX_HEADER_BYTES = 14;

/** A decoded header. Mutable so a parser can reuse one instance for every frame. */
export class FrameHeader {
  fin = false;
  rsv1 = false;
  rsv2 = false;
  rsv3 = false;
  opcode = 0;
  masked = false;
  /** The mask key in {@link readMaskKey} form; 0 when not masked. */
  maskKey = 0;
  payloadLength = 0;
  /** Bytes the header took on the wire (2 to 14). */
  headerLength = 0;
}

/**
 * The header's full length, known from its second byte (MASK bit and 7-bit length).
 *
 * @example
 * headerLengthFromSecondByte(0xfe); // 8: masked, 16-bit length
 */
export function headerLengthFromSecondByte(secondByte: number): number {
  const len7 = secondByte & 0x7f;
  const extra = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  return 2 + extra + ((secondByte & 0x80) !== 0 ? 4 : 0);
}

/**
 * Decodes the header at `bytes[offset..end)` into `out`.
 *
 * @returns the header length, or 0 when more bytes are needed
 * @throws {ProtocolError} 1002 when a 64-bit length has its most significant bit set,
 *   1009 when it exceeds Number.MAX_SAFE_INTEGER
 * @example
 * const h = new FrameHeader();
 * parseFrameHeader(Uint8Array.of(0x81, 0x05), 0, 2, h); // 2; h.fin, h.opcode === 1, length 5
 */
export function parseFrameHeader(
  bytes: Uint8Array,
  offset: number,
  end: number,
  out: FrameHeader,
): number {
  if (end - offset < 2) return 0;
  const b0 = bytes[offset];
  const b1 = bytes[offset + 1];
  const length = headerLengthFromSecondByte(b1);
  if (end - offset < length) return 0;
  out.fin = (b0 & 0x80) !== 0;
  out.rsv1 = (b0 & 0x40) !== 0;
  out.rsv2 = (b0 & 0x20) !== 0;
  out.rsv3 = (b0 & 0x10) !== 0;
  out.opcode = b0 & 0x0f;
  out.masked = (b1 & 0x80) !== 0;
  out.headerLength = length;
  const len7 = b1 & 0x7f;
  if (len7 < 126) out.payloadLength = len7;
  else if (len7 === 126) out.payloadLength = (bytes[offset + 2] << 8) | bytes[offset + 3];
  else out.payloadLength = readLength64(bytes, offset + 2);
  out.maskKey = out.masked ? readMaskKey(bytes, offset + length - 4) : 0;
  return length;
}

function readUint32BE(bytes: Uint8Array, at: number): number {
  return bytes[at] * 0x1000000 + ((bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]);
}

function readLength64(bytes: Uint8Array, at: number): number {
  const high = readUint32BE(bytes, at);
  // 5.2: "the most significant bit MUST be 0".
  if (high >= 0x80000000) {
    throw new ProtocolError(
      ErrorCode.InvalidPayloadLength,
      'invalid 64-bit payload length: most significant bit set',
      CloseCode.ProtocolError,
    );
  }
  // JavaScript numbers count exactly up to 2^53 - 1: refuse longer frames (2^21 high words).
  if (high > 0x1fffff) {
    throw new ProtocolError(
      ErrorCode.FrameTooBig,
      'payload length over 2^53 - 1 bytes is not supported',
      CloseCode.MessageTooBig,
    );
  }
  return high * 0x100000000 + readUint32BE(bytes, at + 4);
}

/**
 * The header length for a payload of `payloadLength` bytes: minimal encoding, plus the key.
 *
 * @example
 * encodedHeaderLength(126, true); // 8
 */
export function encodedHeaderLength(payloadLength: number, masked: boolean): number {
  const base = payloadLength < 126 ? 2 : payloadLength < 0x10000 ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Writes a header at `target[offset]` with the minimal length encoding (5.2: "the minimal number
 * of bytes MUST be used to encode the length"): ≤ 125 in 7 bits, ≤ 65535 in 16, else 64.
 *
 * @returns the number of header bytes written
 * @throws {RangeError} for a negative, fractional or unsafe payload length
 * @example
 * const target = new Uint8Array(14);
 * encodeFrameHeader(target, 0, true, false, 0x1, 5, false, 0); // 2: 81 05
 */
export function encodeFrameHeader(
  target: Uint8Array,
  offset: number,
  fin: boolean,
  rsv1: boolean,
  opcode: number,
  payloadLength: number,
  masked: boolean,
  maskKey: number,
): number {
  if (!(payloadLength >= 0 && payloadLength <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`invalid payload length ${payloadLength}`);
  }
  target[offset] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const maskBit = masked ? 0x80 : 0;
  let at = offset + 2;
  if (payloadLength < 126) {
    target[offset + 1] = maskBit | payloadLength;
  } else if (payloadLength < 0x10000) {
    target[offset + 1] = maskBit | 126;
    target[offset + 2] = payloadLength >>> 8;
    target[offset + 3] = payloadLength & 0xff;
    at = offset + 4;
  } else {
    target[offset + 1] = maskBit | 127;
    writeUint32BE(target, offset + 2, Math.floor(payloadLength / 0x100000000));
    writeUint32BE(target, offset + 6, payloadLength >>> 0);
    at = offset + 10;
  }
  if (masked) {
    writeMaskKey(maskKey, target, at);
    at += 4;
  }
  return at - offset;
}

function writeUint32BE(target: Uint8Array, at: number, value: number): void {
  target[at] = value >>> 24;
  target[at + 1] = value >>> 16;
  target[at + 2] = value >>> 8;
  target[at + 3] = value;
}
