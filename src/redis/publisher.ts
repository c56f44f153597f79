// Redis layer: the publishing side of the Redis backend. Messages published in a tick go out as
// one XADD per topic (one stream entry holding them all), every topic's in one round of pipelined
// commands; the next round waits for the replies. A batch that fails is sent again, with the same
// batch number, before anything newer of its topic, so a topic's messages from this node keep
// their order and a batch applied twice (its reply lost) is recognised by readers. Each XADD is
// followed by a PEXPIRE of the stream, so a topic nobody writes to or follows any more expires.

import type { TopicMessage } from '../hub/topic-message.js';
import type { RedisConnection } from './connection.js';
import type { TopicKeys } from './keys.js';
import { retryDelayMs, sleep } from './retry.js';
import { entryFields } from './stream-entry.js';

/** How a {@link StreamPublisher} writes. */
export interface PublisherSettings {
  readonly connection: RedisConnection;
  /** This node's id, written in every entry. */
  readonly publisher: string;
  readonly keys: TopicKeys;
  readonly maxStreamLength: number;
  /** How long a topic's stream lives after its last write (unless a node following it renews it). */
  readonly topicTtlMs: number;
  /** Bound on the bytes of messages waiting to be written (during an outage, typically). */
  readonly maxQueuedBytes: number;
  /** Bound on the messages of one stream entry; the rest goes in the next round. */
  readonly maxBatchMessages: number;
}

/** A batch formed and numbered, waiting to be written again after a failure. */
interface Batch {
  readonly number: number;
  readonly messages: TopicMessage[];
  readonly bytes: number;
}

/** One topic's messages not yet written. */
interface TopicQueue {
  retry: Batch | undefined;
  messages: TopicMessage[];
  bytes: number;
}

/** Writes topic messages to their streams, in order per topic, retrying until they are written. */
export class StreamPublisher {
  readonly #settings: PublisherSettings;
  readonly #queues = new Map<string, TopicQueue>();
  /** Topics whose writes wait (this node is looking up where to start reading them). */
  readonly #held = new Set<string>();
  #nextBatch = 0;
  #queuedBytes = 0;
  #queuedMessages = 0;
  #round: Promise<void> | undefined;
  #scheduled = false;
  #failures = 0;
  #closed = false;
  /** Messages dropped because the queue was full. */
  dropped = 0;
  /** Commands that failed (and were retried). */
  failedCommands = 0;

  constructor(settings: PublisherSettings) {
    this.#settings = settings;
  }

  /** Messages waiting to be written. */
  get queuedMessages(): number {
    return this.#queuedMessages;
  }

  /** Queues a message; it is written at the end of the tick (dropped if the queue is full). */
  publish(topic: string, message: TopicMessage): void {
    const size = message.data.byteLength;
    if (this.#closed || this.#queuedBytes + size > this.#settings.maxQueuedBytes) {
      this.dropped++;
      return;
    }
    let queue = this.#queues.get(topic);
    if (queue === undefined) {
      queue = { retry: undefined, messages: [], bytes: 0 };
      this.#queues.set(topic, queue);
    }
    queue.messages.push(message);
    queue.bytes += size;
    this.#queuedBytes += size;
    this.#queuedMessages++;
    this.#schedule();
  }

  /** Holds back the writes of a topic until {@link release}. */
  hold(topic: string): void {
    this.#held.add(topic);
  }

  /** Lets a held topic's writes go. */
  release(topic: string): void {
    if (this.#held.delete(topic) && this.#queues.has(topic)) this.#schedule();
  }

  /** Resolves once every message queued so far is written (or closing dropped it). */
  async drained(): Promise<void> {
    while (!this.#closed && (this.#round !== undefined || this.#queuedMessages > 0)) {
      if (this.#round !== undefined) await this.#round;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Writes what is queued (one last round, no retry) and stops taking messages. */
  async close(): Promise<void> {
    this.#held.clear();
    await this.#round;
    this.#closed = true;
    if (this.#queues.size > 0) await this.#writeRound();
  }

  #schedule(): void {
    if (this.#scheduled || this.#round !== undefined || this.#closed) return;
    this.#scheduled = true;
    process.nextTick(() => {
      this.#scheduled = false;
      if (!this.#closed) this.#startRound();
    });
  }

  #startRound(): void {
    if (this.#round !== undefined) return;
    const round = this.#writeRound().then(async (outcome) => {
      if (outcome === 'failed') await sleep(retryDelayMs(++this.#failures));
      else this.#failures = 0;
      this.#round = undefined;
      // What is left of held topics waits for their release.
      if (outcome !== 'idle' && this.#queues.size > 0) this.#schedule();
    });
    this.#round = round.then(() => undefined);
  }

  /**
   * Sends one XADD per topic with something to write (and not held), pipelined; waits for every
   * reply. A failed batch stays first in its topic's queue.
   *
   * @returns 'failed' when a command failed, 'idle' when there was nothing to write.
   */
  async #writeRound(): Promise<'written' | 'failed' | 'idle'> {
    const writes: Promise<boolean>[] = [];
    for (const [topic, queue] of this.#queues) {
      if (this.#held.has(topic)) continue;
      const batch = queue.retry ?? this.#takeBatch(queue);
      queue.retry = batch;
      writes.push(this.#write(topic, queue, batch));
    }
    if (writes.length === 0) return 'idle';
    const results = await Promise.all(writes);
    return results.includes(false) ? 'failed' : 'written';
  }

  /** Forms the next batch of a queue: up to `maxBatchMessages`, numbered. */
  #takeBatch(queue: TopicQueue): Batch {
    const messages = queue.messages.splice(0, this.#settings.maxBatchMessages);
    let bytes = 0;
    for (const message of messages) bytes += message.data.byteLength;
    queue.bytes -= bytes;
    return { number: this.#nextBatch++, messages, bytes };
  }

  /**
   * Writes a batch and renews the stream's expiry (pipelined); on success it leaves the queue
   * (and the queue the map, once empty). When either fails, both are sent again: an entry written
   * twice is skipped by readers, and a stream is never left without its expiry.
   */
  async #write(topic: string, queue: TopicQueue, batch: Batch): Promise<boolean> {
    const { connection, publisher, keys, maxStreamLength, topicTtlMs } = this.#settings;
    const key = keys.stream(topic);
    const args = [
      'XADD',
      key,
      'MAXLEN',
      '~',
      String(maxStreamLength),
      '*',
      ...entryFields(publisher, batch.number, batch.messages),
    ];
    try {
      await Promise.all([
        connection.send(args),
        connection.send(['PEXPIRE', key, String(topicTtlMs)]),
      ]);
    } catch {
      this.failedCommands++;
      if (!this.#closed) return false;
      // Closing: the batch is given up (counted as dropped).
      this.dropped += batch.messages.length;
    }
    queue.retry = undefined;
    this.#queuedBytes -= batch.bytes;
    this.#queuedMessages -= batch.messages.length;
    if (queue.messages.length === 0 && this.#queues.get(topic) === queue)
      this.#queues.delete(topic);
    return true;
  }
}
