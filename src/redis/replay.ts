// Redis layer: what a topic's stream still holds after a message ID, for a client that comes
// back (resumable sessions: the backend's `replay`). A message's ID is its entry's ID and its
// index in the entry, `<ms>-<seq>.<index>`: ordered like the stream, the same on every node.
// A client can resume after an ID only while its entry is still in the stream: once trimmed,
// what followed it may be gone too, and the answer is `gone`.

import type { TopicReplay } from '../hub/backend.js';
import type { TopicMessage } from '../hub/topic-message.js';
import { idOf, positionOf } from '../resume-wire.js';
import type { RedisConnection, RedisReply } from './connection.js';
import { retryDelayMs, sleep } from './retry.js';
import { BatchLog, parseEntry, text } from './stream-entry.js';
import type { StreamEntry } from './stream-entry.js';

/** Entries one page of a replay reads at most. */
export const REPLAY_PAGE_ENTRIES = 100;

/** A topic message with its ID. */
export interface IdentifiedMessage extends TopicMessage {
  readonly id: string;
}

/** What a stream holds after an ID: a backend's replay, each message with its ID. */
export type Replay = TopicReplay<IdentifiedMessage>;

/** Where a page of a replay starts, and what the replay has had so far. */
interface ReplayCursor {
  /** The entry the page starts at: it must still be in the stream. */
  readonly entry: string;
  /** Messages of that entry up to this index were had (Infinity: all of them). */
  readonly index: number;
  /** The batches had since the replay started, the entry's own included. */
  readonly batches: BatchLog;
}

/**
 * The messages of a stream after `afterId`, at most `maxEntries` entries' worth, and `next` for
 * the following page while more follow. An entry written twice is skipped across pages too, by
 * the live reader's rule, as a reader that followed the stream from `afterId`'s entry would.
 *
 * @throws TypeError for an ID that is not a message ID.
 */
export async function replayAfter(
  connection: RedisConnection,
  key: string,
  afterId: string,
  maxEntries: number,
): Promise<Replay> {
  const after = positionOf(afterId);
  if (after === undefined) throw new TypeError(`not a message ID: ${afterId}`);
  return readPage(connection, key, { ...after, batches: new BatchLog() }, maxEntries);
}

/** One page of a replay, from its cursor (which it leaves as it was: a page can be read again). */
async function readPage(
  connection: RedisConnection,
  key: string,
  cursor: ReplayCursor,
  maxEntries: number,
): Promise<Replay> {
  const reply = (await connection.send([
    'XRANGE',
    key,
    cursor.entry,
    '+',
    'COUNT',
    String(maxEntries + 1),
  ])) as readonly RedisReply[];
  // The page's first entry must still be there (the client's last, or the last one read).
  if (reply.length === 0 || idOfRaw(reply[0]) !== cursor.entry) return { kind: 'gone' };
  const batches = new BatchLog(cursor.batches);
  const messages: IdentifiedMessage[] = [];
  for (const [i, raw] of reply.entries()) {
    const entry = entryOrSkipped(raw);
    if (entry === undefined) continue; // not ours: another writer on the key
    // The first entry's batch was had before this page when it is not the replay's first.
    if (!batches.admit(entry) && i > 0) continue; // a batch written twice
    entry.messages.forEach((message, index) => {
      if (i > 0 || index > cursor.index) {
        messages.push({ ...message, id: idOf({ entry: entry.id, index }) });
      }
    });
  }
  // The first entry is where the page starts (asked for inclusively): a full page may have more.
  if (reply.length < maxEntries + 1) return { kind: 'messages', messages, more: false };
  const next = { entry: idOfRaw(reply.at(-1) as RedisReply) as string, index: Infinity, batches };
  return {
    kind: 'messages',
    messages,
    more: true,
    next: () => readPage(connection, key, next, maxEntries),
  };
}

/**
 * {@link replayAfter} for the backend: once the topic is followed (its start known, so that the
 * pages reach at least where live delivery starts), each page again after a failure while
 * `wanted`.
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
  const retried = async (page: () => Promise<Replay>): Promise<Replay> => {
    for (let failures = 0; ;) {
      let replay: Replay;
      try {
        replay = await page();
      } catch (error) {
        if (error instanceof TypeError || !wanted()) throw error;
        failed();
        await sleep(retryDelayMs(++failures));
        continue;
      }
      if (replay.kind === 'gone' || replay.next === undefined) return replay;
      const next = replay.next;
      return { ...replay, next: () => retried(next) };
    }
  };
  return retried(() => replayAfter(connection, key, afterId, REPLAY_PAGE_ENTRIES));
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
