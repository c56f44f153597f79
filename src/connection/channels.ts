// Connection layer: the node:diagnostics_channel channels wsflow publishes on (docs/operations.md,
// "Metrics and tracing"). Every publish site checks `hasSubscribers` first and builds its payload
// only then: with nobody subscribed, a channel costs one boolean read where its event happens.

import { channel } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { CloseCause, Side } from '../protocol/events.js';

/**
 * The names of wsflow's `node:diagnostics_channel` channels, for `subscribe(name, listener)`.
 * Each payload is documented in docs/operations.md and typed by the `...Diagnostic` interfaces.
 *
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * import { DiagnosticChannels } from 'wsflow';
 * import type { ConnectionCloseDiagnostic } from 'wsflow';
 *
 * subscribe(DiagnosticChannels.connectionClose, (message) => {
 *   const { code, cause, durationMs } = message as ConnectionCloseDiagnostic;
 *   console.log(`closed ${code} (${cause.kind}) after ${durationMs} ms`);
 * });
 * ```
 */
export const DiagnosticChannels = Object.freeze({
  /** A Connection started (server and client): {@link ConnectionOpenDiagnostic}. */
  connectionOpen: 'wsflow:connection:open',
  /** A Connection ended, its transport gone: {@link ConnectionCloseDiagnostic}. */
  connectionClose: 'wsflow:connection:close',
  /** An opening handshake succeeded: {@link HandshakeAcceptedDiagnostic}. */
  handshakeAccepted: 'wsflow:handshake:accepted',
  /** An opening handshake failed or was refused: {@link HandshakeRejectedDiagnostic}. */
  handshakeRejected: 'wsflow:handshake:rejected',
  /** A failure: application code, the peer's protocol error, the transport: {@link ErrorDiagnostic}. */
  error: 'wsflow:error',
  /** A data message received or sent: {@link MessageDiagnostic}. */
  message: 'wsflow:message',
  /** A send waits for the transport to drain: {@link BackpressureDiagnostic}. */
  backpressure: 'wsflow:backpressure',
});

export const connectionOpenChannel = channel(DiagnosticChannels.connectionOpen);
export const connectionCloseChannel = channel(DiagnosticChannels.connectionClose);
export const handshakeAcceptedChannel = channel(DiagnosticChannels.handshakeAccepted);
export const handshakeRejectedChannel = channel(DiagnosticChannels.handshakeRejected);
export const errorChannel = channel(DiagnosticChannels.error);
export const messageChannel = channel(DiagnosticChannels.message);
export const backpressureChannel = channel(DiagnosticChannels.backpressure);

/**
 * `wsflow:connection:open`: a Connection started, after its opening handshake (or made directly
 * on a transport). `C` is the public `Connection`.
 */
export interface ConnectionOpenDiagnostic<C = object> {
  readonly connection: C;
  readonly side: Side;
}

/**
 * `wsflow:connection:close`: a Connection ended, once its transport is gone; published before
 * `closed` settles and before `onClosed` listeners run.
 */
export interface ConnectionCloseDiagnostic<C = object> {
  readonly connection: C;
  readonly side: Side;
  /** The close code: the peer's, 1005 (an empty Close) or 1006 (no Close at all). */
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  /** The close cause: the same object the connection's close outcome carries. */
  readonly cause: CloseCause;
  /**
   * From the start of the connection to its end, in milliseconds on its clock; undefined for a
   * connection that started while nobody listened to this channel (its start was not timed).
   */
  readonly durationMs: number | undefined;
}

/**
 * `wsflow:handshake:accepted`: an opening handshake succeeded; published after the
 * connection's `wsflow:connection:open`, before its flow runs.
 */
export interface HandshakeAcceptedDiagnostic<C = object> {
  readonly connection: C;
  readonly side: Side;
  /** 101; 200 for a WebSocket over an HTTP/2 stream (RFC 8441). */
  readonly status: 101 | 200;
  /** The request's path, without its query string. */
  readonly path: string;
  /** The subprotocol agreed, if any. */
  readonly subprotocol: string | undefined;
  /** The server's request (server side). */
  readonly request?: IncomingMessage;
  /** The URL asked for (client side). */
  readonly url?: URL;
}

/**
 * Why a server refused an upgrade request, as `reason` of {@link HandshakeRejectedDiagnostic}
 * (a client's `reason` is the `HandshakeError`'s code):
 * - `invalid-request`: malformed (400, 405, 426); `error` is the HandshakeError;
 * - `not-websocket`: no `Upgrade: websocket` (400);
 * - `not-found`: no attachment or route claims its path (404);
 * - `rejected`: the application's `upgrade.reject(status)`;
 * - `handler-error`: the handler threw before accepting (500); `error` is what it threw;
 * - `unanswered`: the handler returned without answering (500);
 * - `subprotocol-not-offered`: accepted with a subprotocol the client did not offer (500);
 * - `internal`: the 101 could not be built (500, e.g. a bad header);
 * - `handshake-timeout`: not answered within `handshakeTimeoutMs` (503), or the head not read
 *   within it (408);
 * - `client-gone`: the client left while an async handler decided;
 * - `shutting-down`: the server is closing (503);
 * - `connection-limit`: `maxConnections` open already (503);
 * - `header-limit`: a head over `maxHeaderCount` fields or `maxHeaderBytes` (431);
 * - `bad-request`: a head `serve()` could not read as HTTP (400).
 */
export type HandshakeRejectReason =
  | 'invalid-request'
  | 'not-websocket'
  | 'not-found'
  | 'rejected'
  | 'handler-error'
  | 'unanswered'
  | 'subprotocol-not-offered'
  | 'internal'
  | 'handshake-timeout'
  | 'client-gone'
  | 'shutting-down'
  | 'connection-limit'
  | 'header-limit'
  | 'bad-request';

/** `wsflow:handshake:rejected`: an opening handshake failed (client) or was refused (server). */
export interface HandshakeRejectedDiagnostic {
  readonly side: Side;
  /** The HTTP status answered; undefined when there was none (a client's network error, timeout). */
  readonly status: number | undefined;
  /** Server: a {@link HandshakeRejectReason}. Client: the HandshakeError's code. */
  readonly reason: HandshakeRejectReason | string;
  /** The request's path without its query string; undefined when the head was not read. */
  readonly path: string | undefined;
  /** The error behind it, when there is one (a HandshakeError, a handler's). */
  readonly error?: unknown;
  /** The server's request, when node:http read one. */
  readonly request?: IncomingMessage;
  /** The URL asked for (client side). */
  readonly url?: URL;
}

/** Where an {@link ErrorDiagnostic}'s error came from. */
export type ErrorSource = 'handler' | 'protocol' | 'transport';

/**
 * `wsflow:error`: a failure: of application code (`handler`: a flow, a listener, an upgrade
 * handler before accepting, when `connection` is undefined), of the peer (`protocol`: a breach
 * of RFC 6455, a limit exceeded, data the handler refused with 1003 or 1007), or of the
 * transport (`transport`: ECONNRESET, ...). Once per connection and source at most; the close
 * that follows carries the same error in its cause.
 */
export interface ErrorDiagnostic<C = object> {
  readonly connection: C | undefined;
  readonly side: Side;
  readonly source: ErrorSource;
  readonly error: unknown;
}

/**
 * `wsflow:message`: a data message received (`in`, once whole) or sent (`out`, once handed to
 * the transport). Published only while someone listens: the channel costs one boolean read per
 * message otherwise. A message that began before the first subscriber is not counted.
 */
export interface MessageDiagnostic<C = object> {
  readonly connection: C;
  readonly side: Side;
  readonly direction: 'in' | 'out';
  readonly kind: 'text' | 'binary';
  /** Payload bytes on the wire (compressed when permessage-deflate compressed it), no headers. */
  readonly bytes: number;
  /** Whether permessage-deflate compressed it. */
  readonly compressed: boolean;
}

/**
 * `wsflow:backpressure`: the transport's send buffer is over its high-water mark and a sender
 * waits for it to drain (a flow's output, `send()`, a hub's queued messages): a slow reader.
 * Once per wait, not per send.
 */
export interface BackpressureDiagnostic<C = object> {
  readonly connection: C;
  readonly side: Side;
  /** The bytes buffered in the transport. */
  readonly bufferedBytes: number;
  /** The transport's high-water mark. */
  readonly highWaterMark: number;
}

/**
 * The path of a request target, without its query string (which may carry credentials).
 *
 * @param target - a request target or URL path, e.g. `/chat?token=1`.
 * @returns the path, e.g. `/chat`.
 * @example
 * pathOfTarget('/chat?token=1'); // '/chat'
 */
export function pathOfTarget(target: string | undefined): string {
  if (target === undefined || target === '') return '/';
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}
