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
  /** A Connection started (server and client): `ConnectionOpenDiagnostic`. */
  connectionOpen: 'wsflow:connection:open',
  /** A Connection ended, its transport gone: `ConnectionCloseDiagnostic`. */
  connectionClose: 'wsflow:connection:close',
  /** An opening handshake succeeded: `HandshakeAcceptedDiagnostic`. */
  handshakeAccepted: 'wsflow:handshake:accepted',
  /** An opening handshake failed or was refused: {@link HandshakeRejectedDiagnostic}. */
  handshakeRejected: 'wsflow:handshake:rejected',
  /** A failure: application code, the peer's protocol error, the transport: `ErrorDiagnostic`. */
  error: 'wsflow:error',
  /** A data message received or sent: `MessageDiagnostic`. */
  message: 'wsflow:message',
  /** A send waits for the transport to drain: `BackpressureDiagnostic`. */
  backpressure: 'wsflow:backpressure',
  /** A Pong answered the latest Ping: its round-trip time, `PingRoundTripDiagnostic`. */
  pingRoundTrip: 'wsflow:ping:rtt',
});

export const connectionOpenChannel = channel(DiagnosticChannels.connectionOpen);
export const connectionCloseChannel = channel(DiagnosticChannels.connectionClose);
export const handshakeAcceptedChannel = channel(DiagnosticChannels.handshakeAccepted);
export const handshakeRejectedChannel = channel(DiagnosticChannels.handshakeRejected);
export const errorChannel = channel(DiagnosticChannels.error);
export const messageChannel = channel(DiagnosticChannels.message);
export const backpressureChannel = channel(DiagnosticChannels.backpressure);
export const pingRoundTripChannel = channel(DiagnosticChannels.pingRoundTrip);

// The payloads as published. This layer cannot name `Connection` (connection.ts imports this
// module), so a payload takes its type as `C`; diagnostics.ts has the public, documented
// interfaces with `Connection`, and test/types/diagnostics.test.ts checks that they agree.

/** `wsflow:connection:open` (`ConnectionOpenDiagnostic`). */
export interface ConnectionOpenPayload<C = object> {
  readonly connection: C;
  readonly side: Side;
}

/** `wsflow:connection:close` (`ConnectionCloseDiagnostic`). */
export interface ConnectionClosePayload<C = object> {
  readonly connection: C;
  readonly side: Side;
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  readonly cause: CloseCause;
  readonly durationMs: number | undefined;
}

/** `wsflow:handshake:accepted` (`HandshakeAcceptedDiagnostic`). */
export interface HandshakeAcceptedPayload<C = object> {
  readonly connection: C;
  readonly side: Side;
  readonly status: 101 | 200;
  readonly path: string;
  readonly subprotocol: string | undefined;
  readonly request?: IncomingMessage;
  readonly url?: URL;
}

/** `wsflow:error` (`ErrorDiagnostic`). */
export interface ErrorPayload<C = object> {
  readonly connection: C | undefined;
  readonly side: Side;
  readonly source: ErrorSource;
  readonly error: unknown;
}

/** `wsflow:message` (`MessageDiagnostic`). */
export interface MessagePayload<C = object> {
  readonly connection: C;
  readonly side: Side;
  readonly direction: 'in' | 'out';
  readonly kind: 'text' | 'binary';
  readonly bytes: number;
  readonly compressed: boolean;
}

/** `wsflow:backpressure` (`BackpressureDiagnostic`). */
export interface BackpressurePayload<C = object> {
  readonly connection: C;
  readonly side: Side;
  readonly bufferedBytes: number;
  readonly highWaterMark: number;
}

/** `wsflow:ping:rtt` (`PingRoundTripDiagnostic`). */
export interface PingRoundTripPayload<C = object> {
  readonly connection: C;
  readonly side: Side;
  readonly rttMs: number;
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
 * - `internal`: the 101 or the refusal could not be built (500, e.g. a bad header);
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

/**
 * The payload of `wsflow:handshake:rejected`: an opening handshake failed (client) or was
 * refused (server).
 *
 * @example
 * ```ts
 * subscribe(DiagnosticChannels.handshakeRejected, (message) => {
 *   const { side, status, reason, path } = message as HandshakeRejectedDiagnostic;
 *   console.log(`${side} handshake for ${path} failed: ${status ?? '-'} ${reason}`);
 * });
 * ```
 */
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
  /** The server's request, when one was read. */
  readonly request?: IncomingMessage;
  /** The URL asked for (client side). */
  readonly url?: URL;
}

/**
 * Where an error of `wsflow:error` came from: application code (`handler`), the protocol (the
 * peer's breach of RFC 6455, a limit exceeded, data a transformer refused), the transport.
 */
export type ErrorSource = 'handler' | 'protocol' | 'transport';

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
