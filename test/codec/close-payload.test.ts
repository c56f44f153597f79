// Codec tests: Close frame bodies (RFC 6455 sections 5.5.1 and 7.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closePayloadLength,
  fitCloseReason,
  parseClosePayload,
  serializeClosePayload,
} from '../../src/codec/close-payload.js';
import { ProtocolError } from '../../src/errors.js';
import { hex } from '../helpers/frame-bits.js';

function assertProtocolError(fn: () => unknown, code: string, closeCode: number): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ProtocolError);
    assert.equal(error.code, code);
    assert.equal(error.closeCode, closeCode);
    return true;
  });
}

test('an empty body reports 1005 and no reason', () => {
  assert.deepEqual(parseClosePayload(new Uint8Array(0)), { code: 1005, reason: '' });
});

test('a code and a UTF-8 reason are parsed', () => {
  assert.deepEqual(parseClosePayload(hex`03 e8 62 79 65`), { code: 1000, reason: 'bye' });
  assert.deepEqual(parseClosePayload(hex`0f a0`), { code: 4000, reason: '' });
  assert.deepEqual(parseClosePayload(hex`03 e9 c3 a9`), { code: 1001, reason: 'é' });
});

test('a 1-byte body fails with 1002', () => {
  assertProtocolError(() => parseClosePayload(hex`03`), 'WSFLOW_ERR_INVALID_CLOSE_PAYLOAD', 1002);
});

test('codes that may not be sent fail with 1002 when received', () => {
  for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535]) {
    const body = Uint8Array.of(code >> 8, code & 0xff);
    assertProtocolError(() => parseClosePayload(body), 'WSFLOW_ERR_INVALID_CLOSE_CODE', 1002);
  }
});

test('sendable codes are accepted: 1000-1003, 1007-1014, 3000-4999', () => {
  for (const code of [1000, 1001, 1002, 1003, 1007, 1011, 1012, 1013, 1014, 3000, 4999]) {
    assert.equal(parseClosePayload(Uint8Array.of(code >> 8, code & 0xff)).code, code);
  }
});

test('a reason that is not valid UTF-8 fails with 1007', () => {
  assertProtocolError(() => parseClosePayload(hex`03 e8 ff`), 'WSFLOW_ERR_INVALID_UTF8', 1007);
});

test('serializes: empty without a code, code alone, code and reason', () => {
  assert.deepEqual(Buffer.from(serializeClosePayload()), hex``);
  assert.deepEqual(Buffer.from(serializeClosePayload(1000)), hex`03 e8`);
  assert.deepEqual(Buffer.from(serializeClosePayload(4001, 'é')), hex`0f a1 c3 a9`);
});

test('serializing a code that may not be sent throws RangeError', () => {
  for (const code of [1004, 1005, 1006, 1015, 999, 5000, 1000.5, NaN]) {
    assert.throws(() => serializeClosePayload(code), RangeError, String(code));
  }
});

test('a reason of 123 bytes fits; 124 bytes throws RangeError (counted in UTF-8 bytes)', () => {
  assert.equal(serializeClosePayload(1000, 'a'.repeat(123)).length, 125);
  assert.throws(() => serializeClosePayload(1000, 'a'.repeat(124)), RangeError);
  assert.throws(() => serializeClosePayload(1000, 'é'.repeat(62)), RangeError, '124 bytes');
  assert.equal(closePayloadLength(1000, 'é'.repeat(61) + 'a'), 125);
});

test('a reason without a code throws RangeError', () => {
  assert.throws(() => serializeClosePayload(undefined, 'why'), RangeError);
});

test('fitCloseReason keeps a reason that fits and cuts a long one to 123 bytes', () => {
  assert.equal(fitCloseReason('bye'), 'bye');
  assert.equal(fitCloseReason('x'.repeat(200)), 'x'.repeat(123));
  assert.equal(fitCloseReason('é'.repeat(70)), 'é'.repeat(61));
});

test('fitCloseReason never ends on half of a surrogate pair', () => {
  // 120 bytes, then a 4-byte emoji: a lone high surrogate (3 bytes as UTF-8) would still fit.
  const reason = fitCloseReason('x'.repeat(120) + '\u{1F600}\u{1F600}');
  assert.equal(reason, 'x'.repeat(120));
  assert.equal(serializeClosePayload(1000, reason).length, 122);
});
