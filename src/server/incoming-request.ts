// Server layer: the one place serve()'s own head reading meets node:http's internals. node:http
// builds `headers` and `headersDistinct` from rawHeaders lazily, with its rules for repeated
// fields, but only through `IncomingMessage.prototype._addHeaderLines` (undocumented; it sets the
// header count those getters read). Using it keeps the request identical to node:http's own;
// test/server/incoming-request.test.ts fails loudly if a Node release changes it.

import { IncomingMessage } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import type { RequestHead } from '../http/request-head.js';
import type { HeaderRecord } from '../protocol/header-tokens.js';

/**
 * The request as node:http would have emitted it with 'upgrade', built from a head read by
 * `http/request-head.ts`.
 *
 * @param head - The parsed request head.
 * @param socket - The request's socket.
 * @returns An `IncomingMessage` whose `headers` and `headersDistinct` node:http builds itself.
 * @example
 * onUpgrade(toIncomingMessage(head, socket), socket, rest);
 */
export function toIncomingMessage(head: RequestHead, socket: Socket): IncomingMessage {
  const request = new IncomingMessage(socket);
  request.method = head.method;
  request.url = head.target;
  request.httpVersionMajor = head.versionMajor;
  request.httpVersionMinor = head.versionMinor;
  request.httpVersion =
    head.versionMajor === 1 && head.versionMinor === 1
      ? '1.1'
      : `${head.versionMajor}.${head.versionMinor}`;
  (request as IncomingMessage & { upgrade: boolean }).upgrade = true;
  // node:http's own way in: `headers` and `headersDistinct` are then built from rawHeaders on
  // first use, with its rules for repeated fields.
  (request as unknown as AddHeaderLines)._addHeaderLines(head.rawHeaders, head.rawHeaders.length);
  return request;
}

/**
 * An HTTP/2 WebSocket request (an extended CONNECT stream) as the `IncomingMessage` that routes,
 * guards and handlers read: method CONNECT, `url` from `:path`, `httpVersion` '2.0', a Host
 * field from `:authority` and the other fields as sent (no pseudo-headers), `socket` the
 * session's (its address and TLS state; shared by the session's streams).
 *
 * @param stream - The stream.
 * @param headers - Its headers, pseudo-headers included.
 * @param rawHeaders - Its raw header lines, as the 'stream' event hands them over.
 * @returns The request, whose `headers` node:http builds itself.
 * @example
 * server.on('stream', (stream, headers, flags, raw) => handle(http2ToIncomingMessage(stream, headers, raw)));
 */
export function http2ToIncomingMessage(
  stream: ServerHttp2Stream,
  headers: HeaderRecord,
  rawHeaders: readonly string[],
): IncomingMessage {
  const request = new IncomingMessage(stream.session?.socket as Socket);
  request.method = 'CONNECT';
  request.url = String(headers[':path'] ?? '/');
  request.httpVersionMajor = 2;
  request.httpVersionMinor = 0;
  request.httpVersion = '2.0';
  (request as IncomingMessage & { upgrade: boolean }).upgrade = true;
  const lines = ['host', String(headers[':authority'] ?? '')];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].charCodeAt(0) !== 0x3a) lines.push(rawHeaders[i], rawHeaders[i + 1]); // ':'
  }
  (request as unknown as AddHeaderLines)._addHeaderLines(lines, lines.length);
  return request;
}

/**
 * The headers object node:http builds from raw header lines (its rules for repeated fields),
 * for a request object that is no longer kept.
 *
 * @param rawHeaders - The raw lines: `[name, value, name, value, ...]`.
 * @returns The headers, as `request.headers` would give them.
 * @example
 * headersFromLines(['Host', 'a', 'Accept', 'x', 'accept', 'y']); // { host: 'a', accept: 'x, y' }
 */
export function headersFromLines(rawHeaders: readonly string[]): IncomingHttpHeaders {
  const request = new IncomingMessage(null as unknown as Socket);
  (request as unknown as AddHeaderLines)._addHeaderLines(rawHeaders, rawHeaders.length);
  return request.headers;
}

interface AddHeaderLines {
  _addHeaderLines(rawHeaders: readonly string[], count: number): void;
}
