// Extensions layer: the last bytes that went through a zlib stream, kept so that a released
// stream can be rebuilt later with them as its preset dictionary (the LZ77 window is exactly the
// last 2^windowBits bytes of uncompressed data, in both directions).

/**
 * The last `capacity` bytes appended. Memory grows with what was appended (doubling from
 * `initialBytes`) up to `capacity`, then wraps around as a ring; {@link WindowHistory.take}
 * hands out an exact-size copy and frees it.
 *
 * @example
 * const history = new WindowHistory(1 << 15);
 * history.append(message);
 * const dictionary = history.take(); // up to 32 KiB: the context to rebuild a stream with
 */
export class WindowHistory {
  readonly #capacity: number;
  readonly #initialBytes: number;
  #ring: Buffer | undefined;
  /** Where the next byte goes; until the ring is full the bytes are ring[0, #filled). */
  #next = 0;
  #filled = 0;

  /**
   * @param capacity - How many of the last bytes to keep (the window size).
   * @param initialBytes - The first allocation; it doubles as needed.
   */
  constructor(capacity: number, initialBytes = 1024) {
    this.#capacity = capacity;
    this.#initialBytes = initialBytes;
  }

  /** How many bytes are held (at most the capacity). */
  get length(): number {
    return this.#filled;
  }

  /** Appends bytes; only the last `capacity` bytes of everything appended are kept. */
  append(bytes: Uint8Array): void {
    const capacity = this.#capacity;
    const source = bytes.length > capacity ? bytes.subarray(bytes.length - capacity) : bytes;
    if (source.length === 0) return;
    const ring = this.#ringFor(this.#filled + source.length);
    const first = Math.min(source.length, ring.length - this.#next);
    ring.set(first === source.length ? source : source.subarray(0, first), this.#next);
    if (first < source.length) ring.set(source.subarray(first), 0);
    this.#next = (this.#next + source.length) % ring.length;
    this.#filled = Math.min(capacity, this.#filled + source.length);
  }

  /**
   * The kept bytes, oldest first, as a new exact-size buffer; the history is empty afterwards
   * and holds no memory.
   *
   * @returns The bytes, or undefined when none were appended.
   */
  take(): Buffer | undefined {
    const ring = this.#ring;
    if (ring === undefined) return undefined;
    const filled = this.#filled;
    const bytes =
      filled < this.#capacity
        ? Buffer.from(ring.subarray(0, filled))
        : Buffer.concat([ring.subarray(this.#next), ring.subarray(0, this.#next)], filled);
    this.#ring = undefined;
    this.#next = 0;
    this.#filled = 0;
    return bytes;
  }

  /** A ring that holds `needed` bytes, or the full-size one (which then wraps). */
  #ringFor(needed: number): Buffer {
    const ring = this.#ring;
    if (ring !== undefined && (ring.length >= needed || ring.length === this.#capacity)) {
      return ring;
    }
    // Until it reaches full size the ring never wrapped: its bytes are ring[0, #filled).
    let size = Math.max(this.#initialBytes, ring?.length ?? 0);
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(Math.min(size, this.#capacity));
    if (ring !== undefined) ring.copy(grown, 0, 0, this.#filled);
    this.#next = this.#filled % grown.length;
    return (this.#ring = grown);
  }
}
