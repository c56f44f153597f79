// Hub layer: one connection in a hub, as its handler uses it — subscribe, unsubscribe, publish
// to the others, send to itself (uWebSockets.js' `ws` methods, Socket.IO's `socket.join` and
// `socket.to(room).emit`). What the hub keeps of it is in member-state.ts.

import type { Connection } from '../connection/connection.js';
import type { MessageLike } from '../message/message.js';
import type { MemberState } from './member-state.js';
import type { SubscriberLimits } from './subscriber-limits.js';

/**
 * A connection in a hub: what its handler uses to join topics and publish. `Out` is what it
 * publishes and sends: messages (strings, bytes), or the values of the transformer it joined
 * with, encoded once per publish.
 *
 * @example
 * ```ts
 * const flow = hub.join((member) => {
 *   member.subscribe('news');
 *   return map((m: Message) => (m.isText && m.isStrict ? member.publish('news', m.text) : undefined));
 * });
 * ```
 */
export class HubMember<Out = MessageLike> {
  readonly #state: MemberState;
  readonly #encode: (value: Out) => MessageLike;

  /** @internal Made by a hub, with the state it keeps of the member. */
  constructor(state: MemberState, encode: (value: Out) => MessageLike) {
    this.#state = state;
    this.#encode = encode;
  }

  /** The connection. */
  get connection(): Connection {
    return this.#state.connection;
  }

  /** Its id in the hub, unique across nodes (what `except` names on a backend). */
  get id(): string {
    return this.#state.id;
  }

  /** Its bound and slow-consumer policy, every default applied. */
  get limits(): Readonly<Required<SubscriberLimits>> {
    return this.#state.limits;
  }

  /** Messages it did not get because it read too slowly. */
  get droppedMessages(): number {
    return this.#state.droppedMessages;
  }

  /** Its topics, in the order it joined them. */
  get topics(): string[] {
    return [...this.#state.slots.keys()];
  }

  /** The bytes waiting for it now (what `maxBufferedBytes` bounds). */
  get bufferedBytes(): number {
    return this.#state.output.bufferedBytes;
  }

  /**
   * Subscribes to a topic (uWebSockets.js' `ws.subscribe`, Socket.IO's `socket.join`). It gets
   * what is published from now on.
   *
   * @param topic - Any string.
   * @returns false when it was already subscribed (or has left the hub).
   */
  subscribe(topic: string): boolean {
    return this.#state.owner.subscribe(this.#state, topic);
  }

  /**
   * Unsubscribes from a topic (Socket.IO's `socket.leave`). What was published before still
   * reaches it.
   *
   * @param topic - The topic.
   * @returns false when it was not subscribed.
   */
  unsubscribe(topic: string): boolean {
    return this.#state.owner.unsubscribe(this.#state, topic);
  }

  /** Whether it is subscribed to `topic`. */
  isSubscribed(topic: string): boolean {
    return this.#state.slots.has(topic);
  }

  /**
   * Publishes to every subscriber of `topic` but itself (uWebSockets.js' and Bun's
   * `ws.publish`, Socket.IO's `socket.to(room).emit`). Use `hub.publish` to include it.
   *
   * @param topic - The topic.
   * @param value - The message (or the transformer's value), encoded and framed once.
   * @throws TypeError for a Streamed message, a Ping or a Pong.
   */
  publish(topic: string, value: Out): void {
    this.#state.owner.publish(topic, this.#encode(value), this.#state.id);
  }

  /**
   * Sends to this connection alone, after what was published to it before.
   *
   * @param value - The message (or the transformer's value).
   * @returns The promise of `connection.send`.
   */
  send(value: Out): Promise<void> {
    return this.#state.connection.send(this.#encode(value));
  }
}
