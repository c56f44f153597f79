// Test helpers for the opening handshake: RFC 6455's sample key, valid requests and responses
// as node:http would deliver them, header edits, and a reader for raw HTTP responses.

import type { UpgradeRequest } from '../../src/protocol/server-handshake.js';

/** The sample key of RFC 6455 section 1.3 and its accept value. */
export const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
export const RFC_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

/** Header edits: a value replaces, `undefined` removes. */
export type HeaderEdits = Record<string, string | string[] | undefined>;

type Headers = Record<string, string | string[]>;

/** Applies edits to a copy of `headers`. */
export function editHeaders(headers: Headers, edits: HeaderEdits): Headers {
  const result: Headers = { ...headers };
  for (const [name, value] of Object.entries(edits)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}

/** A valid handshake request (lower-case header names, as node:http gives), with edits. */
export function request(
  edits: HeaderEdits = {},
  line: Partial<UpgradeRequest> = {},
): UpgradeRequest {
  const headers = editHeaders(
    {
      host: 'server.example.com',
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': RFC_KEY,
      'sec-websocket-version': '13',
    },
    edits,
  );
  return { method: 'GET', httpVersion: '1.1', headers, ...line };
}

/** A valid 101 response to {@link RFC_KEY}, with edits. */
export function response(edits: HeaderEdits = {}, status = 101) {
  const headers = editHeaders(
    { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-accept': RFC_ACCEPT },
    edits,
  );
  return { status, headers };
}

/** A raw HTTP response split into its parts; repeated headers become lists. */
export interface RawResponse {
  statusLine: string;
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** Splits a raw HTTP/1.1 response (as written on the socket) into status, headers and body. */
export function readRawResponse(raw: string): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) throw new Error('no end of head');
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string | string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`bad header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    const previous = headers[name];
    if (previous === undefined) headers[name] = value;
    else headers[name] = [...(typeof previous === 'string' ? [previous] : previous), value];
  }
  const status = Number(statusLine.split(' ')[1]);
  return { statusLine, status, headers, body: raw.slice(end + 4) };
}
