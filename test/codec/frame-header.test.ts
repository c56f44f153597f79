// Codec tests: frame header layout (RFC 6455 section 5.2) — parse from bytes or "need more",
// minimal length encoding, 64-bit lengths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodedHeaderLength,
  encodeFrameHeader,
  FrameHeader,
  parseFrameHeader,
} from '../../src/codec/frame-header.js';
import { readMaskKey } from '../../src/codec/mask.js';
import { ProtocolError } from '../../src/errors.js';
import { bits, hex, toHex } from '../helpers/frame-bits.js';

function parse(bytes: Uint8Array): FrameHeader {
  const header = new FrameHeader();
  assert.equal(parseFrameHeader(bytes, 0, bytes.length, header), bytes.length);
  return header;
}

function encode(
  length: number,
  masked = false,
  key = 0,
  fin = true,
  rsv1 = false,
  opcode = 2,
): Buffer {
  const out = Buffer.alloc(14);
  return out.subarray(0, encodeFrameHeader(out, 0, fin, rsv1, opcode, length, masked, key));
}

test('parses every field of a bit-literal header', () => {
  const header = parse(bits`
    1         # FIN
    1 0 0     # RSV1, RSV2, RSV3
    0001      # opcode: text
    1         # MASK
    1111110   # payload length 126: a 16-bit length follows
    00000001 00000000         # 256
    00110111 11111010 00100001 00111101  # masking key 37 fa 21 3d
  `);
  assert.equal(header.fin, true);
  assert.equal(header.rsv1, true);
  assert.equal(header.rsv2, false);
  assert.equal(header.rsv3, false);
  assert.equal(header.opcode, 1);
  assert.equal(header.masked, true);
  assert.equal(header.payloadLength, 256);
  assert.equal(header.maskKey, readMaskKey(hex`37 fa 21 3d`, 0));
  assert.equal(header.headerLength, 8);
});

test('RSV2 and RSV3 are read (the parser decides what they mean)', () => {
  const header = parse(bits`0 0 1 1 1010  0 0000000`);
  assert.equal(header.fin, false);
  assert.equal(header.rsv2, true);
  assert.equal(header.rsv3, true);
  assert.equal(header.opcode, 0xa);
});

test('returns 0 ("need more") for every incomplete prefix', () => {
  const full = hex`82 ff 00 00 00 00 00 01 00 00 37 fa 21 3d`;
  for (let n = 0; n < full.length; n++) {
    assert.equal(parseFrameHeader(full, 0, n, new FrameHeader()), 0, `prefix of ${n} bytes`);
  }
  assert.equal(parse(full).payloadLength, 65536);
});

test('reads at an offset and ignores bytes past the header', () => {
  const bytes = hex`ee ee 81 05 48 65`;
  const header = new FrameHeader();
  assert.equal(parseFrameHeader(bytes, 2, bytes.length, header), 2);
  assert.equal(header.payloadLength, 5);
});

test('64-bit lengths up to 2^53 - 1 are read exactly', () => {
  assert.equal(parse(hex`82 7f 00 1f ff ff ff ff ff ff`).payloadLength, Number.MAX_SAFE_INTEGER);
  assert.equal(parse(hex`82 7f 00 00 00 01 00 00 00 00`).payloadLength, 2 ** 32);
});

test('a 64-bit length with the most significant bit set fails with 1002', () => {
  assert.throws(
    () => parse(hex`82 7f 80 00 00 00 00 00 00 00`),
    (e: unknown) =>
      e instanceof ProtocolError &&
      e.closeCode === 1002 &&
      e.code === 'WSFLOW_ERR_INVALID_PAYLOAD_LENGTH',
  );
});

test('a 64-bit length above Number.MAX_SAFE_INTEGER fails with 1009', () => {
  assert.throws(
    () => parse(hex`82 7f 00 20 00 00 00 00 00 00`),
    (e: unknown) =>
      e instanceof ProtocolError && e.closeCode === 1009 && e.code === 'WSFLOW_ERR_FRAME_TOO_BIG',
  );
});

test('encodes with the minimal length form at each boundary', () => {
  assert.equal(toHex(encode(0)), '82 00');
  assert.equal(toHex(encode(125)), '82 7d');
  assert.equal(toHex(encode(126)), '82 7e 00 7e');
  assert.equal(toHex(encode(65535)), '82 7e ff ff');
  assert.equal(toHex(encode(65536)), '82 7f 00 00 00 00 00 01 00 00');
  assert.equal(toHex(encode(2 ** 40 + 5)), '82 7f 00 00 01 00 00 00 00 05');
  for (const n of [0, 125, 126, 65535, 65536]) {
    assert.equal(encode(n).length, encodedHeaderLength(n, false));
    assert.equal(encode(n, true, 1).length, encodedHeaderLength(n, true));
  }
});

test('encodes FIN, RSV1, opcode, MASK and the key; round-trips through parse', () => {
  const key = readMaskKey(hex`37 fa 21 3d`, 0);
  const bytes = encode(300, true, key, false, true, 1);
  assert.equal(toHex(bytes), '41 fe 01 2c 37 fa 21 3d');
  const header = parse(bytes);
  assert.deepEqual(
    [header.fin, header.rsv1, header.opcode, header.masked, header.maskKey, header.payloadLength],
    [false, true, 1, true, key, 300],
  );
});

test('encoding an impossible length throws RangeError', () => {
  for (const n of [-1, 2 ** 53, NaN]) assert.throws(() => encode(n), RangeError, String(n));
});
