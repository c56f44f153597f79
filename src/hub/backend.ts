// Hub layer: the seam between the hub and where messages travel. A backend carries topic
// messages by name and tells the hub what arrives; the in-process one hands them straight back.
// A backend over Redis implements the same interface to span processes and machines.

import type { TopicMessage } from './topic-message.js';

/** Where a backend hands what arrives on the topics this node subscribed to: the hub. */
export interface HubSink {
  /**
   * Delivers a message published on `topic` (here or on another node) to the local subscribers:
   * framed once, written to each. Call it in the topic's order.
   */
  deliver(topic: string, message: TopicMessage): void;
}

/**
 * What a backend still holds of a topic after a message ID ({@link HubBackend.replay}): the
 * messages that followed it, in the topic's order, each with its `entryId` and `index`, one page
 * at a time (`more`: `next` reads the next page, or without it, ask again after the last
 * message); or `gone` when the ID is past retention.
 */
export type TopicReplay<M extends TopicMessage = TopicMessage> =
  | {
      readonly kind: 'messages';
      readonly messages: readonly M[];
      readonly more: boolean;
      /**
       * The next page, when `more`: for a backend that carries state from page to page (what it
       * had, to skip a message stored twice), or that goes on past a page with no message.
       */
      readonly next?: () => Promise<TopicReplay<M>>;
    }
  | { readonly kind: 'gone' };

/**
 * What carries a hub's messages: publish and subscribe by topic name with the message's kind and
 * bytes. Nothing in it is in-process: a backend may send them through Redis, a message broker or
 * a socket, and call the sink when they come back, on this node and on every other.
 *
 * @example
 * ```ts
 * // A backend that logs every message it carries, over the in-process one.
 * const inner = inProcessBackend();
 * const logging: HubBackend = {
 *   open: (sink) => inner.open(sink),
 *   publish: (topic, message) => {
 *     console.log(topic, message.kind, message.data.length);
 *     inner.publish(topic, message);
 *   },
 *   subscribe: (topic) => inner.subscribe(topic),
 *   unsubscribe: (topic) => inner.unsubscribe(topic),
 *   close: () => inner.close(),
 * };
 * const hub = new Hub({ backend: logging });
 * ```
 */
export interface HubBackend {
  /** Called once by the hub that owns the backend, before anything else. */
  open(sink: HubSink): void;
  /**
   * Carries a message to every node with subscribers of `topic`, this one included (its sink's
   * `deliver`). Returns at once: a publisher never waits for a subscriber.
   */
  publish(topic: string, message: TopicMessage): void;
  /** This node has its first subscriber of `topic`: deliver what is published on it from now. */
  subscribe(topic: string): void;
  /** This node's last subscriber of `topic` left: it may stop delivering it. */
  unsubscribe(topic: string): void;
  /**
   * This node's number of subscribers of `topic` changed (after every subscribe and
   * unsubscribe; 0 when the last left): for a backend that counts subscribers across nodes.
   * Optional.
   */
  subscribers?(topic: string, count: number): void;
  /**
   * The messages of `topic` after the message `afterId` (`<entryId>.<index>`), for a member that
   * resumes: everything this node's own delivery of the topic will not bring, so called after
   * {@link HubBackend.subscribe}. Optional: a backend without it cannot resume a session (the
   * member is told `gone`).
   */
  replay?(topic: string, afterId: string): Promise<TopicReplay>;
  /** The hub is closing: release what the backend holds (connections, timers). */
  close(): void | Promise<void>;
}

/**
 * The backend of a hub alone in its process: a publish is delivered at once, synchronously, so
 * every subscriber receives a topic's messages in the order they were published.
 *
 * @returns A new backend (give it to one hub).
 * @example
 * ```ts
 * const hub = new Hub({ backend: inProcessBackend() }); // what `new Hub()` does
 * ```
 */
export function inProcessBackend(): HubBackend {
  let sink: HubSink | undefined;
  return {
    open(target) {
      if (sink !== undefined) throw new TypeError('this backend already serves a hub');
      sink = target;
    },
    publish(topic, message) {
      sink?.deliver(topic, message);
    },
    // Every publish comes straight back to this node's sink, which knows its own subscribers.
    subscribe() {},
    unsubscribe() {},
    close() {
      sink = undefined;
    },
  };
}
