// Testkit: where the in-memory link cuts a write into pieces: fixed-size chunks, chosen offsets,
// or lengths drawn from a seeded generator, so a failing case replays from its seed.

/**
 * How a {@link MemoryLink} splits every write before the peer reads it.
 *
 * - `{ chunkBytes: 1 }`: every byte arrives alone (any `n` makes pieces of `n` bytes).
 * - `{ at: [2, 10] }`: each write is cut at these offsets (those past its end are ignored).
 * - `{ seed: 7, maxChunkBytes: 16 }`: pieces of 1 to `maxChunkBytes` bytes (default 16), their
 *   lengths drawn from a generator seeded with `seed`; the same writes split the same way.
 */
export type SplitOptions =
  | { readonly chunkBytes: number }
  | { readonly at: readonly number[] }
  | { readonly seed: number; readonly maxChunkBytes?: number };

/** Cuts one write into the pieces the peer reads, in order. */
export type Splitter = (data: Buffer) => Buffer[];

/**
 * Makes the splitter of one direction of a link (a random one keeps its own generator state).
 *
 * @param options - how to split.
 * @returns the splitter.
 * @throws {RangeError} for a chunk size or an offset that is not a positive integer, or a seed
 *   that is not an integer.
 * @example
 * ```ts
 * createSplitter({ chunkBytes: 1 })(Buffer.from('abc')); // [a, b, c]
 * ```
 */
export function createSplitter(options: SplitOptions): Splitter {
  if ('chunkBytes' in options) {
    const size = checkPositive('split.chunkBytes', options.chunkBytes);
    return (data) => cutEvery(data, () => size);
  }
  if ('at' in options) {
    const points = [...options.at].map((point) => checkPositive('split.at', point));
    points.sort((a, b) => a - b);
    return (data) => cutAt(data, points);
  }
  if (!Number.isInteger(options.seed)) {
    throw new RangeError(`split.seed must be an integer, not ${String(options.seed)}`);
  }
  const max = checkPositive('split.maxChunkBytes', options.maxChunkBytes ?? 16);
  const next = xorshift32(options.seed);
  return (data) => cutEvery(data, () => 1 + (next() % max));
}

function cutEvery(data: Buffer, nextLength: () => number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length;) {
    const end = Math.min(data.length, at + nextLength());
    pieces.push(data.subarray(at, end));
    at = end;
  }
  return pieces;
}

function cutAt(data: Buffer, points: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    if (point >= data.length) break;
    if (point > from) pieces.push(data.subarray(from, point));
    from = point;
  }
  if (from < data.length) pieces.push(data.subarray(from));
  return pieces;
}

/**
 * A small deterministic generator of unsigned 32-bit numbers (xorshift32); internal to the package,
 * shared with the interop payloads.
 *
 * @param seed - any integer (0 is replaced by a fixed non-zero seed).
 * @returns the next number on each call.
 * @example
 * const next = xorshift32(7);
 */
export function xorshift32(seed: number): () => number {
  let x = seed | 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function checkPositive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, not ${String(value)}`);
  }
  return value;
}
