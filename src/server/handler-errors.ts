// Server layer: where the errors of application code on a server go — a handler that throws
// before answering an upgrade, or a flow that fails on a running connection (closed with 1011).

import type { Connection } from '../connection/connection.js';

/**
 * What an error report says of the upgrade request: its request line. An `IncomingMessage`
 * fits; an open connection keeps only these two strings for its report, not the whole request,
 * so that it holds no more memory for the sake of a report it may never make.
 */
export interface UpgradeRequestLine {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
}

/**
 * Told of each failure of application code on a server: `connection` is undefined when the
 * handler failed without accepting the upgrade (the client got a 500 unless it was answered), else the connection that
 * closed with 1011 (its close outcome carries the error as `cause`). Called once per failure,
 * never with errors of the peer or the network.
 */
export type ServerErrorHandler = (
  error: unknown,
  connection: Connection | undefined,
  request: UpgradeRequestLine,
) => void;

/**
 * The default {@link ServerErrorHandler}: one line on stderr, as python-websockets logs
 * "connection handler failed". Pass your own `onError` (even `() => {}`) to replace it.
 *
 * @param error - What the application code threw.
 * @param connection - The connection it ran on, if the upgrade was accepted.
 * @param request - The upgrade request.
 * @example
 * attachWebSocket(server, handler, { onError: (error, connection, request) => {
 *   logHandlerError(error, connection, request); // and count it
 *   metrics.handlerErrors += 1;
 * } });
 */
export function logHandlerError(
  error: unknown,
  connection: Connection | undefined,
  request: UpgradeRequestLine,
): void {
  const answer = connection === undefined ? 'before accepting' : 'closed with 1011';
  const line = `wsflow: WebSocket handler failed for ${request.method} ${request.url} (${answer}): ${describe(error)}`;
  process.stderr.write(line.replace(/[\r\n]+/g, ' ') + '\n');
}

/** `Name: message` for errors, the value as text otherwise. */
function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Calls a user's error handler without letting its own failure escape into the server.
 *
 * @param onError - The handler to call.
 * @param error - The failure to report.
 * @param connection - Its connection, when there is one.
 * @param request - The upgrade request.
 * @example
 * reportHandlerError(options.onError ?? logHandlerError, error, undefined, request);
 */
export function reportHandlerError(
  onError: ServerErrorHandler,
  error: unknown,
  connection: Connection | undefined,
  request: UpgradeRequestLine,
): void {
  try {
    onError(error, connection, request);
  } catch (failure) {
    logHandlerError(failure, connection, request);
  }
}
