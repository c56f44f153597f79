// Connection layer: the public face of the diagnostics channels (channels.ts): their names, and
// their payloads with the public Connection in them (docs/operations.md, "Metrics and tracing").

import type { CloseCause, Side } from '../protocol/events.js';
import type { IncomingMessage } from 'node:http';
import type { ErrorSource } from './channels.js';
import type { Connection } from './connection.js';

export { DiagnosticChannels } from './channels.js';
export type {
  ErrorSource,
  HandshakeRejectReason,
  HandshakeRejectedDiagnostic,
} from './channels.js';

/**
 * The payload of `wsflow:connection:open`: a Connection started, after its opening handshake
 * (or made directly on a transport).
 *
 * @example
 * ```ts
 * subscribe(DiagnosticChannels.connectionOpen, (message) => {
 *   const { connection, side } = message as ConnectionOpenDiagnostic;
 *   console.log(`${side} connection open, ${connection.state}`);
 * });
 * ```
 */
export interface ConnectionOpenDiagnostic {
  readonly connection: Connection;
  readonly side: Side;
}

/**
 * The payload of `wsflow:connection:close`: a Connection ended, once its transport is gone;
 * published before `closed` settles and before `onClosed` listeners run.
 *
 * @example
 * ```ts
 * subscribe(DiagnosticChannels.connectionClose, (message) => {
 *   const { code, cause, durationMs } = message as ConnectionCloseDiagnostic;
 *   console.log(`closed ${code} (${cause.kind}) after ${durationMs} ms`);
 * });
 * ```
 */
export interface ConnectionCloseDiagnostic {
  readonly connection: Connection;
  readonly side: Side;
  /** The close code: the peer's, 1005 (an empty Close) or 1006 (no Close at all). */
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  /** The close cause: the very object the connection's close outcome carries. */
  readonly cause: CloseCause;
  /**
   * From the start of the connection to its end, in milliseconds on its clock; undefined for a
   * connection that started while nobody listened to this channel (its start was not timed).
   */
  readonly durationMs: number | undefined;
}

/**
 * The payload of `wsflow:handshake:accepted`: an opening handshake succeeded; published after
 * the connection's `wsflow:connection:open`, before its flow runs.
 *
 * @example
 * ```ts
 * subscribe(DiagnosticChannels.handshakeAccepted, (message) => {
 *   const { side, path, subprotocol } = message as HandshakeAcceptedDiagnostic;
 *   console.log(`${side} upgraded ${path} (${subprotocol ?? 'no subprotocol'})`);
 * });
 * ```
 */
export interface HandshakeAcceptedDiagnostic {
  readonly connection: Connection;
  readonly side: Side;
  /** 101; 200 for a WebSocket over an HTTP/2 stream (RFC 8441). */
  readonly status: 101 | 200;
  /** The request's path, without its query string (which may carry credentials). */
  readonly path: string;
  /** The subprotocol agreed, if any. */
  readonly subprotocol: string | undefined;
  /** The server's request (server side). */
  readonly request?: IncomingMessage;
  /** The URL asked for (client side). */
  readonly url?: URL;
}

/**
 * The payload of `wsflow:error`: a failure of application code (`handler`: a flow, a listener,
 * or an upgrade handler before accepting, when `connection` is undefined; once per
 * connection), of the protocol (`protocol`: the peer's breach of RFC 6455, a limit exceeded,
 * data a transformer refused with 1003 or 1007), or of the transport (`transport`: ECONNRESET,
 * ...). The close that follows carries the same error in its cause. A `ConnectionClosed`
 * thrown on purpose is no error.
 *
 * @example
 * ```ts
 * subscribe(DiagnosticChannels.error, (message) => {
 *   const { source, error } = message as ErrorDiagnostic;
 *   if (source === 'handler') console.error(error);
 * });
 * ```
 */
export interface ErrorDiagnostic {
  readonly connection: Connection | undefined;
  readonly side: Side;
  readonly source: ErrorSource;
  readonly error: unknown;
}

/**
 * The payload of `wsflow:message`: a data message received (`in`, once whole) or sent (`out`,
 * once its last frame was handed to the transport). Published only while someone listens: the
 * channel costs one boolean read per message otherwise; a message that began before the first
 * subscriber is not counted.
 *
 * @example
 * ```ts
 * let bytesIn = 0;
 * subscribe(DiagnosticChannels.message, (message) => {
 *   const { direction, bytes } = message as MessageDiagnostic;
 *   if (direction === 'in') bytesIn += bytes;
 * });
 * ```
 */
export interface MessageDiagnostic {
  readonly connection: Connection;
  readonly side: Side;
  readonly direction: 'in' | 'out';
  readonly kind: 'text' | 'binary';
  /** Payload bytes on the wire (compressed when permessage-deflate compressed it), no headers. */
  readonly bytes: number;
  /** Whether permessage-deflate compressed it. */
  readonly compressed: boolean;
}

/**
 * The payload of `wsflow:backpressure`: the transport's send buffer is over its high-water mark
 * and a sender waits for it to drain (a flow's output, `send()`, a hub's queued messages): a
 * reader slower than the sender. Once per wait, not per send.
 *
 * @example
 * ```ts
 * subscribe(DiagnosticChannels.backpressure, (message) => {
 *   const { bufferedBytes } = message as BackpressureDiagnostic;
 *   console.warn(`a slow reader: ${bufferedBytes} bytes wait`);
 * });
 * ```
 */
export interface BackpressureDiagnostic {
  readonly connection: Connection;
  readonly side: Side;
  /** The bytes buffered in the transport. */
  readonly bufferedBytes: number;
  /** The transport's high-water mark. */
  readonly highWaterMark: number;
}

/**
 * The payload of `wsflow:ping:rtt`: a Pong answered the latest Ping (keep-alive's or `ping()`'s),
 * and its round-trip time is now the connection's `lastPingRttMs`.
 *
 * @example
 * ```ts
 * subscribe(DiagnosticChannels.pingRoundTrip, (message) => {
 *   const { rttMs } = message as PingRoundTripDiagnostic;
 *   console.log(`ping answered in ${rttMs} ms`);
 * });
 * ```
 */
export interface PingRoundTripDiagnostic {
  readonly connection: Connection;
  readonly side: Side;
  /** The round-trip time, in milliseconds on the connection's clock. */
  readonly rttMs: number;
}
