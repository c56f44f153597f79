// Redis layer: what a topic's stream still holds after a message ID, for a client that comes
// back (resumable sessions: the backend's `replay`). A message's ID is its entry's ID and its
// index in the entry, `<ms>-<seq>.<index>`: ordered like the stream, the same on every node.
// A client can resume after an ID only while its entry is still in the stream: once trimmed,
// what followed it may be gone too, and the answer is `gone`.

import type { TopicMessage } from '../hub/topic-message.js';
import type { RedisConnection, RedisReply } from './connection.js';
import { isAfter } from './reader.js';
import { retryDelayMs, sleep } from './retry.js';
import { parseEntry, text } from './stream-entry.js';
import type { StreamEntry } from './stream-entry.js';

/** Entries one page of a replay reads at most. */
export const REPLAY_PAGE_ENTRIES = 100;

/** A topic message with its ID. */
export interface IdentifiedMessage extends TopicMessage {
  readonly id: string;
}

/** What a stream holds after an ID. */
export type Replay =
  | {
      readonly kind: 'messages';
      /** In the stream's order, each once. */
      readonly messages: readonly IdentifiedMessage[];
      /** More entries follow: ask again after the last message's ID. */
      readonly more: boolean;
    }
  | { readonly kind: 'gone' };

/** The ID of the message at `index` in the entry `entryId`. */
export function messageId(entryId: string, index: number): string {
  return `${entryId}.${index}`;
}

/** A message ID's entry and index, or undefined for a string that is not one. */
export function parseMessageId(id: string): { entry: string; index: number } | undefined {
  const match = /^(\d+-\d+)\.(\d+)$/.exec(id);
  return match === null ? undefined : { entry: match[1], index: Number(match[2]) };
}

/**
 * The messages of a stream after `afterId`, at most `maxEntries` entries' worth.
 *
 * @throws TypeError for an ID that is not a message ID.
 */
export async function replayAfter(
  connection: RedisConnection,
  key: string,
  afterId: string,
  maxEntries: number,
): Promise<Replay> {
  const after = parseMessageId(afterId);
  if (after === undefined) throw new TypeError(`not a message ID: ${afterId}`);
  const reply = (await connection.send([
    'XRANGE',
    key,
    after.entry,
    '+',
    'COUNT',
    String(maxEntries + 1),
  ])) as readonly RedisReply[];
  // The entry of the last message the client had must still be there, first.
  if (reply.length === 0 || idOfRaw(reply[0]) !== after.entry) return { kind: 'gone' };
  const entries = reply.map(entryOrSkipped);
  const messages: IdentifiedMessage[] = [];
  const batches = new Map<string, number>();
  // The first entry is the client's own (asked for inclusively): a full page may have more.
  const more = entries.length === maxEntries + 1;
  for (const entry of entries) {
    if (entry === undefined) continue; // not ours: another writer on the key
    const seen = batches.get(entry.publisher);
    batches.set(entry.publisher, Math.max(seen ?? -1, entry.batch));
    if (seen !== undefined && entry.batch <= seen) continue; // a batch written twice
    entry.messages.forEach((message, index) => {
      const id = messageId(entry.id, index);
      if (entry.id !== after.entry || index > after.index) messages.push({ ...message, id });
    });
  }
  return { kind: 'messages', messages, more };
}

/**
 * {@link replayAfter} for the backend: once the topic is followed (its start known, so that the
 * page reaches at least where live delivery starts), and again after a failure while `wanted`.
 *
 * @throws What the last attempt threw, once the replay is no longer wanted.
 */
export async function replayWhenFollowed(
  connection: RedisConnection,
  key: string,
  afterId: string,
  followed: Promise<void> | undefined,
  wanted: () => boolean,
  failed: () => void,
): Promise<Replay> {
  await followed;
  for (let failures = 0; ;) {
    try {
      return await replayAfter(connection, key, afterId, REPLAY_PAGE_ENTRIES);
    } catch (error) {
      if (error instanceof TypeError || !wanted()) throw error;
      failed();
      await sleep(retryDelayMs(++failures));
    }
  }
}

function idOfRaw(raw: RedisReply): string | undefined {
  return Array.isArray(raw) && raw.length > 0 ? text((raw as readonly RedisReply[])[0]) : undefined;
}

function entryOrSkipped(raw: RedisReply): StreamEntry | undefined {
  try {
    return parseEntry(raw);
  } catch {
    return undefined;
  }
}

/** Whether message ID `a` comes after `b` (both valid). */
export function messageIsAfter(a: string, b: string): boolean {
  const x = parseMessageId(a) as { entry: string; index: number };
  const y = parseMessageId(b) as { entry: string; index: number };
  if (x.entry !== y.entry) return isAfter(x.entry, y.entry);
  return x.index > y.index;
}
