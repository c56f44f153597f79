// Transform layer: a transformer applied to each flow style. `map` stays a map (the connection's
// fast path, no streams, no promise while decoding and the function are synchronous); a function
// stays a function; a sink and source or a pair become a pair. Answers to invalid messages join the
// outgoing side in the incoming message's turn. A flow made per connection stays one: what it makes
// is transformed.

import { MapFlow, SinkAndSourceFlow } from '../flow/flow.js';
import { ConnectionBoundFlow } from '../flow/bound-flow.js';
import type { Flow, MapFunction, MessageFlow, SinkFunction } from '../flow/flow.js';
import { discardMessage } from '../message/message.js';
import type { Message, MessageLike } from '../message/message.js';
import type { StreamSource } from '../message/streams.js';
import { isPromiseLike } from '../util/thenable.js';
import { TransformedOutput } from './output.js';
import { Answer } from './answer.js';
import type { Decoded } from './answer.js';

/** The two halves of a transformer, as the flow styles use them. */
export interface Codec<In, Out> {
  readonly decode: (message: Message) => Decoded<In>;
  readonly encode: (value: Out) => MessageLike;
}

/**
 * The message flow of `flow`, through `codec`, in the same style.
 *
 * @param codec - decodes incoming messages, encodes outgoing values.
 * @param flow - the flow over values.
 * @returns the flow over messages.
 * @throws TypeError when `flow` is not a flow.
 */
export function transformFlow<In, Out>(codec: Codec<In, Out>, flow: Flow<In, Out>): MessageFlow {
  if (flow instanceof MapFlow) return new MapFlow(mapThrough(codec, flow.fn));
  if (flow instanceof ConnectionBoundFlow) {
    const { make } = flow as ConnectionBoundFlow<unknown, In, Out>;
    return new ConnectionBoundFlow((connection) => transformFlow(codec, make(connection)));
  }
  if (typeof flow === 'function') return (messages) => iterableThrough(codec, flow, messages);
  if (flow instanceof SinkAndSourceFlow) return pairThrough(codec, flow.sink, flow.source);
  if (!(flow?.writable instanceof WritableStream) || !(flow.readable instanceof ReadableStream)) {
    throw new TypeError(
      'a flow is map(fn), a function of the incoming values, fromSinkAndSource(...) or a ' +
        '{ writable, readable } pair',
    );
  }
  return pairThrough(codec, flow.writable, flow.readable);
}

/** `fn` between the decoder and the encoder: synchronous all the way when both halves are. */
function mapThrough<In, Out>(
  codec: Codec<In, Out>,
  fn: MapFunction<In, Out>,
): MapFunction<Message, MessageLike> {
  const { decode, encode } = codec;
  const encodeResult = (out: Out | undefined | void): MessageLike | undefined =>
    out === undefined ? undefined : encode(out);
  const apply = (
    value: In | Answer,
  ): MessageLike | undefined | PromiseLike<MessageLike | undefined> => {
    if (value instanceof Answer) return value.message;
    const out = fn(value);
    if (out === undefined) return undefined;
    return isPromiseLike<Out | undefined | void>(out)
      ? Promise.resolve(out).then(encodeResult)
      : encode(out as Out);
  };
  return (message) => {
    const value = decode(message);
    return isPromiseLike<In | Answer>(value) ? Promise.resolve(value).then(apply) : apply(value);
  };
}

/** A function flow between the decoder and the encoder; answers join its output. */
function iterableThrough<In, Out>(
  codec: Codec<In, Out>,
  flow: (incoming: AsyncIterable<In>) => AsyncIterable<Out>,
  messages: AsyncIterable<Message>,
): AsyncIterable<MessageLike> {
  // A decoding failure fails the output too, whatever the flow does with its input's error.
  const output = new TransformedOutput(codec.encode);
  return output.readFrom(flow(new DecodedValues(codec.decode, messages, output)));
}

/** Where the decoded input of a function flow sends what is not a value. */
interface DecodedValuesOwner {
  /** A decoder's answer, to send in the message's turn. */
  answer(reply: MessageLike | undefined): void;
  /** A message could not be decoded: the connection closes with the error's code. */
  fail(error: unknown): void;
}

/**
 * The incoming values of a function flow, decoded one message at a time (a promise from the
 * decoder holds the next one, so order is kept).
 */
class DecodedValues<In> implements AsyncIterable<In> {
  readonly #decode: (message: Message) => Decoded<In>;
  readonly #messages: AsyncIterable<Message>;
  readonly #owner: DecodedValuesOwner;

  constructor(
    decode: (message: Message) => Decoded<In>,
    messages: AsyncIterable<Message>,
    owner: DecodedValuesOwner,
  ) {
    this.#decode = decode;
    this.#messages = messages;
    this.#owner = owner;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<In> {
    for await (const message of this.#messages) {
      let value: In | Answer;
      try {
        const decoded = this.#decode(message);
        value = isPromiseLike<In | Answer>(decoded) ? await decoded : decoded;
      } catch (error) {
        discardMessage(message);
        this.#owner.fail(error);
        throw error;
      }
      if (value instanceof Answer) this.#owner.answer(value.message);
      else yield value;
    }
  }
}

/** A disconnected flow (or any pair) between the decoder and the encoder; used once. */
function pairThrough<In, Out>(
  codec: Codec<In, Out>,
  sink: WritableStream<In> | SinkFunction<In>,
  source: StreamSource<Out>,
): SinkAndSourceFlow<Message, MessageLike> {
  const output = new TransformedOutput(codec.encode).readFrom(source);
  const deliver = (value: In | Answer, write: SinkFunction<In>): void | PromiseLike<void> => {
    if (value instanceof Answer) output.answer(value.message);
    else return write(value);
  };
  const through = (write: SinkFunction<In>): SinkFunction<Message> => {
    return (message) => {
      const value = codec.decode(message);
      return isPromiseLike<In | Answer>(value)
        ? Promise.resolve(value).then((settled) => deliver(settled, write))
        : deliver(value, write);
    };
  };
  if (typeof sink === 'function') return new SinkAndSourceFlow(through(sink), output);
  let writer: WritableStreamDefaultWriter<In> | undefined;
  const write = (value: In): Promise<void> => (writer ??= sink.getWriter()).write(value);
  const decodeInto = through(write);
  const writable = new WritableStream<Message>({
    write: (message) => decodeInto(message),
    close: () => (writer ??= sink.getWriter()).close(),
    abort: (reason: unknown) => (writer ??= sink.getWriter()).abort(reason),
  });
  return new SinkAndSourceFlow(writable, output);
}
