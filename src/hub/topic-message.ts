// Hub layer: what travels between publishers and subscribers by topic name — the message's kind
// and bytes, plus the member it skips — in a form any backend can carry (a process, Redis).

import { strictPayload, toMessage } from '../message/message.js';
import type { MessageLike } from '../message/message.js';

/** A message published to a topic: plain data, so a backend can carry it across processes. */
export interface TopicMessage {
  /** Text (UTF-8 bytes) or binary. */
  readonly kind: 'text' | 'binary';
  /** The payload. Never changed once published: it is shared by every subscriber. */
  readonly data: Uint8Array;
  /** The id of a member that does not get it (the publisher, for `member.publish`). */
  readonly except?: string;
  /**
   * Where a backend that keeps what it carries (Redis) stored it: the ID of the entry that holds
   * it. With {@link TopicMessage.index}, the message's ID `<entryId>.<index>`, ordered within a
   * topic and the same on every node: what a resuming client names to get what followed it.
   */
  readonly entryId?: string;
  /** The message's place in its entry, from 0 (set with {@link TopicMessage.entryId}). */
  readonly index?: number;
}

/**
 * A value a handler may send, as a topic message: a string is text, a Uint8Array binary, a
 * Strict message its own kind.
 *
 * @param value - A string, a Uint8Array, or a Strict TextMessage or BinaryMessage.
 * @param except - The id of the member to skip, if any.
 * @returns The topic message (a string is encoded to UTF-8 once, here).
 * @throws TypeError for a Streamed message (collect it with `toStrict` first), a Ping or a Pong.
 * @example
 * toTopicMessage('hello'); // { kind: 'text', data: <68 65 6c 6c 6f> }
 */
export function toTopicMessage(value: MessageLike, except?: string): TopicMessage {
  if (typeof value === 'string') return { kind: 'text', data: Buffer.from(value, 'utf8'), except };
  if (value instanceof Uint8Array) return { kind: 'binary', data: value, except };
  const message = toMessage(value);
  const payload = strictPayload(message);
  if (payload === undefined) {
    throw new TypeError('a Streamed message cannot be published: collect it with toStrict first');
  }
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return { kind: message.isText ? 'text' : 'binary', data, except };
}
