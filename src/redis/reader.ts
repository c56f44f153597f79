// Redis layer: the reading side of the Redis backend. The streams this node follows are read in
// groups, one blocking XREAD per group on a connection of its own: a single Redis reads them all
// in one group; a Redis Cluster refuses an XREAD over keys of different slots, so there a group
// is a slot (and slot groups gather many topics into a few slots).

import type { HubSink } from '../hub/backend.js';
import { GroupReader } from './group-reader.js';
import type { ReadSource } from './group-reader.js';

export { isAfter } from './stream-entry.js';
export type { ReadSource, ReadingLink } from './group-reader.js';

/** How a {@link StreamReader} reads. */
export interface StreamReaderSettings {
  readonly source: ReadSource;
  readonly sink: HubSink;
  /** How long one XREAD waits for entries. */
  readonly blockMs: number;
  /** Entries per stream and XREAD at most. */
  readonly readCount: number;
  /** Bytes handed to the hub in one event-loop turn at most (then sockets get their turn). */
  readonly deliveryChunkBytes: number;
}

/** Reads the followed streams, each group with its own XREAD, and hands their messages to the hub. */
export class StreamReader {
  readonly #settings: StreamReaderSettings;
  readonly #groups = new Map<string, GroupReader>();
  /** What the group readers closed so far counted. */
  #closedDuplicates = 0;
  #closedFailures = 0;
  #closed = false;

  constructor(settings: StreamReaderSettings) {
    this.#settings = settings;
  }

  /** Follows a stream, delivering what comes after `afterId`. */
  follow(key: string, topic: string, afterId: string): void {
    if (this.#closed) return;
    const group = this.#settings.source.groupOf(key);
    let reader = this.#groups.get(group);
    if (reader === undefined) {
      reader = new GroupReader(this.#settings);
      this.#groups.set(group, reader);
    }
    reader.follow(key, topic, afterId);
  }

  /** Stops following a stream; a group with no stream left closes its connection. */
  unfollow(key: string): void {
    const group = this.#settings.source.groupOf(key);
    const reader = this.#groups.get(group);
    if (reader === undefined) return;
    reader.unfollow(key);
    // On a cluster, a slot nobody here follows any more gives its connection back; a single
    // Redis' one group keeps its connection for the next topic.
    if (reader.size === 0 && this.#settings.source.relocate !== undefined) {
      this.#groups.delete(group);
      void this.#retire(reader);
    }
  }

  /** How many groups are read (each holds a connection). */
  get groups(): number {
    return this.#groups.size;
  }

  /** Entries skipped because they were a batch already delivered. */
  get duplicateEntries(): number {
    let count = this.#closedDuplicates;
    for (const reader of this.#groups.values()) count += reader.duplicateEntries;
    return count;
  }

  /** Reads that failed (and were sent again). */
  get failedReads(): number {
    let count = this.#closedFailures;
    for (const reader of this.#groups.values()) count += reader.failedReads;
    return count;
  }

  /** Stops reading and closes every reading connection. */
  async close(): Promise<void> {
    this.#closed = true;
    const readers = [...this.#groups.values()];
    this.#groups.clear();
    await Promise.all(readers.map((reader) => this.#retire(reader)));
  }

  async #retire(reader: GroupReader): Promise<void> {
    await reader.close().catch(() => {});
    this.#closedDuplicates += reader.duplicateEntries;
    this.#closedFailures += reader.failedReads;
  }
}
