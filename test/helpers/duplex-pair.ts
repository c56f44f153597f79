// Test helper: an in-memory socket pair. What one end writes, the other reads; a write completes
// only once the reader has room, so backpressure travels end to end as over TCP.

import { Duplex } from 'node:stream';

/** Options of {@link duplexPair}. */
export interface DuplexPairOptions {
  /** Readable and writable high-water mark of both ends, in bytes. Default 16 KiB. */
  highWaterMark?: number;
}

/** One end of a {@link duplexPair}. */
export class PairEnd extends Duplex {
  peer!: PairEnd;
  /** Calls to _write/_writev: one per write, one per cork/uncork batch. */
  writeCalls = 0;
  /** Bytes this end wrote. */
  bytesSent = 0;
  /** Bytes the peer pushed into this end (delivered or still buffered here). */
  bytesPushed = 0;
  #outbox: Buffer | undefined;
  #outboxDone: ((error?: Error | null) => void) | undefined;

  constructor(highWaterMark: number) {
    super({ allowHalfOpen: false, highWaterMark, decodeStrings: true });
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.writeCalls++;
    this.#deliver(chunk, callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.writeCalls++;
    this.#deliver(Buffer.concat(chunks.map((c) => c.chunk)), callback);
  }

  override _read(): void {
    this.peer.#pump();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.peer.destroyed && !this.peer.readableEnded) this.peer.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const done = this.#outboxDone;
    this.#outbox = undefined;
    this.#outboxDone = undefined;
    done?.(error ?? new Error('destroyed'));
    // Like a TCP reset: the peer sees the end of its input (and, not half-open, closes too).
    const peer = this.peer;
    if (!peer.destroyed && !peer.readableEnded) peer.push(null);
    callback(error);
  }

  #deliver(data: Buffer, callback: (error?: Error | null) => void): void {
    if (this.peer.destroyed) {
      callback(new Error('peer destroyed'));
      return;
    }
    this.bytesSent += data.length;
    this.#outbox = data;
    this.#outboxDone = callback;
    this.#pump();
  }

  /** Pushes the outbox to the peer in segments of at most 64 KiB, while the peer has room. */
  #pump(): void {
    const peer = this.peer;
    while (this.#outbox !== undefined && !peer.destroyed) {
      const segment = this.#outbox.subarray(0, SEGMENT_BYTES);
      const rest = this.#outbox.subarray(segment.length);
      this.#outbox = rest.length === 0 ? undefined : rest;
      peer.bytesPushed += segment.length;
      const more = peer.push(segment);
      if (this.#outbox === undefined) {
        const done = this.#outboxDone;
        this.#outboxDone = undefined;
        if (more) done?.();
        else this.#outboxDone = done;
        return;
      }
      if (!more) return;
    }
    if (this.#outbox === undefined && this.#outboxDone !== undefined) {
      const done = this.#outboxDone;
      this.#outboxDone = undefined;
      done();
    }
  }
}

const SEGMENT_BYTES = 64 * 1024;

/**
 * Two connected in-memory Duplex streams, like the two ends of a TCP connection.
 *
 * @param options - buffer sizes.
 * @returns both ends.
 * @example
 * ```ts
 * const [serverSide, clientSide] = duplexPair();
 * clientSide.write('hi'); // serverSide emits 'data'
 * ```
 */
export function duplexPair(options: DuplexPairOptions = {}): [PairEnd, PairEnd] {
  const highWaterMark = options.highWaterMark ?? 16 * 1024;
  const a = new PairEnd(highWaterMark);
  const b = new PairEnd(highWaterMark);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
