// Redis layer: how topic messages are stored in a topic's stream. One entry holds the messages a
// node published to the topic in one tick, with the publisher's id and a batch number that let a
// reader drop an entry written twice (a publish retried after its reply was lost):
//
//   XADD <key> MAXLEN ~ <n> * p <publisher> s <batch> <kind>[<except>] <bytes> ...
//
// where <kind> is `t` (text) or `b` (binary) and <except> the id of the member left out, if any.

import type { TopicMessage } from '../hub/topic-message.js';
import type { RedisReply } from './connection.js';

/** The fields of an entry for a batch of messages (after `XADD key ... *`). */
export function entryFields(
  publisher: string,
  batch: number,
  messages: readonly TopicMessage[],
): (string | Uint8Array)[] {
  const fields: (string | Uint8Array)[] = ['p', publisher, 's', String(batch)];
  for (const message of messages) {
    fields.push(`${message.kind === 'text' ? 't' : 'b'}${message.except ?? ''}`, message.data);
  }
  return fields;
}

/** An entry read back: who wrote it, its batch number, its messages (each with its ID). */
export interface StreamEntry {
  readonly id: string;
  readonly publisher: string;
  readonly batch: number;
  readonly messages: TopicMessage[];
}

/**
 * Reads an entry (`[id, [field, value, ...]]`) written by {@link entryFields}.
 *
 * @throws TypeError for an entry of another shape (a key shared with something else).
 */
export function parseEntry(raw: RedisReply): StreamEntry {
  if (!Array.isArray(raw) || raw.length !== 2 || !Array.isArray(raw[1])) {
    throw new TypeError('not a stream entry');
  }
  const fields = raw[1] as readonly RedisReply[];
  const id = text(raw[0]);
  let publisher = '';
  let batch = -1;
  const messages: TopicMessage[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = text(fields[i]);
    const value = fields[i + 1];
    if (name === 'p') publisher = text(value);
    else if (name === 's') batch = Number(text(value));
    else if (name[0] === 't' || name[0] === 'b') {
      const except = name.length > 1 ? name.slice(1) : undefined;
      const kind = name[0] === 't' ? 'text' : 'binary';
      messages.push({ kind, data: bytes(value), except, entryId: id, index: messages.length });
    }
  }
  if (publisher === '' || !Number.isSafeInteger(batch)) {
    throw new TypeError('a stream entry without its publisher and batch');
  }
  return { id, publisher, batch, messages };
}

/** A bulk or status string as text. */
export function text(reply: RedisReply): string {
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) {
    return Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength).toString('utf8');
  }
  throw new TypeError(`expected a string reply, got ${typeof reply}`);
}

function bytes(reply: RedisReply): Uint8Array {
  if (reply instanceof Uint8Array) return reply;
  if (typeof reply === 'string') return Buffer.from(reply, 'utf8');
  throw new TypeError('expected a bulk string reply');
}

/** Whether stream ID `a` (`<ms>-<seq>`) comes after `b`: the resume wire's entry order. */
export { entryIsAfter as isAfter } from '../resume-wire.js';

/**
 * Per publisher, the last batch number had from a stream, to skip an entry written twice (a
 * write retried after its reply was lost): a publisher's batch numbers only grow, so an entry
 * whose batch is not past the last one of its publisher is one whose messages were had. The one
 * rule of the live reader and of a replay (carried from page to page).
 */
export class BatchLog {
  readonly #last: Map<string, number>;

  /** A log that starts empty, or as a copy of `from`. */
  constructor(from?: BatchLog) {
    this.#last = new Map(from === undefined ? undefined : from.#last);
  }

  /** Whether the entry is a batch not had yet; if so, it is had from now on. */
  admit(entry: Pick<StreamEntry, 'publisher' | 'batch'>): boolean {
    const last = this.#last.get(entry.publisher);
    if (last !== undefined && entry.batch <= last) return false;
    this.#last.set(entry.publisher, entry.batch);
    return true;
  }
}
