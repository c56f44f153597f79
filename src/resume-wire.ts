// Resumable sessions: the wire format, shared by the server (the hub) and the clients (the
// browser's). A client offers the subprotocol `wsflow.resume.v1`; before each run of a topic's
// messages the server sends a marker that numbers them, and a client that comes back names the
// last message it had of each topic in the URL:
//
//   {"resume":"ids","topic":"news","entry":"1733500000000-0","from":3,"count":2}
//     the next 2 messages are news' 1733500000000-0.3 and 1733500000000-0.4
//   {"resume":"gone","topic":"news"}
//     what news had after the client's last message is no longer kept: it resumes from now
//   ?wsflow-resume=<base64url of {"news":"1733500000000-0.4"}>
//     on the URL of the next connection: replay what followed these
//
// Plain TypeScript without Node's or the DOM's types, so that the hub and the pages share it;
// with the client's side, ResumeTracker, which any client (a page's, Node's) feeds its messages.

/** The subprotocol a client offers to resume (a plain client that does not gets plain frames). */
export const RESUME_SUBPROTOCOL = 'wsflow.resume.v1';

/** The query parameter that carries the last message ID of each topic on a reconnection. */
export const RESUME_PARAM = 'wsflow-resume';

/** A marker: the next `count` messages are `<entry>.<from>` to `<entry>.<from + count - 1>`. */
export interface IdsMarker {
  readonly resume: 'ids';
  readonly topic: string;
  readonly entry: string;
  readonly from: number;
  readonly count: number;
}

/** A marker: the topic cannot be resumed from the client's last message (past retention). */
export interface GoneMarker {
  readonly resume: 'gone';
  readonly topic: string;
}

/** Either marker. */
export type ResumeMarker = IdsMarker | GoneMarker;

/** A message's place in its topic: its entry's ID (`<ms>-<seq>`) and its index in the entry. */
export interface MessagePosition {
  readonly entry: string;
  readonly index: number;
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
export function entryIsAfter(a: string, b: string): boolean {
  const [aMs, aSeq] = a.split('-');
  const [bMs, bSeq] = b.split('-');
  if (aMs !== bMs) return aMs.length !== bMs.length ? aMs.length > bMs.length : aMs > bMs;
  return aSeq.length !== bSeq.length ? aSeq.length > bSeq.length : aSeq > bSeq;
}

/** Every marker starts with these bytes (JSON.stringify keeps the key order). */
const MARKER_PREFIX = '{"resume":';

/**
 * The marker a text message is, or undefined for an application's message.
 *
 * @example
 * markerOf('{"resume":"gone","topic":"news"}'); // { resume: 'gone', topic: 'news' }
 * markerOf('{"headline":"..."}'); // undefined
 */
export function markerOf(text: string): ResumeMarker | undefined {
  if (!text.startsWith(MARKER_PREFIX)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const marker = value as Partial<Omit<IdsMarker, 'resume'>> & { resume?: unknown };
  if (typeof marker.topic !== 'string') return undefined;
  if (marker.resume === 'gone') return { resume: 'gone', topic: marker.topic };
  if (
    marker.resume === 'ids' &&
    typeof marker.entry === 'string' &&
    Number.isSafeInteger(marker.from) &&
    Number.isSafeInteger(marker.count)
  ) {
    return marker as IdsMarker;
  }
  return undefined;
}

/** The text of an ids marker (what the hub frames once per run of an entry's messages). */
export function idsMarkerText(topic: string, entry: string, from: number, count: number): string {
  return JSON.stringify({ resume: 'ids', topic, entry, from, count });
}

/** The text of a gone marker. */
export function goneMarkerText(topic: string): string {
  return JSON.stringify({ resume: 'gone', topic });
}

/**
 * The value of the {@link RESUME_PARAM} query parameter: base64url of the JSON object
 * `{ topic: lastMessageId }`.
 *
 * @example
 * encodeResumeParam({ news: '1733500000000-0.4' }); // 'eyJuZXdzIjoiMTczMzUwMDAwMDAwMC0wLjQifQ'
 */
export function encodeResumeParam(lastIds: Readonly<Record<string, string>>): string {
  const bytes = new TextEncoder().encode(JSON.stringify(lastIds));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The last message IDs a {@link RESUME_PARAM} value names, or undefined when it is not one
 * (every value must be a string).
 */
export function decodeResumeParam(param: string): Record<string, string> | undefined {
  let value: unknown;
  try {
    const binary = atob(param.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const lastIds: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [topic, id] of Object.entries(value)) {
    if (typeof id !== 'string') return undefined;
    lastIds[topic] = id;
  }
  return lastIds;
}

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
    // Within a run every message is the application's, even one that looks like a marker.
    if (this.#left === 0 && typeof data === 'string') {
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
    const id = idOf({ entry: this.#entry, index: this.#next });
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
