// Server layer: answering an 'upgrade' socket with a plain HTTP response instead of a 101, then
// closing it. The response text comes from protocol/server-handshake; this module does the I/O.

import type { Duplex } from 'node:stream';
import { guardTransport } from '../connection/transport-guard.js';
import { HandshakeError } from '../errors.js';
import { buildHttp2Rejection } from '../protocol/extended-connect.js';
import { buildRejectionResponse } from '../protocol/server-handshake.js';
import { endStreamWithAnswer, isServerHttp2Stream } from './http2-stream.js';

/** What a plain HTTP answer to an upgrade request carries. */
export interface RejectionInit {
  /** Extra response headers, e.g. `{ 'WWW-Authenticate': 'Bearer' }`. */
  headers?: Readonly<Record<string, string | readonly string[]>>;
  /** The text body; '' when omitted. */
  body?: string;
}

/**
 * Answers the raw socket of Node's 'upgrade' event with a plain HTTP response and closes it (or,
 * for an HTTP/2 stream, answers the stream and closes it, not the session),
 * for requests that are not to become WebSocket connections (not a WebSocket request at all, a
 * malformed one, a refused one). Give it a status, or the error `WebSocketUpgrade.from`
 * threw: a {@link HandshakeError} is answered with the response it carries (400, 405 or 426 and
 * its headers), any other error with 500. A socket that is already gone is only destroyed.
 * (Inside a handler holding a `WebSocketUpgrade`, use its `reject` instead.)
 *
 * @param socket - The socket the 'upgrade' event handed over, not yet answered.
 * @param status - The HTTP status, 200 to 599 (400, 403, 404, 426, 500, ...).
 * @param init - Extra headers and a text body.
 * @throws {RangeError} When the status is not an integer from 200 to 599.
 * @throws {TypeError} When a header is invalid or is one the response sets itself.
 * @example
 * server.on('upgrade', (req, socket, head) => {
 *   if (req.headers.authorization === undefined) return rejectUpgrade(socket, 401, { body: 'Log in\n' });
 *   try { upgrade = WebSocketUpgrade.from(req, socket, head); }
 *   catch (error) { return rejectUpgrade(socket, error); } // 400, 405 or 426
 * });
 */
export function rejectUpgrade(socket: Duplex, status: number, init?: RejectionInit): void;
/**
 * Answers the raw socket of Node's 'upgrade' event with the response the error that
 * `WebSocketUpgrade.from` threw carries (400, 405 or 426), or 500 for any other error.
 *
 * @param socket - The socket the 'upgrade' event handed over, not yet answered.
 * @param error - What `WebSocketUpgrade.from` threw.
 * @example
 * try { upgrade = WebSocketUpgrade.from(req, socket, head); }
 * catch (error) { return rejectUpgrade(socket, error); }
 */
export function rejectUpgrade(socket: Duplex, error: unknown): void;
export function rejectUpgrade(
  socket: Duplex,
  statusOrError: unknown,
  init: RejectionInit = {},
): void {
  if (typeof statusOrError === 'number') answer(socket, statusOrError, init);
  else if (statusOrError instanceof HandshakeError && statusOrError.status !== undefined) {
    answer(socket, statusOrError.status, {
      headers: definedHeaders(statusOrError.headers),
      body: statusOrError.body,
    });
  } else answer(socket, 500, { body: 'Internal Server Error\n' });
}

function answer(socket: Duplex, status: number, init: RejectionInit): void {
  if (isServerHttp2Stream(socket)) {
    // An HTTP/2 stream: a response on the stream, the session stays.
    const { headers, body } = buildHttp2Rejection({ status, ...init });
    guardTransport(socket);
    return endStreamWithAnswer(socket, headers, body);
  }
  const response = buildRejectionResponse({ status, headers: init.headers, body: init.body });
  guardTransport(socket);
  endWithAnswer(socket, Buffer.from(response, 'utf8'));
}

/**
 * Writes a final HTTP answer and closes the socket once it is flushed; a socket already gone is
 * only destroyed.
 *
 * @param socket - A socket no one else writes to.
 * @param answer - The whole response, head and body.
 * @example
 * endWithAnswer(socket, Buffer.from('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'));
 */
export function endWithAnswer(socket: Duplex, answer: Uint8Array): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  // Destroy once the response is flushed: the client may never close its end (ws abortHandshake).
  socket.once('finish', () => socket.destroy());
  socket.end(answer);
}

function definedHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string | readonly string[]> {
  const defined: Record<string, string | readonly string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) defined[name] = value;
  }
  return defined;
}
