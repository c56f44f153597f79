// Redis layer: subscriber counts across nodes. Each node writes its own count of each topic into
// the topic's presence hash (`<prefix>{<topic>}:nodes`, field: the node's id), once per tick in
// which it changed, and keeps a liveness key (`<prefix>node:<id>`) alive with a heartbeat; a
// count is the sum of the live nodes' fields. A node that vanished without closing stops counting
// when its liveness key expires, and the next count removes its fields.

import type { RedisConnection, RedisReply } from './connection.js';
import type { TopicKeys } from './keys.js';
import { retryDelayMs, sleep } from './retry.js';
import { text } from './stream-entry.js';

/** How a {@link NodePresence} writes and counts. */
export interface PresenceSettings {
  readonly connection: RedisConnection;
  readonly node: string;
  readonly keys: TopicKeys;
  /** How long a node counts after its last heartbeat (it beats every third of it). */
  readonly ttlMs: number;
  /** How long a topic's presence hash lives after its last write (as its stream does). */
  readonly topicTtlMs: number;
}

/** This node's counts in Redis, and the counts of every node. */
export class NodePresence {
  readonly #settings: PresenceSettings;
  /** This node's subscribers per topic (topics with none are absent). */
  readonly #local = new Map<string, number>();
  /** Topics whose count changed since it was last written. */
  #changed = new Set<string>();
  #round: Promise<void> | undefined;
  #scheduled = false;
  #failures = 0;
  readonly #heartbeat: NodeJS.Timeout;
  #closed = false;
  /** Commands that failed (and were retried). */
  failedCommands = 0;

  constructor(settings: PresenceSettings) {
    this.#settings = settings;
    this.#heartbeat = setInterval(() => void this.#beat(), Math.ceil(settings.ttlMs / 3));
    this.#heartbeat.unref();
    void this.#beat();
  }

  /** This node now has `count` subscribers of `topic`. */
  set(topic: string, count: number): void {
    if (count > 0) this.#local.set(topic, count);
    else this.#local.delete(topic);
    this.#changed.add(topic);
    this.#schedule();
  }

  /** The subscribers of `topic` on every live node (this one's as it is now). */
  async count(topic: string): Promise<number> {
    const { connection, keys, node } = this.#settings;
    const fields = (await connection.send(['HGETALL', keys.presence(topic)])) as
      readonly RedisReply[] | null;
    let sum = this.#local.get(topic) ?? 0;
    const others: [string, number][] = [];
    for (let i = 0; fields !== null && i + 1 < fields.length; i += 2) {
      const id = text(fields[i]);
      if (id !== node) others.push([id, Number(text(fields[i + 1]))]);
    }
    const alive = await Promise.all(
      others.map(([id]) => connection.send(['EXISTS', keys.node(id)])),
    );
    const gone: string[] = [];
    others.forEach(([id, count], i) => {
      if (alive[i] === 1) sum += count;
      else gone.push(id);
    });
    if (gone.length > 0) {
      connection.send(['HDEL', keys.presence(topic), ...gone]).catch(() => {});
    }
    return sum;
  }

  /** Whether a change waits to be written. */
  get pending(): boolean {
    return this.#round !== undefined || this.#changed.size > 0;
  }

  /** Resolves once every change so far is written. */
  async written(): Promise<void> {
    while (!this.#closed && (this.#round !== undefined || this.#changed.size > 0)) {
      if (this.#round !== undefined) await this.#round;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Removes this node's counts and liveness key (one try), and stops the heartbeat. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    await this.#round;
    this.#closed = true;
    const { connection, keys, node } = this.#settings;
    const topics = new Set([...this.#local.keys(), ...this.#changed]);
    await Promise.all([
      ...[...topics].map((topic) => connection.send(['HDEL', keys.presence(topic), node])),
      connection.send(['DEL', keys.node(node)]),
    ]).catch(() => {});
  }

  /**
   * Keeps the liveness key alive. When it was missing (the first beat, a node that could not
   * beat in time, or a Redis that lost its data), every count of this node is written again.
   */
  async #beat(): Promise<void> {
    const { connection, keys, node, ttlMs } = this.#settings;
    try {
      const before = await connection.send([
        'SET',
        keys.node(node),
        '1',
        'PX',
        String(ttlMs),
        'GET',
      ]);
      if (before === null && !this.#closed) {
        for (const topic of this.#local.keys()) this.#changed.add(topic);
        this.#schedule();
      }
    } catch {
      this.failedCommands++; // the next beat tries again
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#round !== undefined || this.#closed) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#closed && this.#changed.size > 0) this.#round = this.#write();
    });
  }

  /** Writes the changed counts (HSET, or HDEL for none), one round; retries what failed. */
  async #write(): Promise<void> {
    const { connection, keys, node } = this.#settings;
    const changed = this.#changed;
    this.#changed = new Set();
    let failed = false;
    const writes = [...changed].map(async (topic) => {
      const count = this.#local.get(topic);
      const key = keys.presence(topic);
      try {
        if (count === undefined) await connection.send(['HDEL', key, node]);
        else {
          await Promise.all([
            connection.send(['HSET', key, node, String(count)]),
            connection.send(['PEXPIRE', key, String(this.#settings.topicTtlMs)]),
          ]);
        }
      } catch {
        this.failedCommands++;
        failed = true;
        this.#changed.add(topic); // written again, with its count as it is then
      }
    });
    await Promise.all(writes);
    if (failed) await sleep(retryDelayMs(++this.#failures));
    else this.#failures = 0;
    this.#round = undefined;
    if (this.#changed.size > 0) this.#schedule();
  }
}
