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
// Plain TypeScript without Node's or the DOM's types, so that the hub and the pages share it.

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
