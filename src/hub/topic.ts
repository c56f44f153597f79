// Hub layer: one topic on this node — its subscribers, and the messages published to it since
// the hub last wrote (a tick's messages go out together: one buffer per subscriber, shared by
// every subscriber that takes them all, instead of one write per message and subscriber).

import type { MemberState } from './member-state.js';
import { resumeUnits } from './resume-frames.js';
import type { SharedDeflate, TopicFrames } from './topic-frames.js';

/** A message published to a topic and not yet written to every subscriber. */
export interface PendingMessage {
  readonly frames: TopicFrames;
  /** The member that does not get it. */
  readonly except: string | undefined;
  /** Its place among every message the hub took since it last wrote (across topics). */
  readonly seq: number;
}

/**
 * A topic: its members (in no order) and, at the same index, how many of the pending messages
 * each has had; the pending messages, and their frames joined once per deflate setting.
 *
 * @example
 * const topic = new Topic('news');
 * topic.add({ frames: new TopicFrames(message), except: undefined, seq: 0 }); // true: a new batch
 */
export class Topic {
  readonly name: string;
  readonly members: MemberState[] = [];
  /** Per member, at its index: how many pending messages it has had (or was too late for). */
  readonly cursors: number[] = [];
  /** The messages published since the hub last wrote; undefined when there are none. */
  pending: PendingMessage[] | undefined;
  /** The members left out of some pending message. */
  excepted: Set<string> | undefined;
  /** Every pending frame, joined, by deflate key (-1: plain). */
  #whole: Map<number, Uint8Array> | undefined;
  /** The same with the markers resuming members get, by deflate key (-1: plain). */
  #resumeWhole: Map<number, Uint8Array> | undefined;

  constructor(name: string) {
    this.name = name;
  }

  /**
   * Adds a message to the pending ones.
   *
   * @returns true when it is the first since the hub last wrote (the batch opened).
   */
  add(message: PendingMessage): boolean {
    let pending = this.pending;
    const opened = pending === undefined;
    if (pending === undefined) {
      pending = this.pending = [];
      this.cursors.fill(0);
    }
    pending.push(message);
    this.#whole = undefined;
    this.#resumeWhole = undefined;
    if (message.except !== undefined) (this.excepted ??= new Set()).add(message.except);
    return opened;
  }

  /**
   * Every pending message's frame for a deflate setting, one after the other in one buffer:
   * what a member that had none of them and is left out of none takes in one write.
   */
  whole(deflate: SharedDeflate | undefined): Uint8Array {
    const pending = this.pending as PendingMessage[];
    if (pending.length === 1) return pending[0].frames.for(deflate);
    const key = deflate === undefined ? -1 : deflate.key;
    const joined = (this.#whole ??= new Map());
    let frames = joined.get(key);
    if (frames === undefined) {
      frames = Buffer.concat(pending.map((message) => message.frames.for(deflate)));
      joined.set(key, frames);
    }
    return frames;
  }

  /**
   * {@link Topic.whole} for resuming members: a marker before each run of an entry's messages.
   * Made once per deflate setting, and shared by every resuming member that takes them all.
   */
  resumeWhole(deflate: SharedDeflate | undefined): Uint8Array {
    const key = deflate === undefined ? -1 : deflate.key;
    const joined = (this.#resumeWhole ??= new Map());
    let frames = joined.get(key);
    if (frames === undefined) {
      const due = (this.pending as PendingMessage[]).map(({ frames, seq }) => ({
        topic: this.name,
        frames,
        seq,
      }));
      const units = resumeUnits(due, deflate);
      frames = units.length === 1 ? units[0].bytes : Buffer.concat(units.map((unit) => unit.bytes));
      joined.set(key, frames);
    }
    return frames;
  }

  /** The hub wrote the pending messages to every member: the batch is closed. */
  endBatch(): void {
    this.pending = undefined;
    this.excepted = undefined;
    this.#whole = undefined;
    this.#resumeWhole = undefined;
  }
}
