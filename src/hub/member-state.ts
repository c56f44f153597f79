// Hub layer: what a hub keeps of one member, behind its public face (`HubMember`): its
// connection's frame writer, its topics and its place in each, its bound and policy, its deflate
// sharing, and what it lost to slow reading. Only the hub reads and writes it.

import type { Connection } from '../connection/connection.js';
import type { FrameOutput } from '../connection/frame-output.js';
import type { MessageLike } from '../message/message.js';
import type { MemberResume } from './member-resume.js';
import type { SubscriberLimits } from './subscriber-limits.js';
import type { SharedDeflate } from './topic-frames.js';

/** What a member's state asks of its hub. */
export interface MemberOwner {
  subscribe(state: MemberState, topic: string): boolean;
  unsubscribe(state: MemberState, topic: string): boolean;
  publish(topic: string, message: MessageLike, except: string | undefined): void;
  /** Writes the messages published to the member's topics that it has not had yet. */
  writePending(state: MemberState): void;
}

/**
 * One member as its hub sees it. It is the connection writer's `pendingFrames` while the hub
 * holds messages back for it. `Face` is the member's public face (`HubMember`, which this module
 * cannot name without an import cycle).
 *
 * @example
 * const state = new MemberState(owner, connection, { id, output, limits, deflate });
 * if (state.fits(frames.length)) state.output.writeFrames(frames);
 */
export class MemberState<Face = unknown> {
  readonly connection: Connection;
  readonly id: string;
  /** Where its frames go: the connection's writer. */
  readonly output: FrameOutput;
  readonly limits: Readonly<Required<SubscriberLimits>>;
  /** How it takes shared compressed frames, if it can. */
  readonly deflate: SharedDeflate | undefined;
  /** Its resume state, when its connection chose `wsflow.resume.v1`. */
  readonly resume: MemberResume | undefined;
  /** Its topics → its index in each topic's member list. */
  readonly slots = new Map<string, number>();
  /** Messages it did not get because it read too slowly. */
  droppedMessages = 0;
  /** Set once it is closed for reading too slowly, or left the hub. */
  gone = false;
  /** Its public face (set by the hub right after making both). */
  member!: Face;
  readonly owner: MemberOwner;

  constructor(
    owner: MemberOwner,
    connection: Connection,
    init: {
      id: string;
      output: FrameOutput;
      limits: Readonly<Required<SubscriberLimits>>;
      deflate: SharedDeflate | undefined;
      resume?: MemberResume;
    },
  ) {
    this.owner = owner;
    this.connection = connection;
    this.id = init.id;
    this.output = init.output;
    this.limits = init.limits;
    this.deflate = init.deflate;
    this.resume = init.resume;
  }

  /** PendingFrames: the connection is about to send a message of its own; what came before goes first. */
  writePending(): void {
    this.owner.writePending(this);
  }

  /** Whether `bytes` more stay under its bound. */
  fits(bytes: number): boolean {
    return this.output.bufferedBytes + bytes <= this.limits.maxBufferedBytes;
  }

  /**
   * Writes one message's frame (or `messages` messages' frames, kept or dropped together), or
   * applies the policy when it would pass the bound.
   *
   * @returns false when the member must be closed (policy `'close'`).
   */
  offer(frames: Uint8Array, messages = 1): boolean {
    const output = this.output;
    const room = this.limits.maxBufferedBytes - frames.length;
    if (output.bufferedBytes <= room) {
      output.writeFrames(frames, messages);
      return true;
    }
    switch (this.limits.onLimit) {
      case 'close':
        return false;
      case 'drop-oldest':
        while (output.bufferedBytes > room) {
          const dropped = output.dropOldestFrames();
          if (dropped === 0) break;
          this.droppedMessages += dropped;
        }
        if (output.bufferedBytes <= room) {
          output.writeFrames(frames, messages);
          return true;
        }
        break;
    }
    this.droppedMessages += messages;
    return true;
  }

  /** Drops what is queued for it (it is closed for reading too slowly). */
  dropQueued(): void {
    this.output.dropQueuedFrames();
  }
}
