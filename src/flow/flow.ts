// Flow layer: a handler is a flow from incoming to outgoing messages (Akka HTTP, Play): a WHATWG
// ReadableWritablePair or an async generator function, plus map, echo and disconnected flows.

import { discardMessage } from '../message/message.js';
import type { Message, MessageLike } from '../message/message.js';
import { isPromiseLike } from '../util/thenable.js';
import { readableFrom } from '../message/streams.js';
import type { ReadableWritablePair, StreamSource } from '../message/streams.js';

/**
 * A handler from `In` to `Out`: what `pipeThrough` takes (a `{ writable, readable }` pair such as a
 * TransformStream), or a function from the incoming messages to the outgoing ones, typically an
 * async generator. A function (and {@link map}) can run on many connections; a pair is used once.
 *
 * Half-close (Akka HTTP's half-closed WebSockets): when the outgoing side completes, the connection starts the close
 * handshake (1000) and ends after the peer's Close or the close timeout (3 s by default).
 *
 * @example
 * ```ts
 * const shout: Flow<Message, string> = async function* (incoming) {
 *   for await (const message of incoming) {
 *     if (message.isText) yield (await message.toStrict(1000)).text.toUpperCase();
 *     else discardMessage(message);
 *   }
 * };
 * ```
 */
export type Flow<In, Out> =
  ReadableWritablePair<Out, In> | ((incoming: AsyncIterable<In>) => AsyncIterable<Out>);

/** A handler of WebSocket messages: what `Connection.runUntilClosed` takes. */
export type MessageFlow = Flow<Message, MessageLike>;

/** The function of {@link map}: a value, a promise of one, or `undefined` (or no return) to emit nothing. */
export type MapFunction<In, Out> = (
  value: In,
) => Out | undefined | void | PromiseLike<Out | undefined | void>;

/**
 * The flow {@link map} makes. Besides being a pair, it exposes its function so a connection can
 * call it directly, without streams, when it returns plain values (the fast path).
 */
export class MapFlow<In, Out> implements ReadableWritablePair<Out, In> {
  /** The function applied to each element. */
  readonly fn: MapFunction<In, Out>;
  #pair: ReadableWritablePair<Out, In> | undefined;

  /** @param fn - the function applied to each element. */
  constructor(fn: MapFunction<In, Out>) {
    this.fn = fn;
  }

  /** The output side of this flow's own TransformStream (made on first use; used once). */
  get readable(): ReadableStream<Out> {
    return (this.#pair ??= this.createPair()).readable;
  }

  /** The input side of this flow's own TransformStream (made on first use; used once). */
  get writable(): WritableStream<In> {
    return (this.#pair ??= this.createPair()).writable;
  }

  /** @returns a fresh TransformStream applying `fn`, one element at a time, in order. */
  createPair(): ReadableWritablePair<Out, In> {
    const fn = this.fn;
    return new TransformStream<In, Out>({
      transform(chunk, controller) {
        const out = fn(chunk);
        if (!isPromiseLike(out)) {
          if (out !== undefined) controller.enqueue(out);
          return;
        }
        return Promise.resolve(out).then((value) => {
          if (value !== undefined) controller.enqueue(value);
        });
      },
    });
  }
}

/**
 * A flow that applies `fn` to each element, in order (Akka's `Flow.map` / `mapAsync(1)`);
 * `undefined` emits nothing. Connections run a map flow without streams while `fn` returns
 * plain values. A function that only ever returns `undefined` (a sink, a broadcast) makes a
 * flow that emits nothing (`MapFlow<In, never>`), which fits any handler.
 *
 * @param fn - the function; it may return a promise.
 * @returns the flow.
 * @example
 * ```ts
 * connection.runUntilClosed(map((m) => (m.isText && m.isStrict ? `Hello ${m.text}!` : undefined)));
 * ```
 */
export function map<In>(
  fn: (value: In) => undefined | void | PromiseLike<undefined | void>,
): MapFlow<In, never>;
export function map<In, Out>(fn: MapFunction<In, Out>): MapFlow<In, Out>;
export function map<In, Out>(fn: MapFunction<In, Out>): MapFlow<In, Out> {
  return new MapFlow(fn);
}

/**
 * A flow that sends every message back as it came (Strict or Streamed).
 *
 * @returns the flow.
 * @example
 * ```ts
 * await connection.runUntilClosed(echo());
 * ```
 */
export function echo<T = Message>(): MapFlow<T, T> {
  return map((message: T) => message);
}

/**
 * A disconnected flow (Akka's `Flow.fromSinkAndSource`, Play's `Flow.wrap`): incoming messages go
 * to `sink`, outgoing ones come from `source`, and the two are not related. When `source` ends the
 * connection closes (1000), so keep it open with {@link maybe} or `concat(..., maybe().source)`:
 *
 * | scenario                             | wsflow                                             |
 * | ------------------------------------ | -------------------------------------------------- |
 * | two-way communication                | `fromSinkAndSource(sink, source)`, or `map(fn)`     |
 * | infinite incoming stream, no outgoing | `fromSinkAndSource(sink, maybe().source)`          |
 * | infinite outgoing stream, no incoming | `fromSinkAndSource(ignore(), yourSource)`          |
 *
 * @param sink - a WritableStream, or a function called per element (a returned promise is awaited
 *   before the next element). Streamed messages must be drained or cancelled by the sink.
 * @param source - a ReadableStream or an (async) iterable.
 * @returns the flow (a pair: use it for one connection).
 * @throws TypeError when `source` is not a stream or an iterable.
 * @example
 * ```ts
 * const { source, complete } = maybe<string>();
 * connection.runUntilClosed(fromSinkAndSource((m) => console.log(m.isText && m.isStrict ? m.text : '<other>'), source));
 * ```
 */
export function fromSinkAndSource<In, Out>(
  sink: WritableStream<In> | SinkFunction<In>,
  source: StreamSource<Out>,
): SinkAndSourceFlow<In, Out> {
  const iterable = source as Partial<AsyncIterable<Out> & Iterable<Out>>;
  if (
    !(source instanceof ReadableStream) &&
    typeof iterable[Symbol.asyncIterator] !== 'function' &&
    typeof iterable[Symbol.iterator] !== 'function'
  ) {
    throw new TypeError('expected a ReadableStream, an AsyncIterable or an Iterable');
  }
  return new SinkAndSourceFlow(sink, source);
}

/** The function form of a {@link fromSinkAndSource} sink: a returned promise holds the next element. */
export type SinkFunction<In> = (value: In) => void | PromiseLike<void>;

/**
 * The flow {@link fromSinkAndSource} makes. Besides being a pair (its streams made on first use),
 * it exposes its sink and source, so a connection can feed a function sink from message delivery
 * and pull the source straight into its writer, without streams.
 */
export class SinkAndSourceFlow<In, Out> implements ReadableWritablePair<Out, In> {
  /** Where incoming elements go. */
  readonly sink: WritableStream<In> | SinkFunction<In>;
  /** Where outgoing elements come from. */
  readonly source: StreamSource<Out>;
  #writable: WritableStream<In> | undefined;
  #readable: ReadableStream<Out> | undefined;

  /**
   * @param sink - a WritableStream, or a function called per element.
   * @param source - a ReadableStream or an (async) iterable.
   */
  constructor(sink: WritableStream<In> | SinkFunction<In>, source: StreamSource<Out>) {
    this.sink = sink;
    this.source = source;
  }

  /** The sink as a stream (made on first use). */
  get writable(): WritableStream<In> {
    const sink = this.sink;
    return (this.#writable ??=
      sink instanceof WritableStream ? sink : new WritableStream<In>({ write: (v) => sink(v) }));
  }

  /** The source as a stream (made on first use). */
  get readable(): ReadableStream<Out> {
    return (this.#readable ??= readableFrom(this.source));
  }
}

/**
 * A sink that takes every message and drops it, cancelling Streamed bodies so they do not stall
 * the connection (Akka's `Sink.ignore` plus draining).
 *
 * @returns a new WritableStream.
 * @example
 * ```ts
 * connection.runUntilClosed(fromSinkAndSource(ignore(), ticker(1000, (n) => `tick ${n}`)));
 * ```
 */
export function ignore(): WritableStream<Message> {
  return new WritableStream<Message>({ write: discardMessage });
}

/**
 * Runs a flow over a source of elements: the one function that normalizes every {@link Flow}.
 *
 * @param flow - the flow; a {@link MapFlow} gets a fresh TransformStream, so it can be reused.
 * @param incoming - what the flow reads.
 * @returns `output`, what the flow emits, and `input`, a promise that rejects when feeding a
 *   pair's writable side fails (the flow's sink threw).
 * @example
 * ```ts
 * const { output } = connectFlow(echo(), connection.incoming);
 * await output.pipeTo(connection.outgoing);
 * ```
 */
export function connectFlow<In, Out>(
  flow: Flow<In, Out>,
  incoming: ReadableStream<In>,
): { output: ReadableStream<Out>; input: Promise<void> } {
  if (typeof flow === 'function') {
    return { output: readableFrom(flow(incoming)), input: Promise.resolve() };
  }
  const pair = flow instanceof MapFlow ? flow.createPair() : flow;
  if (!(pair?.writable instanceof WritableStream) || !(pair.readable instanceof ReadableStream)) {
    throw new TypeError(
      'a flow is a { writable, readable } pair or a function of the incoming messages',
    );
  }
  return { output: pair.readable, input: incoming.pipeTo(pair.writable) };
}
