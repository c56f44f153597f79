// Server layer: answering an 'upgrade' socket with a plain HTTP response instead of a 101, then
// closing it. The response text comes from protocol/server-handshake; this module does the I/O.

import type { Duplex } from 'node:stream';
import { buildRejectionResponse } from '../protocol/server-handshake.js';

/** What a plain HTTP answer to an upgrade request carries. */
export interface RejectionInit {
  /** Extra response headers, e.g. `{ 'WWW-Authenticate': 'Bearer' }`. */
  headers?: Readonly<Record<string, string | readonly string[]>>;
  /** The text body; '' when omitted. */
  body?: string;
}

/**
 * Answers the raw socket of Node's 'upgrade' event with a plain HTTP response and closes it,
 * for requests that are not to become WebSocket connections (not a WebSocket request at all, a
 * malformed one, a refused one). A socket that is already gone is only destroyed.
 *
 * @param socket - The socket the 'upgrade' event handed over, not yet answered.
 * @param status - The HTTP status, 200 to 599 (400, 403, 404, 426, 500, ...).
 * @param init - Extra headers and a text body.
 * @throws {RangeError} When the status is not an integer from 200 to 599.
 * @throws {TypeError} When a header is invalid or is one the response sets itself.
 * @example
 * server.on('upgrade', (req, socket) => {
 *   if (req.headers.authorization === undefined) rejectUpgrade(socket, 401, { body: 'Log in\n' });
 * });
 */
export function rejectUpgrade(socket: Duplex, status: number, init: RejectionInit = {}): void {
  const response = buildRejectionResponse({ status, headers: init.headers, body: init.body });
  guardSocket(socket);
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  // Destroy once the response is flushed: the client may never close its end (ws abortHandshake).
  socket.once('finish', () => socket.destroy());
  socket.end(response, 'utf8');
}

/** Socket errors while nobody else listens (a reset during the handshake) must not crash. */
export function guardSocket(socket: Duplex): void {
  if (!socket.listeners('error').includes(socketOnError)) socket.on('error', socketOnError);
}

/**
 * Removes the guard once the socket has its owner's error listener (a Connection adds its own on
 * the next tick): one listener less on every open connection.
 */
export function unguardSocket(socket: Duplex): void {
  socket.off('error', socketOnError);
}

/** Drops a handshake-time socket error: the socket is destroyed by it, there is nothing to do. */
function socketOnError(this: Duplex): void {
  this.destroy();
}
