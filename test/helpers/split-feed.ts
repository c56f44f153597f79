// Test helpers: feed the same bytes in every chunking that matters — whole, split at every byte
// boundary, and one byte at a time — with a fresh copy each time (the parser unmasks in place).

/** How a fixture was cut into chunks, for assertion messages. */
export interface Chunking {
  readonly name: string;
  readonly chunks: Uint8Array[];
}

/** Copies `bytes` (the parser may mutate what it is fed). */
function copy(bytes: Uint8Array, start = 0, end = bytes.length): Buffer {
  return Buffer.from(bytes.subarray(start, end));
}

/** Every chunking of `bytes`: whole, each two-way split, and byte by byte. */
export function chunkings(bytes: Uint8Array): Chunking[] {
  const out: Chunking[] = [{ name: 'whole', chunks: [copy(bytes)] }];
  for (let i = 1; i < bytes.length; i++) {
    out.push({ name: `split at ${i}`, chunks: [copy(bytes, 0, i), copy(bytes, i)] });
  }
  if (bytes.length > 2) {
    const single = Array.from({ length: bytes.length }, (_, i) => copy(bytes, i, i + 1));
    out.push({ name: 'byte by byte', chunks: single });
  }
  return out;
}

/**
 * Runs `check` once per chunking of `bytes`. `check` gets the chunks to feed and must build its
 * own fresh parser; failures name the chunking.
 */
export function forEachChunking(bytes: Uint8Array, check: (chunks: Uint8Array[]) => void): void {
  for (const { name, chunks } of chunkings(bytes)) {
    try {
      check(chunks);
    } catch (error) {
      if (error instanceof Error) error.message = `[${name}] ${error.message}`;
      throw error;
    }
  }
}

/** Splits `bytes` at the given cut points (sorted, within bounds), copying each piece. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [0, ...cuts, bytes.length];
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < points.length; i++) out.push(copy(bytes, points[i], points[i + 1]));
  return out;
}
