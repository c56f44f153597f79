// Redis layer: the hub's backend across processes and machines, on Redis Streams. A publish is
// appended to the topic's stream (one stream per topic, capped); every node reads the streams of
// its topics from the last ID it delivered and hands what it reads to its hub, this node's own
// publishes included, so every node delivers a topic in the stream's one order.

import { randomBytes } from 'node:crypto';
import type { HubBackend, HubSink, TopicReplay } from '../hub/backend.js';
import type { TopicMessage } from '../hub/topic-message.js';
import type { RedisConnection } from './connection.js';
import { DEFAULT_KEY_PREFIX, TopicKeys } from './keys.js';
import { TopicKeepAlive } from './expiry.js';
import { NodePresence } from './presence.js';
import { StreamPublisher } from './publisher.js';
import { StreamReader } from './reader.js';
import { replayWhenFollowed } from './replay.js';
import type { ReadSource } from './reader.js';
import { keySlot } from './slots.js';
import { retryDelayMs, sleep } from './retry.js';
import { text } from './stream-entry.js';

/** Options of {@link redisBackend}. */
export interface RedisBackendOptions {
  /**
   * The connection to publish on, from {@link fromNodeRedis} or {@link fromIoredis}; the backend
   * reads on a duplicate of it. It stays the caller's: closing the hub does not close it.
   */
  connection: RedisConnection;
  /** The prefix of every key (`<prefix>{<topic>}`); no braces. Default `'wsflow:'`. */
  keyPrefix?: string;
  /**
   * For a Redis Cluster: spreads the topics over this many hash slots (1 to 1024) instead of one
   * slot per topic, so a node reads the streams of each slot with one blocking XREAD, on one
   * connection per slot it follows. As many as the cluster's masters reads with one connection
   * per master (the slots are chosen one in each even share of the slot space, which
   * `redis-cli --cluster create` gives each master); more spread the topics better when masters
   * are added. Every node must use the same number: it is part of the keys
   * (`<prefix>{<group tag>}:<topic>`). Default: none, each topic its own slot (on a cluster, one
   * reading connection per topic followed).
   */
  slotGroups?: number;
  /**
   * Entries each topic's stream keeps at least (trimmed approximately, `MAXLEN ~`): the
   * retention within which a node that lost Redis catches up. An entry holds the messages one
   * node published to the topic in one tick. Default 10 000.
   */
  maxStreamLength?: number;
  /** Bound on the bytes waiting to be written while Redis cannot be reached. Default 16 MiB. */
  maxQueuedBytes?: number;
  /** Messages in one stream entry at most. Default 1000. */
  maxBatchMessages?: number;
  /** How long one blocking read waits for new entries. Default 5000 ms. */
  blockMs?: number;
  /** Entries read per stream and read at most. Default 1000. */
  readCount?: number;
  /**
   * Bytes handed to the hub per event-loop turn at most when much arrives at once (a node
   * catching up after an outage): the hub writes each chunk before the next is taken, so a
   * subscriber's bound (`maxBufferedBytes`) measures how it reads, not the size of a burst.
   * Default 64 KiB.
   */
  deliveryChunkBytes?: number;
  /**
   * How long a node's subscribers still count across nodes after its last heartbeat (a node
   * that stopped without closing its hub); it beats every third of it. Default 30 000 ms.
   */
  presenceTtlMs?: number;
  /**
   * How long a topic's keys (its stream and presence hash) stay in Redis once no node writes to
   * it and none follows it: every write sets the expiry, and every node that follows the topic
   * renews it every third of it, so Redis does not keep every topic ever used. A client that
   * resumes after it expired is told its messages are gone, as past trimming. Default 24 h.
   */
  topicTtlMs?: number;
}

/** The defaults of {@link RedisBackendOptions}. */
export const RedisBackendDefaults = {
  keyPrefix: DEFAULT_KEY_PREFIX,
  maxStreamLength: 10_000,
  maxQueuedBytes: 16 * 1024 * 1024,
  maxBatchMessages: 1000,
  blockMs: 5000,
  readCount: 1000,
  deliveryChunkBytes: 64 * 1024,
  presenceTtlMs: 30_000,
  topicTtlMs: 24 * 60 * 60 * 1000,
} as const;

/** What a Redis backend counted. */
export interface RedisBackendStats {
  /** Messages published here and not yet written to Redis. */
  readonly queuedMessages: number;
  /** Messages published here and dropped: the queue was full, or the backend closed. */
  readonly droppedMessages: number;
  /** Stream entries read twice (a write retried after its reply was lost) and skipped. */
  readonly duplicateEntries: number;
  /** Commands that failed and were retried (writes, reads, start-ID look-ups). */
  readonly failedCommands: number;
}

/** A {@link HubBackend} over Redis Streams, with its counters. */
export interface RedisBackend extends HubBackend {
  /** What it counted since it opened. */
  stats(): RedisBackendStats;
  /**
   * Resolves once nothing waits for Redis: every topic subscribed so far is followed (where to
   * start reading it is known), every message published so far is written, and so is this
   * node's count of subscribers of every topic. While Redis is
   * out of reach it waits for it. For a shutdown that should not drop messages, and for tests.
   *
   * @example
   * ```ts
   * hub.publish('news', 'last words');
   * await backend.idle(); // written to Redis: every node will deliver it
   * ```
   */
  idle(): Promise<void>;
  /**
   * How many subscribers `topic` has on every node together: this node's as they are, the
   * others' as each last wrote them (at the end of the tick in which they changed). A node that
   * stopped without closing its hub counts until `presenceTtlMs` after its last heartbeat.
   * Costs a HGETALL and an EXISTS per other node with subscribers of the topic.
   *
   * @throws What the Redis client throws when Redis cannot be reached.
   * @example
   * ```ts
   * const everywhere = await backend.subscriberCount('news');
   * const here = hub.subscriberCount('news');
   * ```
   */
  subscriberCount(topic: string): Promise<number>;
}

/**
 * A hub backend over Redis Streams, so that hubs in many processes (and machines) share their
 * topics: a message published on any node reaches the topic's subscribers on every node, in the
 * same order everywhere. A node that loses Redis (a dropped connection, a restart) reads on from
 * the last entry it delivered once Redis is back, and writes what was published meanwhile, so
 * nothing is lost within the streams' retention (`maxStreamLength`) and Redis' own durability
 * (see docs/scaling.md).
 *
 * @param options - The connection (through {@link fromNodeRedis} or {@link fromIoredis}) and
 *   the streams' settings.
 * @returns A backend for one hub.
 * @throws TypeError for a key prefix with braces, or a setting that is not a positive integer.
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { Hub } from 'wsflow';
 * import { fromNodeRedis, redisBackend } from 'wsflow/redis';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL }).on('error', console.warn).connect();
 * const hub = new Hub({ backend: redisBackend({ connection: fromNodeRedis(redis) }) });
 * hub.publish('news', 'to every subscriber of news, on every node');
 * ```
 */
export function redisBackend(options: RedisBackendOptions): RedisBackend {
  const settings = { ...RedisBackendDefaults, ...definedOf(options) };
  const keys = new TopicKeys(settings.keyPrefix, options.slotGroups);
  for (const name of [
    'maxStreamLength',
    'maxQueuedBytes',
    'maxBatchMessages',
    'blockMs',
    'readCount',
    'deliveryChunkBytes',
    'presenceTtlMs',
    'topicTtlMs',
  ] as const) {
    if (!Number.isSafeInteger(settings[name]) || settings[name] <= 0) {
      throw new TypeError(`${name} must be a positive integer`);
    }
  }
  return new StreamsBackend(options.connection, keys, settings);
}

type Settings = Required<Omit<RedisBackendOptions, 'connection' | 'slotGroups'>>;

/** The backend: a publisher, a reader, and the start-ID look-ups between them. */
class StreamsBackend implements RedisBackend {
  readonly #connection: RedisConnection;
  readonly #settings: Settings;
  readonly #keys: TopicKeys;
  readonly #publisher: StreamPublisher;
  readonly #node = randomBytes(9).toString('base64url');
  #reader: StreamReader | undefined;
  #presence: NodePresence | undefined;
  readonly #keepAlive: TopicKeepAlive;
  /** Per topic followed here: a token that a newer subscribe or an unsubscribe replaces. */
  readonly #following = new Map<string, object>();
  /** Start-ID look-ups under way. */
  readonly #lookups = new Set<Promise<void>>();
  /** Per topic followed here, its start-ID look-up (a replay waits for it). */
  readonly #starts = new Map<string, Promise<void>>();
  #failedLookups = 0;
  #closed = false;

  constructor(connection: RedisConnection, keys: TopicKeys, settings: Settings) {
    this.#connection = connection;
    this.#settings = settings;
    this.#keys = keys;
    this.#publisher = new StreamPublisher({
      connection,
      publisher: this.#node,
      keys,
      maxStreamLength: settings.maxStreamLength,
      maxQueuedBytes: settings.maxQueuedBytes,
      maxBatchMessages: settings.maxBatchMessages,
      topicTtlMs: settings.topicTtlMs,
    });
    this.#keepAlive = new TopicKeepAlive({
      connection,
      keys,
      topicTtlMs: settings.topicTtlMs,
      topics: () => this.#following.keys(),
    });
  }

  open(sink: HubSink): void {
    if (this.#reader !== undefined) throw new TypeError('this backend already serves a hub');
    this.#reader = new StreamReader({
      source: readSource(this.#connection),
      sink,
      blockMs: this.#settings.blockMs,
      readCount: this.#settings.readCount,
      deliveryChunkBytes: this.#settings.deliveryChunkBytes,
    });
    this.#presence = new NodePresence({
      connection: this.#connection,
      node: this.#node,
      keys: this.#keys,
      ttlMs: this.#settings.presenceTtlMs,
      topicTtlMs: this.#settings.topicTtlMs,
    });
  }

  publish(topic: string, message: TopicMessage): void {
    this.#publisher.publish(topic, message);
  }

  /**
   * Follows the topic's stream from its last entry now. This node's own publishes to it wait
   * until that is known, so a member that subscribes and then publishes gets its message.
   */
  subscribe(topic: string): void {
    const token = {};
    this.#following.set(topic, token);
    this.#publisher.hold(topic);
    const lookup = this.#startFollowing(topic, token).finally(() => this.#lookups.delete(lookup));
    this.#lookups.add(lookup);
    this.#starts.set(topic, lookup);
  }

  /**
   * What the topic's stream holds after a message ID (one page), read once this node follows
   * the topic, so that the page reaches at least where its live delivery starts.
   */
  replay(topic: string, afterId: string): Promise<TopicReplay> {
    const key = this.#keys.stream(topic);
    const started = this.#starts.get(topic);
    const wanted = (): boolean => !this.#closed && this.#starts.get(topic) === started;
    return replayWhenFollowed(this.#connection, key, afterId, started, wanted, () => {
      this.#failedLookups++;
    });
  }

  subscribers(topic: string, count: number): void {
    this.#presence?.set(topic, count);
  }

  subscriberCount(topic: string): Promise<number> {
    if (this.#presence === undefined) return Promise.resolve(0);
    return this.#presence.count(topic);
  }

  unsubscribe(topic: string): void {
    this.#following.delete(topic);
    this.#starts.delete(topic);
    this.#publisher.release(topic);
    this.#reader?.unfollow(this.#keys.stream(topic));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#following.clear();
    this.#keepAlive.close();
    await this.#publisher.close();
    await this.#presence?.close();
    await this.#reader?.close();
  }

  async idle(): Promise<void> {
    do {
      await Promise.all(this.#lookups);
      await this.#publisher.drained();
      await this.#presence?.written();
    } while (
      !this.#closed &&
      (this.#lookups.size > 0 ||
        this.#publisher.queuedMessages > 0 ||
        this.#presence?.pending === true)
    );
  }

  stats(): RedisBackendStats {
    return {
      queuedMessages: this.#publisher.queuedMessages,
      droppedMessages: this.#publisher.dropped,
      duplicateEntries: this.#reader?.duplicateEntries ?? 0,
      failedCommands:
        this.#publisher.failedCommands +
        (this.#reader?.failedReads ?? 0) +
        (this.#presence?.failedCommands ?? 0) +
        this.#keepAlive.failedCommands +
        this.#failedLookups,
    };
  }

  /** Looks up the stream's last entry (retrying until Redis answers), then reads on after it. */
  async #startFollowing(topic: string, token: object): Promise<void> {
    const key = this.#keys.stream(topic);
    for (let failures = 0; this.#following.get(topic) === token;) {
      let last;
      try {
        last = await this.#connection.send(['XREVRANGE', key, '+', '-', 'COUNT', '1']);
      } catch {
        this.#failedLookups++;
        await sleep(retryDelayMs(++failures));
        continue;
      }
      if (this.#following.get(topic) !== token) return;
      const entries = last as readonly (readonly [Uint8Array | string, unknown])[];
      this.#reader?.follow(key, topic, entries.length > 0 ? text(entries[0][0]) : '0-0');
      this.#publisher.release(topic);
      this.#keepAlive.renew(topic);
      return;
    }
  }
}

/**
 * Where the reader reads: on a single Redis, every stream with one XREAD on a duplicate of the
 * connection; on a cluster, each slot's streams on a connection of their own to the slot's
 * master, found again (after a command through the cluster client follows the redirection) when
 * a read fails: the slot moved, or its master failed over.
 */
function readSource(connection: RedisConnection): ReadSource {
  const cluster = connection.cluster;
  if (cluster === undefined) {
    return {
      groupOf: () => '',
      open: async () => ({ reading: await connection.duplicate(), control: connection }),
    };
  }
  return {
    groupOf: (key) => String(keySlot(key)),
    async open(key) {
      const master = await cluster.masterFor(key);
      return { reading: await master.open(), control: master };
    },
    async relocate(key) {
      await connection.send(['EXISTS', key]);
    },
  };
}

/** The options that are set (an explicit undefined keeps the default). */
function definedOf(options: RedisBackendOptions): Partial<Settings> {
  const defined: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && name !== 'connection' && name !== 'slotGroups')
      defined[name] = value;
  }
  return defined as Partial<Settings>;
}
