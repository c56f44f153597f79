// Hub layer: one connection as a hub knows it — its topics, its bound and policy for slow
// reading, its deflate sharing, and the publish/send of its handler (uWebSockets.js' `ws`
// methods, Socket.IO's `socket.join` and `socket.to(room).emit`).

import type { Connection } from '../connection/connection.js';
import type { FrameOutput } from '../connection/frame-output.js';
import type { MessageLike } from '../message/message.js';
import type { SubscriberLimits } from './subscriber-limits.js';
import type { SharedDeflate } from './topic-frames.js';

/** What a member asks of its hub (the hub's private side). */
export interface MemberOwner {
  subscribe(member: HubMember<never>, topic: string): boolean;
  unsubscribe(member: HubMember<never>, topic: string): boolean;
  publish(topic: string, message: MessageLike, except: string | undefined): void;
  /** Writes the messages published to the member's topics that it has not had yet. */
  writePending(member: HubMember<never>): void;
}

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
  /** The connection. */
  readonly connection: Connection;
  /** Its id in the hub, unique across nodes (what `except` names on a backend). */
  readonly id: string;
  /** Its bound and slow-consumer policy, every default applied. */
  readonly limits: Readonly<Required<SubscriberLimits>>;
  /** Messages it did not get because it read too slowly. */
  droppedMessages = 0;
  /** @internal Its topics → its index in each topic's subscriber list. */
  readonly slots = new Map<string, number>();
  /** @internal How it takes shared compressed frames, if it can. */
  readonly deflate: SharedDeflate | undefined;
  /** @internal Set once it is being closed for reading too slowly, or left the hub. */
  gone = false;
  /** @internal Where its frames go: the connection's writer. */
  readonly output: FrameOutput;
  readonly #owner: MemberOwner;
  readonly #encode: (value: Out) => MessageLike;

  /** @internal Made by a hub. */
  constructor(
    owner: MemberOwner,
    connection: Connection,
    init: {
      id: string;
      output: FrameOutput;
      limits: Readonly<Required<SubscriberLimits>>;
      deflate: SharedDeflate | undefined;
      encode: (value: Out) => MessageLike;
    },
  ) {
    this.#owner = owner;
    this.connection = connection;
    this.id = init.id;
    this.output = init.output;
    this.limits = init.limits;
    this.deflate = init.deflate;
    this.#encode = init.encode;
  }

  /** Its topics, in the order it joined them. */
  get topics(): string[] {
    return [...this.slots.keys()];
  }

  /** The bytes waiting for it now (what `maxBufferedBytes` bounds). */
  get bufferedBytes(): number {
    return this.output.bufferedBytes;
  }

  /**
   * Subscribes to a topic (uWebSockets.js' `ws.subscribe`, Socket.IO's `socket.join`).
   *
   * @param topic - Any string.
   * @returns false when it was already subscribed (or has left the hub).
   */
  subscribe(topic: string): boolean {
    return this.#owner.subscribe(this as HubMember<never>, topic);
  }

  /**
   * Unsubscribes from a topic (Socket.IO's `socket.leave`).
   *
   * @param topic - The topic.
   * @returns false when it was not subscribed.
   */
  unsubscribe(topic: string): boolean {
    return this.#owner.unsubscribe(this as HubMember<never>, topic);
  }

  /** Whether it is subscribed to `topic`. */
  isSubscribed(topic: string): boolean {
    return this.slots.has(topic);
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
    this.#owner.publish(topic, this.#encode(value), this.id);
  }

  /**
   * Sends to this connection alone, in order with what the hub writes to it.
   *
   * @param value - The message (or the transformer's value).
   * @returns The promise of `connection.send`.
   */
  send(value: Out): Promise<void> {
    return this.connection.send(this.#encode(value));
  }

  /**
   * @internal PendingFrames: the connection is about to send a message of its own; what was
   * published to its topics before goes first.
   */
  writePending(): void {
    this.#owner.writePending(this as HubMember<never>);
  }

  /** @internal Whether `bytes` more stay under its bound. */
  fits(bytes: number): boolean {
    return this.output.bufferedBytes + bytes <= this.limits.maxBufferedBytes;
  }

  /**
   * @internal Writes one message's frame, or applies the policy when it would pass the bound.
   * @returns false when the member must be closed (policy `'close'`).
   */
  offer(frames: Uint8Array): boolean {
    const output = this.output;
    const room = this.limits.maxBufferedBytes - frames.length;
    if (output.bufferedBytes <= room) {
      output.writeFrames(frames);
      return true;
    }
    switch (this.limits.onLimit) {
      case 'close':
        return false;
      case 'drop-oldest':
        while (output.bufferedBytes > room) {
          const dropped = output.dropOldestFrames();
          if (dropped === 0) break;
          this.droppedMessages += dropped;
        }
        if (output.bufferedBytes <= room) {
          output.writeFrames(frames);
          return true;
        }
        break;
    }
    this.droppedMessages++;
    return true;
  }

  /** @internal Drops what is queued for it (it is closed for reading too slowly). */
  dropQueued(): void {
    this.output.dropQueuedFrames();
  }
}
