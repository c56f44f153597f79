// Redis layer: reads one group of streams, those one XREAD can name together (all of them on a
// single Redis; one slot's in a Redis Cluster). A connection of its own reads them with a blocking
// XREAD, each from the last ID it delivered, so after a lost connection or a Redis restart it
// reads on from there. When the group's streams change, the waiting XREAD is cut short (CLIENT
// UNBLOCK from a connection to the same server) and sent again.

import type { HubSink } from '../hub/backend.js';
import type { RedisConnection, RedisReply } from './connection.js';
import { retryDelayMs, sleep } from './retry.js';
import { BatchLog, isAfter, parseEntry, text } from './stream-entry.js';

/** A reading connection, and one to the same server for CLIENT UNBLOCK. */
export interface ReadingLink {
  readonly reading: RedisConnection;
  readonly control: Pick<RedisConnection, 'send'>;
}

/** Where the streams are read. */
export interface ReadSource {
  /** The group of a stream: the streams of a group are read with one XREAD. */
  groupOf(key: string): string;
  /** Opens a link to the server that holds a group (`key` is one of its streams). */
  open(key: string): Promise<ReadingLink>;
  /**
   * After a failed read, where to read next (a Cluster: the slot may have moved, the master
   * failed over): resolves once the link can be opened anew. Without it, the link is kept and the
   * client reconnects it by itself.
   */
  relocate?(key: string): Promise<void>;
}

/** How a {@link GroupReader} reads. */
export interface ReaderSettings {
  readonly source: ReadSource;
  readonly sink: HubSink;
  /** How long one XREAD waits for entries. */
  readonly blockMs: number;
  /** Entries per stream and XREAD at most. */
  readonly readCount: number;
  /** Bytes handed to the hub in one event-loop turn at most (then sockets get their turn). */
  readonly deliveryChunkBytes: number;
}

/** A stream this node follows. */
interface Followed {
  readonly topic: string;
  /** The ID of the last entry delivered (or the one to start after). */
  lastId: string;
  /** The batches delivered from this stream (to skip one written twice). */
  readonly batches: BatchLog;
}

/** Reads a group's streams and hands their messages to the hub, in each stream's order. */
export class GroupReader {
  readonly #settings: ReaderSettings;
  readonly #followed = new Map<string, Followed>();
  #link: ReadingLink | undefined;
  /** The reading connection's CLIENT ID, as of its last XREAD. */
  #clientId: number | undefined;
  /** An XREAD is waiting for its reply. */
  #reading = false;
  /** The followed set changed since the waiting XREAD was sent. */
  #stale = false;
  #wake: (() => void) | undefined;
  #closed = false;
  readonly #done: Promise<void>;
  /** Entries skipped because they were a batch already delivered. */
  duplicateEntries = 0;
  /** XREADs that failed (and were sent again). */
  failedReads = 0;

  constructor(settings: ReaderSettings) {
    this.#settings = settings;
    this.#done = this.#run();
  }

  /** Follows a stream, delivering what comes after `afterId`. */
  follow(key: string, topic: string, afterId: string): void {
    this.#followed.set(key, { topic, lastId: afterId, batches: new BatchLog() });
    this.#changed();
  }

  /** Stops following a stream. */
  unfollow(key: string): void {
    if (this.#followed.delete(key)) this.#changed();
  }

  /** How many streams it follows. */
  get size(): number {
    return this.#followed.size;
  }

  /** Stops reading and closes the reading connection. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    await this.#link?.reading.close();
    await this.#done;
  }

  #changed(): void {
    this.#stale = true;
    this.#wake?.();
    if (this.#reading) this.#unblock();
  }

  /** Cuts the waiting XREAD short, or tries again shortly if it was not waiting yet. */
  #unblock(): void {
    const id = this.#clientId;
    if (id === undefined || this.#closed) return;
    const link = this.#link;
    if (link === undefined) return;
    link.control.send(['CLIENT', 'UNBLOCK', String(id)]).then(
      (unblocked) => {
        if (unblocked === 0 && this.#stale && this.#reading) {
          setTimeout(() => this.#unblock(), 2).unref();
        }
      },
      () => {}, // the XREAD returns by itself within blockMs
    );
  }

  async #run(): Promise<void> {
    const { source } = this.#settings;
    let failures = 0;
    while (!this.#closed) {
      if (this.#followed.size === 0) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
        continue;
      }
      const someKey = this.#followed.keys().next().value as string;
      if (this.#link === undefined) {
        try {
          this.#link = await source.open(someKey);
        } catch {
          this.failedReads++;
          await sleep(retryDelayMs(++failures));
          continue;
        }
        if (this.#closed) await this.#link.reading.close();
        continue;
      }
      const link = this.#link;
      try {
        await this.#deliver(await this.#read(link.reading));
        failures = 0;
      } catch {
        if (this.#closed) break;
        this.failedReads++;
        if (source.relocate !== undefined && this.#link === link) {
          // The next read goes where the slot is now, on a new link.
          this.#link = undefined;
          void link.reading.close().catch(() => {});
          await source.relocate(someKey).catch(() => {});
        }
        await sleep(retryDelayMs(++failures));
      }
    }
  }

  /** One XREAD of every followed stream from its last ID (with the connection's id first). */
  async #read(connection: RedisConnection): Promise<RedisReply> {
    const keys = [...this.#followed.keys()];
    const ids = keys.map((key) => (this.#followed.get(key) as Followed).lastId);
    const { blockMs, readCount } = this.#settings;
    this.#stale = false;
    this.#reading = true;
    // Until this connection's id is known (a link to another server may reuse an old one).
    this.#clientId = undefined;
    // Sent together: the id's reply comes once the XREAD is waiting (or answered).
    const clientId = connection.send(['CLIENT', 'ID']).then((id) => {
      this.#clientId = typeof id === 'number' ? id : undefined;
      if (this.#stale && this.#reading) this.#unblock();
    });
    clientId.catch(() => {});
    const read = connection.send([
      'XREAD',
      'COUNT',
      String(readCount),
      'BLOCK',
      String(blockMs),
      'STREAMS',
      ...keys,
      ...ids,
    ]);
    // A connection that died without a word (a peer or a network that vanished, no reset) would
    // hold the XREAD for ever: past twice its block time and a second, it is taken for dead and
    // replaced (the next turn reads from the same IDs on a new one).
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SilentConnectionError()), 2 * blockMs + 1000);
    });
    try {
      return await Promise.race([read, silence]);
    } catch (error) {
      if (error instanceof SilentConnectionError) {
        read.catch(() => {});
        if (this.#link?.reading === connection) this.#link = undefined;
        void connection.close().catch(() => {});
      }
      throw error;
    } finally {
      clearTimeout(timer);
      this.#reading = false;
    }
  }

  /**
   * Hands every entry of an XREAD reply to the hub, stream by stream, in order: a chunk of
   * `deliveryChunkBytes` per turn, so that the hub writes each chunk to its sockets (and the
   * kernel takes it) before the next, instead of a node that catches up queueing it all at once
   * past every subscriber's bound.
   */
  async #deliver(reply: RedisReply): Promise<void> {
    if (!Array.isArray(reply)) return; // nil: nothing within blockMs, or cut short
    const streams = reply as readonly RedisReply[];
    // RESP2: [[key, entries], ...]; RESP3 maps read as flat arrays: [key, entries, key, ...].
    const flat = streams.length > 0 && !Array.isArray(streams[0]);
    const step = flat ? 2 : 1;
    this.#turnBytes = 0;
    for (let i = 0; i < streams.length; i += step) {
      const pair = (flat ? streams.slice(i, i + 2) : streams[i]) as readonly RedisReply[];
      const key = text(pair[0]);
      const followed = this.#followed.get(key);
      if (followed !== undefined) {
        await this.#deliverStream(key, followed, pair[1] as readonly RedisReply[]);
      }
    }
  }

  #turnBytes = 0;

  async #deliverStream(key: string, followed: Followed, entries: readonly RedisReply[]) {
    for (const raw of entries) {
      let entry;
      try {
        entry = parseEntry(raw);
      } catch {
        // Not ours (another writer on the key): skip it, and read on after it.
        followed.lastId = text((raw as readonly RedisReply[])[0]);
        continue;
      }
      // A reply to a read sent before the stream was followed anew may start before it.
      if (!isAfter(entry.id, followed.lastId)) continue;
      followed.lastId = entry.id;
      if (!followed.batches.admit(entry)) {
        this.duplicateEntries++;
        continue;
      }
      for (const message of entry.messages) {
        if (this.#turnBytes >= this.#settings.deliveryChunkBytes) {
          await new Promise((resolve) => setImmediate(resolve));
          this.#turnBytes = 0;
          // Unfollowed (or followed anew) meanwhile: the rest is no longer this read's.
          if (this.#closed || this.#followed.get(key) !== followed) return;
        }
        this.#settings.sink.deliver(followed.topic, message);
        this.#turnBytes += message.data.byteLength;
      }
    }
  }
}

/** An XREAD went unanswered far past its block time. */
class SilentConnectionError extends Error {}
