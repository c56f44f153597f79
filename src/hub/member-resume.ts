// Hub layer: what a hub keeps of a member that resumes (its connection chose the subprotocol
// `wsflow.resume.v1`): the last message ID of each topic it named when it came back (consumed
// when it subscribes), the live messages held back while a topic is replayed to it, and per
// topic the last message replayed, up to which live messages are ones it already had.

import type { Connection } from '../connection/connection.js';
import { RESUME_SUBPROTOCOL } from '../resume-wire.js';
import { resumeRequestOf } from '../server/resume-request.js';
import type { TopicFrames } from './topic-frames.js';
import type { TopicMessage } from './topic-message.js';

/** A live message held back while its topic is replayed (a topic's pending message). */
export interface HeldMessage {
  readonly frames: TopicFrames;
  readonly seq: number;
}

/** A message's place in its topic: its entry's ID (`<ms>-<seq>`) and its index in the entry. */
export interface MessagePosition {
  readonly entry: string;
  readonly index: number;
}

/**
 * The resume state of one member.
 *
 * @example
 * const resume = memberResumeOf(connection); // undefined for a plain client
 * resume?.lastIds.get('news'); // '1733500000000-0.3' when it came back
 */
export class MemberResume {
  /** The last message ID per topic the client named, until it subscribes to the topic. */
  readonly lastIds: Map<string, string>;
  /** Topics being replayed → their live messages, held back until the replay is written. */
  readonly replaying = new Map<string, HeldMessage[]>();
  /** Per topic, the last message replayed: a live message up to it was had already. */
  readonly floors = new Map<string, MessagePosition>();

  constructor(lastIds: Map<string, string>) {
    this.lastIds = lastIds;
  }

  /** Whether `topic`'s live messages need more than the shared write (held, or some had). */
  holds(topic: string): boolean {
    return this.replaying.has(topic) || this.floors.has(topic);
  }

  /** Whether a live message of `topic` is one the member has not had (the floor goes once passed). */
  isNew(topic: string, message: TopicMessage): boolean {
    const floor = this.floors.get(topic);
    if (floor === undefined || message.entryId === undefined || message.index === undefined) {
      return true;
    }
    if (!isPast({ entry: message.entryId, index: message.index }, floor)) return false;
    this.floors.delete(topic);
    return true;
  }

  /** The member left `topic`: nothing more is held or dropped for it. */
  forget(topic: string): void {
    this.replaying.delete(topic);
    this.floors.delete(topic);
  }
}

/** The resume state of a connection that chose `wsflow.resume.v1`, else undefined. */
export function memberResumeOf(connection: Connection): MemberResume | undefined {
  const lastIds = resumeRequestOf(connection);
  return lastIds === undefined ? undefined : new MemberResume(lastIds);
}

/**
 * A message ID's place, or undefined for a string that is not one.
 *
 * @example
 * positionOf('1733500000000-0.3'); // { entry: '1733500000000-0', index: 3 }
 */
export function positionOf(id: string): MessagePosition | undefined {
  const match = /^(\d{1,20}-\d{1,20})\.(\d{1,9})$/.exec(id);
  return match === null ? undefined : { entry: match[1], index: Number(match[2]) };
}

/** The ID of a message's place: `<entry>.<index>`. */
export function idOf(position: MessagePosition): string {
  return `${position.entry}.${position.index}`;
}

/** Whether `a` comes after `b` in their topic. */
export function isPast(a: MessagePosition, b: MessagePosition): boolean {
  if (a.entry !== b.entry) return entryIsAfter(a.entry, b.entry);
  return a.index > b.index;
}

/** Whether entry ID `a` (`<ms>-<seq>`, decimal) comes after `b`. */
function entryIsAfter(a: string, b: string): boolean {
  const [aMs, aSeq] = a.split('-');
  const [bMs, bSeq] = b.split('-');
  if (aMs !== bMs) return aMs.length !== bMs.length ? aMs.length > bMs.length : aMs > bMs;
  return aSeq.length !== bSeq.length ? aSeq.length > bSeq.length : aSeq > bSeq;
}

/**
 * The subprotocol to accept a route's connection with, so that its member resumes:
 * `wsflow.resume.v1` when the client offered it, else undefined (a plain client, plain frames).
 *
 * @param request - The route's request (what the client offered).
 * @returns The subprotocol for `accept`'s options.
 * @example
 * ```ts
 * router.route('/news', (request) =>
 *   accept(hub.join((member) => (member.subscribe('news'), map(() => undefined))), {
 *     subprotocol: resumeSubprotocol(request),
 *   }),
 * );
 * ```
 */
export function resumeSubprotocol(request: {
  readonly protocols: readonly string[];
}): string | undefined {
  return request.protocols.includes(RESUME_SUBPROTOCOL) ? RESUME_SUBPROTOCOL : undefined;
}
