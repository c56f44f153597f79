// Interop helpers: the payloads of the matrix — seeded pseudo-random bytes, or valid UTF-8 text of
// an exact byte size — how they are cut into fragments, and the SHA-256 digests compared.

import { createHash } from 'node:crypto';
import { xorshift32 } from '../../src/testkit/split.js';

/** The two kinds of data message. */
export type Kind = 'text' | 'binary';

/** The payload sizes of the matrix: around the 7-bit and 16-bit length boundaries, and 4 MiB. */
export const SIZES: readonly number[] = [0, 125, 126, 65535, 65536, 4 * 1024 * 1024];

/** Every case cuts a fragmented message into this many fragments. */
export const FRAGMENTS = 3;

const cache = new Map<string, Buffer>();

/**
 * A payload: `size` pseudo-random bytes from `seed`, which for text are valid UTF-8 mixing 1-, 2-,
 * 3- and 4-byte characters. The same arguments always give the same bytes (cached).
 */
export function payload(kind: Kind, size: number, seed: number): Buffer {
  const key = `${kind}:${size}:${seed}`;
  let bytes = cache.get(key);
  if (bytes === undefined) {
    bytes = kind === 'text' ? randomUtf8(size, seed) : randomBytes(size, seed);
    cache.set(key, bytes);
  }
  return bytes;
}

/** The seed of a case: fixed per kind and size, so a failure can be replayed. */
export function seedOf(kind: Kind, size: number): number {
  return (size * 2 + (kind === 'text' ? 1 : 0)) ^ 0x5eed;
}

/** SHA-256 of bytes, in hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A size for test names: '4 MiB', '65535 B'. */
export function formatSize(size: number): string {
  return size >= 1024 * 1024 && size % (1024 * 1024) === 0
    ? `${size / (1024 * 1024)} MiB`
    : `${size} B`;
}

/**
 * Cuts a payload into {@link FRAGMENTS} fragments of about equal size (all empty for an empty
 * payload). Text is cut on character boundaries unless `splitCodePoints`: most peers send text
 * fragments as strings, which cannot end inside a character.
 */
export function fragmentsOf(bytes: Buffer, kind: Kind, splitCodePoints = false): Buffer[] {
  const cuts: number[] = [];
  for (let i = 1; i < FRAGMENTS; i++) {
    let at = Math.floor((bytes.length * i) / FRAGMENTS);
    if (kind === 'text' && !splitCodePoints) {
      while (at < bytes.length && (bytes[at] & 0xc0) === 0x80) at++;
    }
    cuts.push(at);
  }
  const fragments: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    fragments.push(bytes.subarray(start, cut));
    start = cut;
  }
  return fragments;
}

function randomBytes(size: number, seed: number): Buffer {
  const next = xorshift32(seed);
  const out = Buffer.allocUnsafe(size);
  let i = 0;
  for (; i + 4 <= size; i += 4) out.writeUInt32LE(next(), i);
  for (; i < size; i++) out[i] = next() & 0xff;
  return out;
}

/** Valid UTF-8 of exactly `size` bytes: random characters of every width, no surrogates. */
function randomUtf8(size: number, seed: number): Buffer {
  const next = xorshift32(seed);
  const out = Buffer.allocUnsafe(size);
  let i = 0;
  while (i < size) {
    const r = next();
    const width = Math.min(size - i, [1, 1, 2, 3, 4][r % 5]);
    if (width === 1) {
      out[i++] = 0x20 + ((r >>> 8) % 0x5f); // printable ASCII
    } else if (width === 2) {
      const cp = 0x80 + ((r >>> 8) % 0x780);
      out[i++] = 0xc0 | (cp >> 6);
      out[i++] = 0x80 | (cp & 0x3f);
    } else if (width === 3) {
      let cp = 0x800 + ((r >>> 8) % 0xf800);
      if (cp >= 0xd800 && cp <= 0xdfff) cp -= 0x800; // no surrogates
      out[i++] = 0xe0 | (cp >> 12);
      out[i++] = 0x80 | ((cp >> 6) & 0x3f);
      out[i++] = 0x80 | (cp & 0x3f);
    } else {
      const cp = 0x10000 + ((r >>> 8) % 0x100000);
      out[i++] = 0xf0 | (cp >> 18);
      out[i++] = 0x80 | ((cp >> 12) & 0x3f);
      out[i++] = 0x80 | ((cp >> 6) & 0x3f);
      out[i++] = 0x80 | (cp & 0x3f);
    }
  }
  return out;
}
