// Browser client: the client's side of resumable sessions. It reads the markers the server puts
// before each run of a topic's messages, numbers the messages that follow (so it knows the last
// message ID of each topic), and names them on the URL of the next connection.

import { RESUME_PARAM, encodeResumeParam, markerOf } from '../resume-wire.js';
import type { ResumeMarker } from '../resume-wire.js';

/** What a received message was to the tracker. */
export type TrackedMessage =
  | { readonly kind: 'marker'; readonly marker: ResumeMarker }
  /** An application's message, with its topic and ID when a marker numbered it. */
  | { readonly kind: 'message'; readonly topic?: string; readonly id?: string };

/**
 * Tracks the last message ID of each topic from the markers of a `wsflow.resume.v1` connection.
 * Feed it every message received, in order; hand the application only the `message` ones.
 *
 * @example
 * ```ts
 * const tracker = new ResumeTracker();
 * socket.onmessage = ({ data }) => {
 *   if (tracker.take(data).kind === 'message') show(data);
 * };
 * // on the next connection:
 * new WebSocket(tracker.resumeUrl(url), RESUME_SUBPROTOCOL);
 * ```
 */
export class ResumeTracker {
  readonly #lastIds = new Map<string, string>();
  /** The run the next messages belong to. */
  #topic = '';
  #entry = '';
  #next = 0;
  #left = 0;

  /**
   * Takes one received message (a string for text; anything else is binary).
   *
   * @returns `marker` for a marker (not the application's), else `message` with its ID if any.
   */
  take(data: unknown): TrackedMessage {
    if (typeof data === 'string') {
      const marker = markerOf(data);
      if (marker !== undefined) {
        if (marker.resume === 'ids') {
          this.#topic = marker.topic;
          this.#entry = marker.entry;
          this.#next = marker.from;
          this.#left = marker.count;
        }
        return { kind: 'marker', marker };
      }
    }
    if (this.#left === 0) return { kind: 'message' };
    const id = `${this.#entry}.${this.#next}`;
    this.#next++;
    this.#left--;
    this.#lastIds.set(this.#topic, id);
    return { kind: 'message', topic: this.#topic, id };
  }

  /** A connection ended: a run it had begun is over. */
  reset(): void {
    this.#left = 0;
  }

  /** The last message ID of each topic, as received. */
  get lastIds(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.#lastIds);
  }

  /**
   * `url` with the {@link RESUME_PARAM} parameter naming the last message of each topic (any
   * earlier value replaced), or `url` as it is before any message was numbered.
   */
  resumeUrl(url: string): string {
    const parsed = new URL(url);
    parsed.searchParams.delete(RESUME_PARAM);
    if (this.#lastIds.size > 0) {
      parsed.searchParams.set(RESUME_PARAM, encodeResumeParam(this.lastIds));
    }
    return parsed.href;
  }
}
