// Extensions layer: one raw zlib stream (deflate or inflate) run as a sequence of jobs — write
// some bytes, sync-flush, collect the output — with an output bound checked as zlib produces it,
// and a small pool that lets connections without context takeover share idle streams.

import { constants, createDeflateRaw, createInflateRaw } from 'node:zlib';
import type { DeflateRaw, InflateRaw, ZlibOptions } from 'node:zlib';

/** What a job produced: the output chunks and their total size, or why it failed. */
export interface ZlibResult {
  error: Error | undefined;
  /** True when the output went past the job's limit (the stream is then unusable). */
  overflow: boolean;
  chunks: Buffer[];
  bytes: number;
}

/** How to build a context; contexts with equal keys are interchangeable once reset. */
export interface ZlibContextKind {
  readonly mode: 'deflate' | 'inflate';
  readonly windowBits: number;
  readonly memLevel?: number;
  readonly level?: number;
}

/**
 * A raw zlib stream driven one job at a time. A job writes its input, asks for a sync flush and
 * calls back once, when the flush is done, when zlib fails, or as soon as the output passes the
 * limit (ws's `inflateOnData`): the rest of the input is then never inflated.
 *
 * @example
 * const context = ZlibContext.create({ mode: 'inflate', windowBits: 15 });
 * context.run([compressed, TRAILER], 1 << 20, (result) => console.log(result.bytes));
 */
export class ZlibContext {
  readonly key: string;
  readonly #stream: DeflateRaw | InflateRaw;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #limit = Infinity;
  #callback: ((result: ZlibResult) => void) | undefined;
  #broken = false;
  #closed = false;

  private constructor(key: string, stream: DeflateRaw | InflateRaw) {
    this.key = key;
    this.#stream = stream;
    openCount++;
    stream.on('data', (chunk: Buffer) => this.#onData(chunk));
    stream.on('error', (error: Error) => this.#finish(error, false));
  }

  /**
   * Creates a context. zlib refuses an 8-bit window for raw deflate, so deflate uses 9 bits:
   * its matches then reach back at most 250 bytes (a window less zlib's 262-byte lookahead), within
   * the 256 bytes a peer that agreed to 8 bits keeps. Inflate keeps 8 bits as agreed.
   *
   * @param kind - Deflate or inflate, and zlib's parameters.
   * @param dictionary - The last bytes of the stream's data before it was released: the stream
   *   goes on as if it had never stopped (a raw stream's window is just these bytes).
   * @returns An idle context.
   */
  static create(kind: ZlibContextKind, dictionary?: Uint8Array): ZlibContext {
    const options: ZlibOptions = { windowBits: kind.windowBits };
    if (dictionary !== undefined && dictionary.length > 0) options.dictionary = dictionary;
    if (kind.mode === 'inflate') return new ZlibContext(keyOf(kind), createInflateRaw(options));
    options.windowBits = Math.max(9, kind.windowBits);
    options.memLevel = kind.memLevel;
    options.level = kind.level;
    return new ZlibContext(keyOf(kind), createDeflateRaw(options));
  }

  /** True once zlib failed or a job overflowed: the stream's state is lost; close it. */
  get broken(): boolean {
    return this.#broken;
  }

  /** True while a job runs. */
  get busy(): boolean {
    return this.#callback !== undefined;
  }

  /**
   * Runs one job: writes `input`, sync-flushes, and calls back once with the output.
   *
   * @param input - The bytes to write, in order.
   * @param limit - The most output bytes accepted; past it the job ends with `overflow`.
   * @param callback - Called once, never synchronously.
   */
  run(input: readonly Uint8Array[], limit: number, callback: (result: ZlibResult) => void): void {
    if (this.#callback !== undefined || this.#closed) {
      throw new Error('zlib context is busy or closed');
    }
    this.#callback = callback;
    this.#limit = limit;
    const stream = this.#stream;
    for (const bytes of input) if (bytes.length > 0) stream.write(bytes);
    stream.flush(constants.Z_SYNC_FLUSH, () => this.#finish(undefined, false));
  }

  /** Forgets the compression context (a new message starts from scratch). Only while idle. */
  reset(): void {
    if (!this.#broken && !this.#closed) this.#stream.reset();
  }

  /** Releases zlib's memory; a running job still calls back (with what it had). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    openCount--;
    this.#stream.close();
  }

  #onData(chunk: Buffer): void {
    if (this.#callback === undefined) return;
    this.#bytes += chunk.length;
    if (this.#bytes > this.#limit) {
      // Stop at once: never hold more than the limit (plus one zlib chunk) of output.
      this.#broken = true;
      this.#finish(undefined, true);
      this.close();
      return;
    }
    this.#chunks.push(chunk);
  }

  #finish(error: Error | undefined, overflow: boolean): void {
    const callback = this.#callback;
    if (error !== undefined) this.#broken = true;
    if (callback === undefined) return;
    const result: ZlibResult = { error, overflow, chunks: this.#chunks, bytes: this.#bytes };
    this.#callback = undefined;
    this.#chunks = [];
    this.#bytes = 0;
    if (overflow) result.chunks = [];
    // The flush callback may run inside a stream callback; the owner's code runs after it.
    process.nextTick(callback, result);
  }
}

let openCount = 0;

/**
 * How many zlib streams are open in the process, pooled ones included (tests, metrics).
 *
 * @returns Contexts created and not yet closed.
 * @example
 * const before = openContexts(); // compare after connections closed
 */
export function openContexts(): number {
  return openCount;
}

/** The pool key of a kind. */
function keyOf(kind: ZlibContextKind): string {
  return `${kind.mode}:${kind.windowBits}:${kind.memLevel ?? ''}:${kind.level ?? ''}`;
}

/** Idle contexts kept per key; more are closed. */
const MAX_IDLE_PER_KEY = 4;
const idle = new Map<string, ZlibContext[]>();

/**
 * Takes an idle context of this kind from the pool, or creates one. Used where each message
 * starts from an empty context (no context takeover), so connections need not own one each.
 *
 * @param kind - What is needed.
 * @returns A context, reset.
 * @example
 * const context = takeContext({ mode: 'inflate', windowBits: 15 });
 */
export function takeContext(kind: ZlibContextKind): ZlibContext {
  const context = idle.get(keyOf(kind))?.pop();
  return context ?? ZlibContext.create(kind);
}

/**
 * Gives a context back after a message: reset and pooled, or closed when broken or the pool is
 * full.
 *
 * @param context - A context from {@link takeContext}, idle.
 * @example
 * giveContext(context); // after the message's last job called back
 */
export function giveContext(context: ZlibContext): void {
  if (context.broken || context.busy) return context.close();
  let list = idle.get(context.key);
  if (list === undefined) idle.set(context.key, (list = []));
  if (list.length >= MAX_IDLE_PER_KEY) return context.close();
  context.reset();
  list.push(context);
}

/**
 * How many idle contexts the pool holds (tests, metrics).
 *
 * @returns The number of pooled contexts over every kind.
 * @example
 * pooledContexts(); // 0 before any connection without context takeover sent a message
 */
export function pooledContexts(): number {
  let count = 0;
  for (const list of idle.values()) count += list.length;
  return count;
}
