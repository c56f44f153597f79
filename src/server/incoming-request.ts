// Server layer: the one place serve()'s own head reading meets node:http's internals. node:http
// builds `headers` and `headersDistinct` from rawHeaders lazily, with its rules for repeated
// fields, but only through `IncomingMessage.prototype._addHeaderLines` (undocumented; it sets the
// header count those getters read). Using it keeps the request identical to node:http's own;
// test/server/incoming-request.test.ts fails loudly if a Node release changes it.

import { IncomingMessage } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestHead } from '../http/request-head.js';

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
