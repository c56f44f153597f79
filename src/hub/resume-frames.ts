// Hub layer: the frames a resuming member gets. Before each run of a topic's messages that came
// from one backend entry, a small text marker numbers them (`{"resume":"ids",...}`), so that the
// client knows every message's ID without an ID in the message itself: the message frames stay
// the ones every other subscriber shares, and a plain client gets no marker at all.

import { goneMarkerText, idsMarkerText } from '../resume-wire.js';
import { TopicFrames } from './topic-frames.js';
import type { SharedDeflate } from './topic-frames.js';

/** A message due to a resuming member: its frames, its topic, its place among the tick's. */
export interface DueMessage {
  readonly topic: string;
  readonly frames: TopicFrames;
  readonly seq: number;
}

/** What a member's writer queues (and a drop-oldest policy drops) whole: a marker and its run. */
export interface ResumeUnit {
  readonly bytes: Uint8Array;
  /** The messages in it (the marker is not one). */
  readonly messages: number;
}

/**
 * The units for messages in the order they are due: each run of consecutive messages of one
 * topic and entry after its marker, in one buffer (so a run and its marker are dropped together
 * or not at all); a message without an ID alone, without a marker. A run longer than
 * `maxUnitBytes` is cut into several, each after a marker of its own, so that a member's bound
 * drops (or waits for) a part of it, not all.
 *
 * @example
 * resumeUnits([{ topic: 'news', frames, seq: 0 }], undefined);
 * // [{ bytes: <marker frame, message frame>, messages: 1 }]
 */
export function resumeUnits(
  due: readonly DueMessage[],
  deflate: SharedDeflate | undefined,
  maxUnitBytes = Infinity,
): ResumeUnit[] {
  const units: ResumeUnit[] = [];
  for (let i = 0; i < due.length;) {
    const { topic, frames } = due[i];
    const { entryId, index } = frames.message;
    if (entryId === undefined || index === undefined) {
      units.push({ bytes: frames.for(deflate), messages: 1 });
      i++;
      continue;
    }
    const parts = [frames.for(deflate)];
    let bytes = parts[0].length;
    let end = i + 1;
    while (end < due.length && continues(due[end], topic, entryId, index + (end - i))) {
      const next = due[end].frames.for(deflate);
      if (bytes + next.length > maxUnitBytes) break;
      parts.push(next);
      bytes += next.length;
      end++;
    }
    parts.unshift(markerFrame(idsMarkerText(topic, entryId, index, end - i)));
    units.push({ bytes: Buffer.concat(parts), messages: end - i });
    i = end;
  }
  return units;
}

/** The frame telling a member that `topic` cannot be resumed from its last message. */
export function goneFrame(topic: string): Uint8Array {
  return markerFrame(goneMarkerText(topic));
}

function continues(next: DueMessage, topic: string, entryId: string, index: number): boolean {
  const message = next.frames.message;
  return next.topic === topic && message.entryId === entryId && message.index === index;
}

function markerFrame(text: string): Uint8Array {
  return new TopicFrames({ kind: 'text', data: Buffer.from(text, 'utf8') }).plain();
}
