// Client layer: the opening handshakes a client runs, told to the diagnostics channels
// `wsflow:handshake:accepted` and `wsflow:handshake:rejected` while someone listens.

import type { Connection } from '../connection/connection.js';
import { handshakeAcceptedChannel, handshakeRejectedChannel } from '../connection/channels.js';
import type { HandshakeAcceptedDiagnostic } from '../connection/diagnostics.js';
import type { HandshakeRejectedDiagnostic } from '../connection/channels.js';
import { WebSocketError } from '../errors.js';
import type { ResolvedRequest } from './request.js';
import type { InvalidUpgradeResponse, ValidUpgrade } from './response.js';

/**
 * Tells `wsflow:handshake:accepted` of a client connection, once it started.
 *
 * @param connection - the connection the 101 started.
 * @param request - the request.
 * @param response - the server's valid answer.
 * @example
 * publishClientAccepted(connection, request, response);
 */
export function publishClientAccepted(
  connection: Connection,
  request: ResolvedRequest,
  response: ValidUpgrade,
): void {
  if (!handshakeAcceptedChannel.hasSubscribers) return;
  const message: HandshakeAcceptedDiagnostic = {
    connection,
    side: 'client',
    status: response.status,
    path: request.url.pathname,
    subprotocol: response.chosenSubprotocol,
    url: request.url,
  };
  handshakeAcceptedChannel.publish(message);
}

/**
 * Tells `wsflow:handshake:rejected` of a failed client handshake: an answer that was not a valid
 * upgrade, or an error before one (the network, the timeout).
 *
 * @param request - the request.
 * @param failure - the invalid answer, or the error.
 * @example
 * publishClientRejected(request, { error });
 */
export function publishClientRejected(
  request: ResolvedRequest,
  failure: { response: InvalidUpgradeResponse } | { error: unknown },
): void {
  if (!handshakeRejectedChannel.hasSubscribers) return;
  const error = 'response' in failure ? failure.response.cause : failure.error;
  const status =
    'response' in failure ? failure.response.status : (error as { status?: number }).status;
  const message: HandshakeRejectedDiagnostic = {
    side: 'client',
    status,
    reason: error instanceof WebSocketError ? error.code : 'internal',
    path: request.url.pathname,
    error,
    url: request.url,
  };
  handshakeRejectedChannel.publish(message);
}
