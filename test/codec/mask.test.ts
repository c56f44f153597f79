// Codec tests: masking (RFC 6455 section 5.3) — word-at-a-time XOR against a byte-wise reference
// at every alignment and phase, the zero-key skip, the random pool and the injectable generator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  applyMask,
  maskCopy,
  maskKeySource,
  randomMaskKey,
  readMaskKey,
  useNativeMask,
  writeMaskKey,
} from '../../src/codec/mask.js';
import { loadOptionalNativeMask } from '../../src/connection/native-mask.js';
import { hex } from '../helpers/frame-bits.js';

/** The definition from 5.3: transformed-octet-i = original-octet-i XOR masking-key-octet-(i MOD 4). */
function referenceMask(
  bytes: Uint8Array,
  start: number,
  end: number,
  key: Uint8Array,
  phase: number,
) {
  for (let i = start; i < end; i++) bytes[i] ^= key[(i - start + phase) % 4];
}

test('masks the RFC 6455 section 5.7 example "Hello" with key 37 fa 21 3d', () => {
  const data = Buffer.from('Hello');
  applyMask(data, 0, data.length, readMaskKey(hex`37 fa 21 3d`, 0), 0);
  assert.deepEqual(data, hex`7f 9f 4d 51 58`);
});

test('mask keys round-trip between bytes and their integer form', () => {
  const out = new Uint8Array(6);
  writeMaskKey(readMaskKey(hex`00 37 fa 21 3d 00`, 1), out, 1);
  assert.deepEqual(Buffer.from(out), hex`00 37 fa 21 3d 00`);
});

/** Runs `fn` with the pure JavaScript path (no native addon), then restores the default. */
function withoutNative(fn: () => void): void {
  useNativeMask(undefined);
  try {
    fn();
  } finally {
    loadOptionalNativeMask();
  }
}

for (const [path, run] of [
  ['JavaScript', withoutNative],
  ['default', (fn: () => void) => fn()],
] as const) {
  test(`${path} path: matches the byte-wise definition at every alignment, phase and length`, () => {
    run(() => checkAgainstReference(3000));
  });
  test(`${path} path: maskCopy writes the masked bytes at an offset and leaves the source`, () => {
    run(() => checkCopyAgainstReference(5000));
  });
}

function checkCopyAgainstReference(maxLength: number): void {
  fc.assert(
    fc.property(
      fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 2000, max: maxLength })),
      fc.integer({ min: 0, max: 14 }),
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
      (length, offset, key) => {
        const source = Buffer.from(Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff));
        const original = Buffer.from(source);
        const target = Buffer.alloc(offset + length + 2, 0xee);
        const expected = Buffer.from(target);
        source.copy(expected, offset);
        referenceMask(expected, offset, offset + length, key, 0);
        maskCopy(source, target, offset, readMaskKey(key, 0));
        assert.deepEqual(target, expected);
        assert.deepEqual(source, original);
      },
    ),
    { numRuns: 300 },
  );
}

function checkAgainstReference(maxLength: number): void {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 7 }),
      fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: maxLength })),
      fc.integer({ min: 0, max: 9 }),
      fc.integer({ min: 0, max: 3 }),
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
      (byteOffset, length, start, phase, key) => {
        const backing = new Uint8Array(byteOffset + start + length + 3);
        for (let i = 0; i < backing.length; i++) backing[i] = (i * 31 + 7) & 0xff;
        const view = new Uint8Array(backing.buffer, byteOffset, start + length + 3);
        const expected = Uint8Array.from(view);
        referenceMask(expected, start, start + length, key, phase);
        applyMask(view, start, start + length, readMaskKey(key, 0), phase);
        assert.deepEqual(view, expected);
      },
    ),
    { numRuns: 500 },
  );
}

test('masking twice restores the data, also across parts of one payload', () => {
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff));
  const original = Buffer.from(data);
  const key = readMaskKey(hex`de ad be ef`, 0);
  applyMask(data, 0, 333, key, 0);
  applyMask(data, 333, 1000, key, 333);
  const whole = Buffer.from(original);
  applyMask(whole, 0, 1000, key, 0);
  assert.deepEqual(data, whole, 'masking in two parts with the right phase equals masking once');
  applyMask(data, 0, 1000, key, 0);
  assert.deepEqual(data, original);
});

test('the optional native path can be switched off', () => {
  const previous = process.env.WSFLOW_NO_BUFFER_UTIL;
  process.env.WSFLOW_NO_BUFFER_UTIL = '1';
  try {
    assert.equal(loadOptionalNativeMask(), false);
  } finally {
    if (previous === undefined) delete process.env.WSFLOW_NO_BUFFER_UTIL;
    else process.env.WSFLOW_NO_BUFFER_UTIL = previous;
    loadOptionalNativeMask();
  }
});

test('a zero key leaves the bytes untouched and skips the work', () => {
  const data = Buffer.from('unchanged');
  let called = false;
  useNativeMask(() => {
    called = true;
  });
  try {
    applyMask(data, 0, data.length, 0, 0);
  } finally {
    loadOptionalNativeMask();
  }
  assert.equal(data.toString(), 'unchanged');
  assert.equal(called, false);
});

test('a native implementation plugs in for payloads of at least minBytes', () => {
  const calls: number[] = [];
  useNativeMask((bytes, start, end) => {
    calls.push(end - start);
    bytes.fill(0xaa, start, end);
  }, 100);
  try {
    applyMask(new Uint8Array(99), 0, 99, 1, 0);
    const big = new Uint8Array(100);
    applyMask(big, 0, 100, 1, 0);
    assert.equal(big[50], 0xaa);
  } finally {
    loadOptionalNativeMask();
  }
  assert.deepEqual(calls, [100]);
});

test('random keys come from a pool that is refilled when used up', () => {
  const keys = new Set<number>();
  // 8 KiB pool = 2048 keys; draw more than two pools' worth.
  for (let i = 0; i < 5000; i++) keys.add(randomMaskKey());
  assert.ok(keys.size > 4900, `expected mostly distinct keys, got ${keys.size}`);
});

test('an injected generator makes keys deterministic', () => {
  let n = 0;
  const next = maskKeySource((mask) => mask.set([1, 2, 3, ++n]));
  assert.equal(next(), readMaskKey(Uint8Array.of(1, 2, 3, 1), 0));
  assert.equal(next(), readMaskKey(Uint8Array.of(1, 2, 3, 2), 0));
  assert.equal(maskKeySource(), randomMaskKey);
});
