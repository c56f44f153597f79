// Redis layer: topics that nobody uses any more leave Redis. Every write to a topic's stream
// sets its expiry (see the publisher); a node that follows a topic renews the expiry of its
// stream and presence hash every third of it, so a topic expires only once no node has written
// to it, nor followed it, for the whole of `topicTtlMs`.

import type { RedisConnection } from './connection.js';
import type { TopicKeys } from './keys.js';

/** How a {@link TopicKeepAlive} renews. */
export interface KeepAliveSettings {
  readonly connection: RedisConnection;
  readonly keys: TopicKeys;
  /** How long a topic's keys live after their last renewal. */
  readonly topicTtlMs: number;
  /** The topics this node follows now. */
  readonly topics: () => Iterable<string>;
}

/** Renews the expiry of the keys of the topics this node follows, on a timer. */
export class TopicKeepAlive {
  readonly #settings: KeepAliveSettings;
  readonly #timer: NodeJS.Timeout;
  /** Renewals that failed (the next round tries again, well within the expiry). */
  failedCommands = 0;

  constructor(settings: KeepAliveSettings) {
    this.#settings = settings;
    this.#timer = setInterval(
      () => this.renewAll(),
      Math.max(1, Math.floor(settings.topicTtlMs / 3)),
    );
    this.#timer.unref();
  }

  /** Renews the expiry of one topic's stream and presence hash (a key that is missing stays so). */
  renew(topic: string): void {
    const { connection, keys, topicTtlMs } = this.#settings;
    const ttl = String(topicTtlMs);
    for (const key of [keys.stream(topic), keys.presence(topic)]) {
      connection.send(['PEXPIRE', key, ttl]).catch(() => this.failedCommands++);
    }
  }

  /** Renews every followed topic. */
  renewAll(): void {
    for (const topic of this.#settings.topics()) this.renew(topic);
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
