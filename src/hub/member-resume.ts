// Hub layer: what a hub keeps of a member that resumes (its connection chose the subprotocol
// `wsflow.resume.v1`): the last message ID of each topic it named when it came back (consumed
// when it subscribes), the live messages held back while a topic is replayed to it, and per
// topic the last message replayed, up to which live messages are ones it already had.

import type { Connection } from '../connection/connection.js';
import { RESUME_SUBPROTOCOL, isPast } from '../resume-wire.js';
import type { MessagePosition } from '../resume-wire.js';
import { resumeRequestOf } from '../server/resume-request.js';
import type { TopicFrames } from './topic-frames.js';
import type { TopicMessage } from './topic-message.js';

/** A live message held back while its topic is replayed (a topic's pending message). */
export interface HeldMessage {
  readonly frames: TopicFrames;
  readonly seq: number;
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
