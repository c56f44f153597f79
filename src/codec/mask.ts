// Codec layer: masking (RFC 6455 section 5.3). XOR in place a word at a time, masks drawn from a
// pooled random source, and a seam where an optional native implementation can plug in (the
// connection layer plugs in the `bufferutil` addon when it is installed; see
// connection/native-mask.ts). Importing this module has no side effect.
//
// A mask key travels as a 32-bit integer whose low byte is the first key byte on the wire, so that
// on little-endian machines one Uint32Array word XOR masks four payload bytes at once.

import { randomFillSync } from 'node:crypto';

/** Fills `mask` (4 bytes) with a masking key; inject one for deterministic tests. */
export type MaskGenerator = (mask: Uint8Array) => void;

/**
 * An alternative implementation of {@link applyMask}, e.g. a native addon. Same contract: XOR
 * `bytes[start..end)` with `key` rotated by `phase` bytes.
 */
export type MaskImplementation = (
  bytes: Uint8Array,
  start: number,
  end: number,
  key: number,
  phase: number,
) => void;

// Measured on Node 20 (x64): a fresh Int32Array view per call, 8 words per round, beats a
// Uint32Array (loads above 2^31 leave the int32 fast path; about 0.5x), a cached view, a DataView
// (about 0.3x) and Buffer#readInt32LE (about 0.02x) from about 96 bytes up; below that the view's
// allocation costs more than it saves and an unrolled byte loop wins.
const WORD_THRESHOLD = 96;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * An alternative implementation of {@link maskCopy}, e.g. a native addon: writes `source` XOR
 * `key` to `target` from `offset` on, in one pass.
 */
export type MaskCopyImplementation = (
  source: Uint8Array,
  target: Uint8Array,
  offset: number,
  key: number,
) => void;

let native: MaskImplementation | undefined;
let nativeCopy: MaskCopyImplementation | undefined;
let nativeMinBytes = 0;

/**
 * Installs (or with `undefined` removes) a native masking implementation used for payloads of at
 * least `minBytes`, and optionally its copying form for {@link maskCopy}. wsflow ships none; this
 * is the seam for one.
 *
 * @example
 * useNativeMask((bytes, start, end, key, phase) => addon.mask(bytes, start, end, key, phase), 256);
 */
export function useNativeMask(
  impl: MaskImplementation | undefined,
  minBytes = 0,
  copyImpl?: MaskCopyImplementation,
): void {
  native = impl;
  nativeCopy = impl === undefined ? undefined : copyImpl;
  nativeMinBytes = minBytes;
}

/**
 * Reads a 4-byte mask key at `offset` as the integer form {@link applyMask} takes.
 *
 * @example
 * readMaskKey(Uint8Array.of(0x37, 0xfa, 0x21, 0x3d), 0); // 0x3d21fa37
 */
export function readMaskKey(bytes: Uint8Array, offset: number): number {
  return (
    bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)
  );
}

/**
 * Writes the 4 bytes of a mask key at `offset`, wire order.
 *
 * @example
 * writeMaskKey(0x3d21fa37, header, 2); // header[2..6) = 37 fa 21 3d
 */
export function writeMaskKey(key: number, target: Uint8Array, offset: number): void {
  target[offset] = key;
  target[offset + 1] = key >>> 8;
  target[offset + 2] = key >>> 16;
  target[offset + 3] = key >>> 24;
}

/**
 * Rotates a key so that its low byte is the one for payload position `phase` (mod 4).
 *
 * @example
 * rotateKey(0x3d21fa37, 1); // 0x373d21fa: the key as seen from the payload's second byte
 */
export function rotateKey(key: number, phase: number): number {
  const shift = (phase & 3) << 3;
  return shift === 0 ? key : (key >>> shift) | (key << (32 - shift));
}

/**
 * XORs `bytes[start..end)` in place with the mask `key` (masking and unmasking are the same).
 * `phase` is the position within the payload of `bytes[start]`, for payloads that arrive in parts.
 * A zero key is skipped.
 *
 * @example
 * const key = readMaskKey(header, 2);
 * applyMask(payload, 0, payload.length, key, 0);
 */
export function applyMask(
  bytes: Uint8Array,
  start: number,
  end: number,
  key: number,
  phase: number,
): void {
  if (key === 0 || start >= end) return;
  if (native !== undefined && end - start >= nativeMinBytes) {
    native(bytes, start, end, key, phase);
    return;
  }
  const k = rotateKey(key, phase);
  if (end - start < WORD_THRESHOLD) maskBytes(bytes, start, end, k);
  else maskWords(bytes, start, end, k);
}

/**
 * Writes `source` masked with `key` into `target` from `offset` on, leaving `source` as it was: a
 * client's send masks its copy of the caller's bytes. With a native implementation the copy and
 * the XOR are one pass over the bytes instead of two.
 *
 * @example
 * const frame = Buffer.allocUnsafe(header + payload.length);
 * maskCopy(payload, frame, header, key);
 */
export function maskCopy(
  source: Uint8Array,
  target: Uint8Array,
  offset: number,
  key: number,
): void {
  const length = source.length;
  if (nativeCopy !== undefined && key !== 0 && length >= nativeMinBytes) {
    nativeCopy(source, target, offset, key);
    return;
  }
  target.set(source, offset);
  applyMask(target, offset, offset + length, key, 0);
}

/** Byte-wise masking, four bytes per round, then the tail. `k` is already rotated. */
function maskBytes(bytes: Uint8Array, start: number, end: number, k: number): void {
  let i = start;
  const b0 = k & 0xff;
  const b1 = (k >>> 8) & 0xff;
  const b2 = (k >>> 16) & 0xff;
  const b3 = k >>> 24;
  for (const last = end - 3; i < last; i += 4) {
    bytes[i] ^= b0;
    bytes[i + 1] ^= b1;
    bytes[i + 2] ^= b2;
    bytes[i + 3] ^= b3;
  }
  let t = k;
  for (; i < end; i++, t = (t >>> 8) | (t << 24)) bytes[i] ^= t & 0xff;
}

/** Word-wise masking: bytes up to 4-byte alignment, then Uint32 words, then the tail. */
function maskWords(bytes: Uint8Array, start: number, end: number, k: number): void {
  const base = bytes.byteOffset;
  const lead = (4 - ((base + start) & 3)) & 3;
  let i = start;
  let t = k;
  for (const stop = start + lead; i < stop; i++, t = (t >>> 8) | (t << 24)) bytes[i] ^= t & 0xff;
  const count = (end - i) >>> 2;
  const words = new Int32Array(bytes.buffer, base + i, count);
  const w = LITTLE_ENDIAN ? t : swapBytes(t);
  let j = 0;
  for (const last = count - 7; j < last; j += 8) {
    words[j] ^= w;
    words[j + 1] ^= w;
    words[j + 2] ^= w;
    words[j + 3] ^= w;
    words[j + 4] ^= w;
    words[j + 5] ^= w;
    words[j + 6] ^= w;
    words[j + 7] ^= w;
  }
  for (; j < count; j++) words[j] ^= w;
  i += count << 2;
  for (; i < end; i++, t = (t >>> 8) | (t << 24)) bytes[i] ^= t & 0xff;
}

function swapBytes(v: number): number {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}

const POOL_BYTES = 8 * 1024;
let pool: Uint8Array | undefined;
let poolOffset = POOL_BYTES;

/**
 * A fresh random mask key (RFC 6455 section 10.3: unpredictable), drawn from an 8 KiB pool of
 * `crypto.randomFillSync` bytes that is refilled when used up.
 *
 * @example
 * const key = randomMaskKey();
 */
export function randomMaskKey(): number {
  if (poolOffset === POOL_BYTES) {
    pool ??= new Uint8Array(POOL_BYTES);
    randomFillSync(pool);
    poolOffset = 0;
  }
  const key = readMaskKey(pool as Uint8Array, poolOffset);
  poolOffset += 4;
  return key;
}

/**
 * A mask key source: the random pool, or `generator` (tests) when given.
 *
 * @example
 * const next = maskKeySource((m) => m.fill(0x37));
 * next(); // 0x37373737
 */
export function maskKeySource(generator?: MaskGenerator): () => number {
  if (generator === undefined) return randomMaskKey;
  const scratch = new Uint8Array(4);
  return () => {
    generator(scratch);
    return readMaskKey(scratch, 0);
  };
}
