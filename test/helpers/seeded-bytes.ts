// Test support: deterministic pseudo-random bytes (xorshift32), so large payloads cost no
// generation time and a failing case can be replayed from its seed.

/**
 * Fills `size` bytes from `seed`; with `ascii`, only printable ASCII (0x20-0x7e).
 *
 * @example
 * seededBytes(4, 7); // the same 4 bytes on every call
 */
export function seededBytes(size: number, seed: number, ascii = false): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = ascii ? 0x20 + ((x >>> 0) % 0x5f) : x;
  }
  return out;
}
