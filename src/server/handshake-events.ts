// Server layer: the opening handshakes a server accepts and refuses, told to the diagnostics
// channels `wsflow:handshake:accepted` and `wsflow:handshake:rejected` while someone listens.

import type { IncomingMessage } from 'node:http';
import type { Connection } from '../connection/connection.js';
import { HandshakeError } from '../errors.js';
import {
  errorChannel,
  handshakeAcceptedChannel,
  handshakeRejectedChannel,
  pathOfTarget,
} from '../connection/channels.js';
import type { HandshakeAcceptedDiagnostic } from '../connection/diagnostics.js';
import type { HandshakeRejectReason, HandshakeRejectedDiagnostic } from '../connection/channels.js';

/**
 * Tells `wsflow:handshake:accepted` of a server connection, once it started.
 *
 * @param connection - the connection the 101 started.
 * @param request - the upgrade request.
 * @param status - 101, or 200 for a stream of HTTP/2.
 * @param subprotocol - the subprotocol agreed, if any.
 * @example
 * publishAccepted(connection, request, 101, 'chat');
 */
export function publishAccepted(
  connection: Connection,
  request: IncomingMessage,
  status: 101 | 200,
  subprotocol: string | undefined,
): void {
  if (!handshakeAcceptedChannel.hasSubscribers) return;
  const message: HandshakeAcceptedDiagnostic = {
    connection,
    side: 'server',
    status,
    path: pathOfTarget(request.url),
    subprotocol,
    request,
  };
  handshakeAcceptedChannel.publish(message);
}

/**
 * Tells `wsflow:handshake:rejected` of an upgrade request the server answered with plain HTTP.
 *
 * @param status - the HTTP status answered.
 * @param reason - why.
 * @param request - the request, when one was read.
 * @param error - the error behind it, if any.
 * @example
 * publishRejected(404, 'not-found', request);
 */
export function publishRejected(
  status: number,
  reason: HandshakeRejectReason,
  request?: IncomingMessage,
  error?: unknown,
): void {
  if (!handshakeRejectedChannel.hasSubscribers) return;
  const path = request === undefined ? undefined : pathOfTarget(request.url);
  const message: {
    -readonly [K in keyof HandshakeRejectedDiagnostic]: HandshakeRejectedDiagnostic[K];
  } = { side: 'server', status, reason, path };
  if (request !== undefined) message.request = request;
  if (error !== undefined) message.error = error;
  handshakeRejectedChannel.publish(message);
}

/**
 * Tells `wsflow:handshake:rejected` of a request `WebSocketUpgrade.from` refused, answered as
 * `rejectUpgrade(socket, error)` answers it: its HandshakeError's status, or 500.
 *
 * @param request - the request.
 * @param error - what `WebSocketUpgrade.from` threw.
 * @example
 * publishInvalidRequest(request, error);
 */
export function publishInvalidRequest(request: IncomingMessage, error: unknown): void {
  if (!handshakeRejectedChannel.hasSubscribers) return;
  if (error instanceof HandshakeError && error.status !== undefined) {
    publishRejected(error.status, 'invalid-request', request, error);
  } else publishRejected(500, 'internal', request, error);
}

/**
 * Tells `wsflow:error` of a handler that failed before accepting its upgrade (no connection).
 *
 * @param error - what the handler threw.
 * @example
 * publishUnacceptedError(error);
 */
export function publishUnacceptedError(error: unknown): void {
  if (!errorChannel.hasSubscribers) return;
  errorChannel.publish({ connection: undefined, side: 'server', source: 'handler', error });
}
