// Server layer: the header fields the opening handshake reads, taken from a request's raw lines.
// node:http builds `request.headers` for every field on first use; the handshake needs seven, so
// it reads them from `rawHeaders` and leaves `headers` unbuilt unless the application asks.

import type { IncomingMessage } from 'node:http';
import type { HeaderRecord } from '../protocol/header-tokens.js';

/** The fields validation reads (lower case), by length: one comparison rules out most others. */
const FIELDS_BY_LENGTH: ReadonlyMap<number, string> = new Map([
  [4, 'host'],
  [7, 'upgrade'],
  [10, 'connection'],
  [17, 'sec-websocket-key'],
  [21, 'sec-websocket-version'],
  [22, 'sec-websocket-protocol'],
  [24, 'sec-websocket-extensions'],
]);

/**
 * The handshake's header fields of a request, combined as node:http combines them in
 * `request.headers`: a repeated Host keeps its first value, any other repeated field is joined
 * with ", ". A request without raw lines (one made by hand) gives its `headers`.
 *
 * @param request - The upgrade request.
 * @returns Lower-case names to values, for `validateClientRequest`.
 * @example
 * validateClientRequest({ method, httpVersion, headers: handshakeFields(request) });
 */
export function handshakeFields(request: IncomingMessage): HeaderRecord {
  const raw = request.rawHeaders as readonly string[] | undefined;
  if (!Array.isArray(raw) || raw.length === 0) return request.headers;
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    const wanted = FIELDS_BY_LENGTH.get(name.length);
    if (wanted === undefined || name.toLowerCase() !== wanted) continue;
    const previous = fields[wanted];
    if (previous === undefined) fields[wanted] = raw[i + 1];
    else if (wanted !== 'host') fields[wanted] = `${previous}, ${raw[i + 1]}`;
  }
  return fields;
}
