// Redis layer: what a topic's stream still holds after a message ID, for a client that comes
// back (resumable sessions, not wired to the hub yet). A message's ID is its entry's ID and its
// index in the entry, `<ms>-<seq>.<index>`: ordered like the stream, the same on every node.
// A client can resume after an ID only while its entry is still in the stream: once trimmed,
// what followed it may be gone too, and the answer is `gone`.

import type { TopicMessage } from '../hub/topic-message.js';
import type { RedisConnection, RedisReply } from './connection.js';
import { isAfter } from './reader.js';
import { parseEntry } from './stream-entry.js';

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
  const entries = reply.map(parseEntry);
  // The entry of the last message the client had must still be there, first.
  if (entries.length === 0 || entries[0].id !== after.entry) return { kind: 'gone' };
  const messages: IdentifiedMessage[] = [];
  const batches = new Map<string, number>();
  // The first entry is the client's own (asked for inclusively): a full page may have more.
  const more = entries.length === maxEntries + 1;
  for (const entry of entries) {
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

/** Whether message ID `a` comes after `b` (both valid). */
export function messageIsAfter(a: string, b: string): boolean {
  const x = parseMessageId(a) as { entry: string; index: number };
  const y = parseMessageId(b) as { entry: string; index: number };
  if (x.entry !== y.entry) return isAfter(x.entry, y.entry);
  return x.index > y.index;
}
