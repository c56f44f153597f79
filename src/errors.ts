// The error family of wsflow, and CloseOutcome, the one shape of how a connection ended. Every
// error carries a stable `code` string; those that end a connection carry the close code they
// cause (`closeCode`: `code` is the stable string).
//
// WebSocketError
// ├── ProtocolError          the peer broke RFC 6455 (closeCode 1002, 1007, 1009, ...), or sent a
// │                         message the handler's transformer cannot take (1003, 1007, 1009)
// ├── InvalidStateError      an operation the connection's state does not allow (send after close)
// ├── HandshakeError         the opening handshake failed: `status`, `headers` and `body` of the HTTP
// │                         response (status undefined when no response was involved);
// │                         codes WSFLOW_ERR_HANDSHAKE_<WHAT>, listed in HandshakeErrorCode
// ├── ConnectionClosed       the connection ended; carries its CloseOutcome as `outcome`
// ├── TimeoutError           an operation did not finish in time
// └── WebSocketBufferFull    a client socket's bounded incoming buffer overflowed (closeCode 1008)

import { ErrorCode } from './error-codes.js';

export { ErrorCode } from './error-codes.js';

/**
 * What ended a connection, as a stable string (docs/operations.md, "Close causes"):
 * - `local`: this side's application closed it (`close()`, a flow that completed, an actor's stop);
 * - `peer`: the peer's Close came first;
 * - `handler`: this side's application code failed (1011, or the code its error carries);
 * - `protocol`: the peer broke RFC 6455, or sent what the handler does not take (1002, 1003, 1007);
 * - `limit`: a limit was exceeded (a message too big, 1009; a full buffer, 1008 or 1013);
 * - `timeout`: a timer ran out (the idle timeout, 1001; the close timeout, after our Close);
 * - `keep-alive`: the peer did not answer a keep-alive Ping in time (1011);
 * - `shutdown`: the server shut down (1001), or ended the connections left at its deadline;
 * - `transport`: the transport ended or failed without a closing handshake (EOF, ECONNRESET);
 * - `budget`: a process-wide memory budget shed the connection (1013).
 */
export type CloseCauseKind =
  | 'local'
  | 'peer'
  | 'handler'
  | 'protocol'
  | 'limit'
  | 'timeout'
  | 'keep-alive'
  | 'shutdown'
  | 'transport'
  | 'budget';

/** Where the connection was when its close cause happened: open, or closing (a Close was sent). */
export type ClosePhase = 'open' | 'closing';

/** A Close frame as it went on the wire: its code (1005 for an empty one) and reason. */
export interface CloseFrameInfo {
  readonly code: number;
  readonly reason: string;
}

/**
 * Why a connection ended: made once per close, it reaches every API that reports the end
 * (`Connection.closed`, `onClosed`, the client's close event, an actor's `onStop`, the CLI's
 * `--json` close event). Never a bare 1006: `kind` says what happened.
 *
 * @example
 * ```ts
 * const { cause } = await connection.closed;
 * if (cause.kind === 'limit') console.log(`${cause.limit?.name} is ${cause.limit?.value}`);
 * ```
 */
export interface CloseCause {
  /** What ended it. */
  readonly kind: CloseCauseKind;
  /** Where the connection was when it happened. */
  readonly phase: ClosePhase;
  /** The Close this side sent, if it sent one. */
  readonly sent?: CloseFrameInfo;
  /** The Close the peer sent, if one arrived. */
  readonly received?: CloseFrameInfo;
  /**
   * The underlying error: the application's (`handler`), the ProtocolError with its stable `code`
   * (`protocol`, `limit`, `keep-alive`), the transport's with its `code` such as `ECONNRESET`.
   */
  readonly error?: unknown;
  /** The limit that was exceeded (`limit`): its option's name and value. */
  readonly limit?: { readonly name: string; readonly value: number };
  /** The timer that ran out (`timeout`, `keep-alive`): its option's name and duration. */
  readonly timer?: { readonly name: string; readonly ms: number };
}

/** How a connection ended, as a value (python-websockets' `close_exc`, Akka's close outcome). */
export interface CloseOutcome {
  /** The close code: the peer's, or 1005 (empty Close), or 1006 (no Close at all). */
  readonly code: number;
  /** The close reason, '' when none. */
  readonly reason: string;
  /** True when Close frames went both ways before the transport ended. */
  readonly wasClean: boolean;
  /** Which side sent the first Close frame, or 'none' when no Close was exchanged. */
  readonly closedBy: 'local' | 'remote' | 'none';
  /**
   * What ended the connection, and its details: the application's error when its code failed
   * (`kind: 'handler'`, `error`), a limit and its value, a timer, the transport's error.
   */
  readonly cause: CloseCause;
}

/** Base of every error wsflow throws or reports. */
export class WebSocketError extends Error {
  /** A stable identifier, `WSFLOW_ERR_<WHAT>`: one of {@link ErrorCode}, listed in docs/errors.md. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * The peer broke the protocol, or sent a message the handler's transformer cannot take; the
 * connection is failed with {@link ProtocolError.closeCode}.
 */
export class ProtocolError extends WebSocketError {
  /** The close code sent to the peer because of this error. */
  readonly closeCode: number;

  constructor(code: string, message: string, closeCode: number, options?: { cause?: unknown }) {
    super(code, message, options);
    this.closeCode = closeCode;
  }
}

/** An operation that the connection's current state does not allow, e.g. sending after Close. */
export class InvalidStateError extends WebSocketError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.InvalidState, message, options);
  }
}

/**
 * The stable codes of {@link HandshakeError}s and of server-side handshake rejections: the
 * `Handshake*` part of {@link ErrorCode}, under short names.
 */
export const HandshakeErrorCode = {
  /** A handshake header breaks its grammar (token list, extension list). */
  InvalidHeader: ErrorCode.HandshakeInvalidHeader,
  /** The request method is not GET (server answers 405). */
  Method: ErrorCode.HandshakeMethod,
  /** The request is older than HTTP/1.1. */
  HttpVersion: ErrorCode.HandshakeHttpVersion,
  /** The request has no Host header. */
  Host: ErrorCode.HandshakeHost,
  /** Upgrade is missing or does not list `websocket`. */
  Upgrade: ErrorCode.HandshakeUpgrade,
  /** Connection is missing or does not list `upgrade`. */
  Connection: ErrorCode.HandshakeConnection,
  /** Sec-WebSocket-Version is missing or not 13 (server answers 426). */
  Version: ErrorCode.HandshakeVersion,
  /** Sec-WebSocket-Key is missing, repeated, or not the base64 of 16 bytes. */
  Key: ErrorCode.HandshakeKey,
  /** The client offered the same subprotocol twice. */
  DuplicateSubprotocol: ErrorCode.HandshakeDuplicateSubprotocol,
  /** The server answered with a status other than 101. */
  Status: ErrorCode.HandshakeStatus,
  /** Sec-WebSocket-Accept is missing, repeated, or does not match the key. */
  Accept: ErrorCode.HandshakeAccept,
  /** The server chose a subprotocol the client did not offer. */
  SubprotocolNotOffered: ErrorCode.HandshakeSubprotocolNotOffered,
  /** The server chose more than one subprotocol. */
  MultipleSubprotocols: ErrorCode.HandshakeMultipleSubprotocols,
  /** The server accepted an extension the client did not offer. */
  ExtensionNotOffered: ErrorCode.HandshakeExtensionNotOffered,
  /** The server's permessage-deflate answer breaks RFC 7692 or does not fit the client's offer. */
  InvalidExtension: ErrorCode.HandshakeInvalidExtension,
  /** Client: the connection failed before a response (refused, DNS, TLS, reset); see `cause`. */
  Network: ErrorCode.HandshakeNetwork,
  /** Client: no complete response within the handshake timeout. */
  Timeout: ErrorCode.HandshakeTimeout,
  /** Client over a raw transport: the response head is not HTTP/1.1, or breaks its grammar. */
  InvalidResponse: ErrorCode.HandshakeInvalidResponse,
  /** Client over a raw transport: the response head exceeds its size or header-count bound. */
  ResponseTooLarge: ErrorCode.HandshakeResponseTooLarge,
} as const;

/** One of the stable handshake error codes. */
export type HandshakeErrorCode = (typeof HandshakeErrorCode)[keyof typeof HandshakeErrorCode];

/** What a {@link HandshakeError} knows of the HTTP response; each part may be unknown. */
export interface HandshakeErrorResponse {
  status?: number | undefined;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
}

/**
 * The opening handshake failed. Carries the HTTP response that caused it when there was one;
 * `status` is undefined for failures with no response (network errors, a header parsed alone).
 */
export class HandshakeError extends WebSocketError {
  /** The HTTP status of the response, or undefined when no response was involved. */
  readonly status: number | undefined;
  /** The headers of the response, `{}` when none. */
  readonly headers: Record<string, string | string[] | undefined>;
  /** The body of the response, '' when none or not read. */
  readonly body: string;

  constructor(
    code: string,
    message: string,
    response: HandshakeErrorResponse = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.status = response.status;
    this.headers = response.headers ?? {};
    this.body = response.body ?? '';
  }
}

/** An operation did not finish within its time limit. */
export class TimeoutError extends WebSocketError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Timeout, message, options);
  }
}

/**
 * The connection ended (python-websockets' `ConnectionClosed`): its close code, reason and whether
 * the close handshake completed. Incoming streams and pending sends fail with it; a handler may
 * also throw one to close the connection with its code and reason.
 */
export class ConnectionClosed extends WebSocketError {
  /**
   * How the connection ended, in the one shape every API reports it (`Connection.closed`,
   * `onClosed`, the client's close event). Its `code` is {@link ConnectionClosed.closeCode}.
   */
  readonly outcome: CloseOutcome;
  /** The close code: the peer's, ours, 1005 (empty Close) or 1006 (no Close at all). */
  readonly closeCode: number;
  /** The close reason, '' when none. */
  readonly reason: string;
  /** True when Close frames went both ways before the transport ended. */
  readonly wasClean: boolean;

  /**
   * @param outcome - How it ended; `reason` defaults to '', `wasClean` to false, `closedBy`
   *   to 'none' and `cause` to what `closedBy` says (`local`, `peer` or `transport`).
   * @param message - The error message; by default "connection closed: <code> <reason>".
   * @param options - The error's cause.
   */
  constructor(
    outcome: Partial<CloseOutcome> & { code: number },
    message?: string,
    options?: { cause?: unknown },
  ) {
    const reason = outcome.reason ?? '';
    const text =
      message ?? `connection closed: ${outcome.code}${reason === '' ? '' : ` ${reason}`}`;
    super(ErrorCode.ConnectionClosed, text, options);
    this.closeCode = outcome.code;
    this.reason = reason;
    this.wasClean = outcome.wasClean ?? false;
    this.outcome = {
      code: outcome.code,
      reason,
      wasClean: this.wasClean,
      closedBy: outcome.closedBy ?? 'none',
      cause: outcome.cause ?? causeOfClosedBy(outcome.closedBy ?? 'none'),
    };
  }
}

/** The cause of an outcome made without one: who sent the first Close, as far as that goes. */
function causeOfClosedBy(closedBy: CloseOutcome['closedBy']): CloseCause {
  const kind = closedBy === 'local' ? 'local' : closedBy === 'remote' ? 'peer' : 'transport';
  return { kind, phase: 'open' };
}

/**
 * The bounded incoming buffer of a client socket overflowed (sttp's `WebSocketBufferFull`): the
 * application did not receive messages as fast as they came. The socket is closed with 1008.
 */
export class WebSocketBufferFull extends WebSocketError {
  /** The close code sent because of this error: 1008 (policy violation). */
  readonly closeCode = 1008;
  /** The capacity of the buffer that overflowed, in messages. */
  readonly capacity: number;

  constructor(capacity: number, options?: { cause?: unknown }) {
    super(
      ErrorCode.BufferFull,
      `incoming buffer full: more than ${capacity} messages waited to be received`,
      options,
    );
    this.capacity = capacity;
  }
}
