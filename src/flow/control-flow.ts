// Flow layer: a handler that opts in to receive Pings and Pongs as messages, in order with the data
// messages (Play's flows of `Message`, which include PingMessage and PongMessage).

import type { ControlMessage } from '../message/control.js';
import type { Message, MessageLike } from '../message/message.js';
import type { ReadableWritablePair } from '../message/streams.js';
import { connectFlow } from './flow.js';
import type { Flow } from './flow.js';

/** Options of {@link withControlMessages}. */
export interface ControlMessagesOptions {
  /**
   * Answer Pings with Pongs by itself, as without this wrapper (default `true`). With `false`
   * the flow answers: RFC 6455 says a Ping MUST get a Pong (`new PongMessage(ping.data)`).
   */
  autoPong?: boolean;
}

/** A flow that sees control messages: what {@link withControlMessages} wraps. */
export type ControlMessagesHandler = Flow<Message | ControlMessage, MessageLike>;

/**
 * The flow {@link withControlMessages} makes. A connection unwraps it: it hands the inner flow
 * every Ping and Pong received from then on, between the messages received before and after
 * them, and sets auto-pong as asked. As a plain `{ writable, readable }` pair (outside a
 * connection) it is the inner flow, and there are no control frames to see.
 */
export class ControlMessagesFlow implements ReadableWritablePair<MessageLike, Message> {
  /** The flow that receives data and control messages. */
  readonly flow: ControlMessagesHandler;
  /** Whether the connection still answers Pings by itself. */
  readonly autoPong: boolean;
  #pair: ReadableWritablePair<MessageLike, Message> | undefined;

  /**
   * @param flow - the flow that receives data and control messages.
   * @param options - auto-pong on or off.
   */
  constructor(flow: ControlMessagesHandler, options: ControlMessagesOptions = {}) {
    this.flow = flow;
    this.autoPong = options.autoPong ?? true;
  }

  /** The inner flow's output (its streams made on first use; used once). */
  get readable(): ReadableStream<MessageLike> {
    return (this.#pair ??= this.#connect()).readable;
  }

  /** The inner flow's input (its streams made on first use; used once). */
  get writable(): WritableStream<Message> {
    return (this.#pair ??= this.#connect()).writable;
  }

  #connect(): ReadableWritablePair<MessageLike, Message> {
    const { readable, writable } = new TransformStream<Message, Message>();
    const { output, input } = connectFlow(this.flow, readable);
    input.catch((error: unknown) => output.cancel(error).catch(() => undefined));
    return { readable: output, writable };
  }
}

/**
 * Lets a handler receive Pings and Pongs as messages ({@link PingMessage}, {@link PongMessage}),
 * in the order they arrived among the data messages (Play's "Handling control messages"). Every
 * flow can already send them (`yield new PingMessage()`); receiving is opted in to, so that
 * ordinary handlers never see them. Auto-pong stays on unless `autoPong: false`.
 *
 * @param flow - a map, an async generator, a `fromSinkAndSource` or a pair, over data and
 *   control messages.
 * @param options - `autoPong: false` to answer Pings yourself.
 * @returns a flow to serve, accept or run on a connection.
 * @example
 * ```ts
 * const handler = withControlMessages(
 *   map((m: Message | ControlMessage) => (m instanceof PingMessage ? new PongMessage(m.data) : undefined)),
 *   { autoPong: false },
 * );
 * ```
 */
export function withControlMessages(
  flow: ControlMessagesHandler,
  options?: ControlMessagesOptions,
): ControlMessagesFlow {
  return new ControlMessagesFlow(flow, options);
}
