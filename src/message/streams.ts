// Message layer: small WHATWG stream helpers shared by the message model, the renderer and the
// flow helpers (async iterable → ReadableStream, one-chunk streams, byte concatenation, collect).

import { ErrorCode, TimeoutError, WebSocketError } from '../errors.js';

/**
 * A `{ readable, writable }` pair of WHATWG streams, as `pipeThrough` takes (a TransformStream is
 * one). Declared over the global stream types rather than imported from `node:stream/web`, so the
 * declarations hold whether or not a project loads the DOM lib, whose globals replace Node's.
 *
 * @example
 * ```ts
 * const pair: ReadableWritablePair<string, string> = new TransformStream<string, string>();
 * ```
 */
export interface ReadableWritablePair<R = unknown, W = unknown> {
  /** Where the pair's output is read. */
  readonly readable: ReadableStream<R>;
  /** Where the pair's input is written. */
  readonly writable: WritableStream<W>;
}

/** Anything that can become a `ReadableStream<T>`: a stream, an async iterable or an iterable. */
export type StreamSource<T> = ReadableStream<T> | AsyncIterable<T> | Iterable<T>;

/**
 * Turns a stream, an async iterable (an async generator, a Node Readable) or an iterable into a
 * `ReadableStream`. Pull-based: the iterator advances only when the reader asks for a chunk, and
 * cancelling the stream calls the iterator's `return()`, so `finally` blocks run.
 *
 * @param source - the values to stream.
 * @returns `source` itself when it is already a `ReadableStream`, else a stream over it.
 * @throws TypeError when `source` is neither iterable nor a stream.
 * @example
 * ```ts
 * const stream = readableFrom(['Hello ', 'world']);
 * ```
 */
export function readableFrom<T>(source: StreamSource<T>): ReadableStream<T> {
  if (source instanceof ReadableStream) return source;
  const iterator = openIterator(source);
  return new ReadableStream<T>(
    {
      async pull(controller) {
        const step = await iterator.next();
        if (step.done) controller.close();
        else controller.enqueue(step.value);
      },
      async cancel(reason) {
        await iterator.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Starts iterating a source: its async iterator, or its iterator when it is a plain iterable (a
 * ReadableStream is async iterable).
 *
 * @param source - a stream, an async iterable or an iterable.
 * @returns the iterator.
 * @throws TypeError when `source` is neither.
 * @example
 * ```ts
 * const iterator = openIterator(['a', 'b']);
 * ```
 */
export function openIterator<T>(source: StreamSource<T>): AsyncIterator<T> | Iterator<T> {
  const iterable = source as Partial<AsyncIterable<T> & Iterable<T>>;
  const open = (iterable[Symbol.asyncIterator] ?? iterable[Symbol.iterator]) as unknown;
  if (typeof open !== 'function') {
    throw new TypeError('expected a ReadableStream, an AsyncIterable or an Iterable');
  }
  return (open as () => AsyncIterator<T> | Iterator<T>).call(source);
}

/**
 * A stream of exactly one chunk, already closed: the `textStream` / `dataStream` of a Strict message.
 *
 * @param chunk - the only chunk.
 * @returns a new stream that yields `chunk` and ends.
 */
export function singleChunkStream<T>(chunk: T): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      controller.enqueue(chunk);
      controller.close();
    },
  });
}

/**
 * Concatenates byte chunks into one array; returns the chunk itself when there is only one.
 *
 * @param parts - the chunks, in order.
 * @param totalBytes - their total length, when the caller already knows it.
 * @returns the bytes of all chunks, in order.
 */
export function concatBytes(parts: readonly Uint8Array[], totalBytes?: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  let length = totalBytes ?? 0;
  if (totalBytes === undefined) for (const part of parts) length += part.byteLength;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/**
 * Fails when a message holds more than `maxBytes` (a Strict message as much as a Streamed one, so
 * a bound does not depend on how the peer fragmented the message).
 *
 * @param bytes - the message's size so far, in bytes.
 * @param maxBytes - the bound; undefined for none.
 * @throws WebSocketError (`WSFLOW_ERR_MESSAGE_TOO_BIG`) when `bytes` exceeds `maxBytes`.
 */
export function checkMaxBytes(bytes: number, maxBytes: number | undefined): void {
  if (maxBytes !== undefined && bytes > maxBytes) {
    throw new WebSocketError(ErrorCode.MessageTooBig, `message over maxBytes (${maxBytes})`);
  }
}

/** Options of {@link collectStream}. */
export interface CollectOptions<T> {
  /** Fail once more than this many bytes were collected (measured with `sizeOf`). */
  maxBytes?: number;
  /** The size of one chunk in bytes. */
  sizeOf: (chunk: T) => number;
}

/**
 * Reads a stream to its end within a time limit, keeping every chunk (Akka's `toStrict`).
 * On timeout or overflow the stream is cancelled.
 *
 * @param stream - the stream to drain; it is locked while this runs.
 * @param timeoutMs - how long to wait for the end of the stream; undefined for no limit (a
 *   message whose size the connection already bounds).
 * @param options - the size function and an optional byte limit.
 * @returns the chunks, in order, and their total size in bytes.
 * @throws TimeoutError when the stream does not end within `timeoutMs`.
 * @throws WebSocketError (`WSFLOW_ERR_MESSAGE_TOO_BIG`) when it holds more than `maxBytes`.
 * @example
 * const { chunks } = await collectStream(message.textStream, 5000, { sizeOf: (s) => s.length });
 */
export async function collectStream<T>(
  stream: ReadableStream<T>,
  timeoutMs: number | undefined,
  options: CollectOptions<T>,
): Promise<{ chunks: T[]; bytes: number }> {
  const reader = stream.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout =
    timeoutMs === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          const fire = (): void =>
            reject(new TimeoutError(`message not complete after ${timeoutMs} ms`));
          timer = setTimeout(fire, timeoutMs);
        });
  timeout?.catch(() => undefined);
  const chunks: T[] = [];
  let bytes = 0;
  try {
    while (true) {
      const step = await (timeout === undefined
        ? reader.read()
        : Promise.race([reader.read(), timeout]));
      if (step.done) return { chunks, bytes };
      bytes += options.sizeOf(step.value);
      checkMaxBytes(bytes, options.maxBytes);
      chunks.push(step.value);
    }
  } catch (error) {
    reader.cancel(error).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}
