// Server layer: Akka HTTP's WebSocketUpgrade for Node. It wraps what the 'upgrade' event hands
// over (request, socket, head) and answers it once: a 101 and a running Connection, or plain HTTP.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Connection } from '../connection/connection.js';
import { memoryBudgetOf } from '../connection/memory-budget.js';
import type { MemoryBudget, MemoryBudgetOptions } from '../connection/memory-budget.js';
import { withEngineExtras } from '../connection/options.js';
import { guardTransport, unguardTransport } from '../connection/transport-guard.js';
import type { ConnectionOptions, ConnectionSettings } from '../connection/options.js';
import { HandshakeError, HandshakeErrorCode, InvalidStateError } from '../errors.js';
import { resolveDeflateOptions } from '../extensions/deflate-options.js';
import type { NegotiatedDeflate, PerMessageDeflateOptions } from '../extensions/deflate-options.js';
import { acceptDeflateOffer } from '../extensions/negotiation.js';
import { fromSinkAndSource } from '../flow/flow.js';
import type { MessageFlow } from '../flow/flow.js';
import type { Message, MessageLike } from '../message/message.js';
import type { StreamSource } from '../message/streams.js';
import { getHeaderValues, parseUpgradeList } from '../protocol/header-tokens.js';
import type { ExtensionOffer, HeaderRecord } from '../protocol/header-tokens.js';
import { buildAcceptResponse, validateClientRequest } from '../protocol/server-handshake.js';
import {
  buildExtendedConnectAccept,
  validateExtendedConnect,
} from '../protocol/extended-connect.js';
import type { Http2ResponseHeaders } from '../protocol/extended-connect.js';
import type { ServerHttp2Stream } from 'node:http2';
import { respondToStream } from './http2-stream.js';
import { plainAcceptResponse } from './accept-bytes.js';
import { handshakeFields } from './handshake-fields.js';
import { logHandlerError, reportHandlerError } from './handler-errors.js';
import { publishAccepted, publishRejected } from './handshake-events.js';
import { recordResumeRequest } from './resume-request.js';
import type { HandshakeRejectReason } from '../connection/channels.js';
import type { ServerErrorHandler } from './handler-errors.js';
import { rejectUpgrade } from './http-response.js';
import type { RejectionInit } from './http-response.js';

/** Options of the connections a server starts: the connection settings, and compression. */
export type ServerConnectionOptions = Omit<ConnectionSettings, 'onError'> & {
  /**
   * Told of each failure of application code: a handler that throws before answering (the
   * client gets 500), or a flow that fails on a running connection (it closes with 1011, the
   * error as the close outcome's `cause`). Default {@link logHandlerError}: one line on stderr.
   * Pass a function to report them your way, or `() => {}` to silence them.
   */
  onError?: ServerErrorHandler;
  /**
   * Accept permessage-deflate (RFC 7692) when the client offers it: `true` for ws's defaults,
   * or options (docs/compression.md). Default false: offers are ignored.
   */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /**
   * One bound on the bytes all these connections buffer together, sending and receiving: past
   * it, those that hold the most are closed with 1013 (docs/operations.md). A
   * {@link MemoryBudget} to share one between servers, or `{ bytes }`. Default: none.
   *
   * @example
   * ```ts
   * await serve({ port: 8080, flow, memoryBudget: { bytes: 64 * 1024 * 1024 } });
   * ```
   */
  memoryBudget?: MemoryBudget | MemoryBudgetOptions;
};

/** Options of {@link WebSocketUpgrade.from}. */
export interface UpgradeOptions extends ServerConnectionOptions {
  /** Called with each Connection this upgrade starts, before its flow runs (servers track them). */
  onConnection?: (connection: Connection) => void;
}

/** Options of {@link WebSocketUpgrade.handleMessages}. */
export interface HandleMessagesOptions {
  /** The subprotocol to answer with; it must be one of {@link WebSocketUpgrade.requestedProtocols}. */
  subprotocol?: string;
  /** Extra headers for the 101 response (not the handshake's own). */
  headers?: Readonly<Record<string, string | readonly string[]>>;
  /** permessage-deflate for this connection, in place of the server's `perMessageDeflate`. */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
}

/**
 * True when a request asks for a WebSocket at all: its Upgrade header lists `websocket` (any
 * case). Whether it asks correctly is {@link WebSocketUpgrade.from}'s business.
 *
 * @param request - The request, e.g. from the 'upgrade' or 'request' event.
 * @returns Whether Upgrade lists `websocket`; false when the header is absent or malformed.
 */
export function isWebSocketRequest(request: IncomingMessage): boolean {
  return asksForWebSocket(request.headers);
}

/** Whether headers list `websocket` in Upgrade (any case); false when absent or malformed. */
function asksForWebSocket(headers: HeaderRecord): boolean {
  const upgrade = headers.upgrade;
  // The usual value, without parsing a list.
  if (
    typeof upgrade === 'string' &&
    upgrade.length === 9 &&
    upgrade.toLowerCase() === 'websocket'
  ) {
    return true;
  }
  try {
    const protocols = parseUpgradeList(getHeaderValues(headers, 'upgrade'));
    return protocols.some((protocol) => protocol.toLowerCase() === 'websocket');
  } catch {
    return false;
  }
}

/**
 * The Connection started by accepting `upgrade`, or undefined while it was not accepted (a
 * server fails it with 1011 when its handler throws after accepting).
 *
 * @param upgrade - An upgrade.
 * @returns Its Connection, once accepted.
 * @example
 * const connection = startedConnection(upgrade);
 * if (connection !== undefined) failConnection(connection, error);
 */
export let startedConnection: (upgrade: WebSocketUpgrade) => Connection | undefined;

/**
 * The upgrade of a WebSocket request that came as an HTTP/2 stream (RFC 8441, extended
 * CONNECT), as {@link WebSocketUpgrade.from} makes one from an 'upgrade' event.
 *
 * @param request - The request as `http2ToIncomingMessage` presents it.
 * @param stream - Its stream.
 * @param headers - The stream's headers, pseudo-headers included.
 * @param options - As for {@link WebSocketUpgrade.from}.
 * @returns The upgrade; accepting it answers 200 and runs the Connection over the stream.
 * @throws {HandshakeError} For a malformed request, carrying the response (400 or 405).
 * @example
 * const upgrade = upgradeOfHttp2Stream(request, stream, headers, options);
 */
export let upgradeOfHttp2Stream: (
  request: IncomingMessage,
  stream: ServerHttp2Stream,
  headers: HeaderRecord,
  options: UpgradeOptions,
) => WebSocketUpgrade;

/**
 * Refuses an upgrade as {@link WebSocketUpgrade.reject} does, for a reason of the server's own
 * (a handler that failed, a timeout, a shutdown), which `wsflow:handshake:rejected` reports.
 *
 * @param upgrade - An unanswered upgrade.
 * @param status - The HTTP status.
 * @param body - The text body.
 * @param reason - Why, for the diagnostics channel.
 * @param error - The error behind it, if any.
 * @example
 * rejectFor(upgrade, 503, 'Handshake timeout\n', 'handshake-timeout');
 */
export let rejectFor: (
  upgrade: WebSocketUpgrade,
  status: number,
  body: string,
  reason: HandshakeRejectReason,
  error?: unknown,
) => void;

/**
 * A valid WebSocket upgrade request, not answered yet (Akka's `WebSocketUpgrade` attribute).
 * Answer it exactly once: {@link handleMessages} (101, then the flow runs on a Connection) or
 * {@link reject} (a plain HTTP response, e.g. 403 for an unauthenticated client, as Play's
 * rejecting does). A second answer throws `InvalidStateError`.
 *
 * @example
 * server.on('upgrade', (req, socket, head) => {
 *   let upgrade;
 *   try {
 *     upgrade = WebSocketUpgrade.from(req, socket, head);
 *   } catch (error) {
 *     return rejectUpgrade(socket, error); // malformed: 400, 405 or 426
 *   }
 *   if (upgrade === undefined) return rejectUpgrade(socket, 400, { body: 'Expected WebSocket\n' });
 *   upgrade.handleMessages(echo());
 * });
 */
export class WebSocketUpgrade {
  /** The HTTP request that asked for the upgrade (path, headers, cookies, ...). */
  readonly request: IncomingMessage;
  /** The subprotocols the client offered, in its order of preference (Sec-WebSocket-Protocol). */
  readonly requestedProtocols: readonly string[];
  /** The extensions the client offered (Sec-WebSocket-Extensions); none is negotiated yet. */
  readonly requestedExtensions: readonly ExtensionOffer[];
  readonly #socket: Duplex;
  readonly #head: Uint8Array;
  /** The Sec-WebSocket-Key; undefined over HTTP/2, which has none (answered with a 200). */
  readonly #key: string | undefined;
  readonly #options: UpgradeOptions;
  #answered = false;
  /** The Connection started by accepting, once accepted. */
  #connection: Connection | undefined;

  static {
    startedConnection = (upgrade) => upgrade.#connection;
    upgradeOfHttp2Stream = (request, stream, headers, options) => {
      guardTransport(stream);
      const result = validateExtendedConnect(headers);
      if (!result.ok) {
        const { rejection } = result;
        throw new HandshakeError(rejection.code, rejection.message, rejection);
      }
      const accepted = { key: undefined, ...result };
      return new WebSocketUpgrade(request, stream, new Uint8Array(0), accepted, options);
    };
    rejectFor = (upgrade, status, body, reason, error) =>
      upgrade.#reject(status, { body }, reason, error);
  }

  private constructor(
    request: IncomingMessage,
    socket: Duplex,
    head: Uint8Array,
    accepted: { key: string | undefined; protocols: string[]; extensions: ExtensionOffer[] },
    options: UpgradeOptions,
  ) {
    this.request = request;
    this.requestedProtocols = Object.freeze(accepted.protocols);
    this.requestedExtensions = Object.freeze(accepted.extensions);
    this.#socket = socket;
    this.#head = head;
    this.#key = accepted.key;
    this.#options = options;
  }

  /**
   * Reads what Node's 'upgrade' event hands over. Nothing is written to the socket here.
   *
   * @param request - The request.
   * @param socket - The raw socket (a net.Socket or tls.TLSSocket).
   * @param head - The first bytes after the request head (may hold the first frames).
   * @param options - Options for the Connection, and a hook told of it.
   * @returns The upgrade, or `undefined` when the request does not ask for a WebSocket at all
   *   (no `Upgrade: websocket`): answer it yourself, e.g. `rejectUpgrade(socket, 400)`.
   * @throws {HandshakeError} When it asks for one wrongly, carrying the response to send with
   *   {@link rejectUpgrade}: 405 for a method other than GET, 426 with
   *   `Sec-WebSocket-Version: 13` for another version, 400 for anything else malformed.
   * @example
   * const upgrade = WebSocketUpgrade.from(req, socket, head, { maxMessageBytes: 1 << 20 });
   */
  static from(
    request: IncomingMessage,
    socket: Duplex,
    head: Uint8Array = new Uint8Array(0),
    options: UpgradeOptions = {},
  ): WebSocketUpgrade | undefined {
    guardTransport(socket);
    // Only the handshake's fields: node:http's `headers` is built only if the application reads it.
    const headers = handshakeFields(request);
    if (!asksForWebSocket(headers)) return undefined;
    const { method, httpVersion } = request;
    const result = validateClientRequest({ method, httpVersion, headers });
    if (!result.ok) {
      const { rejection } = result;
      throw new HandshakeError(rejection.code, rejection.message, rejection);
    }
    return new WebSocketUpgrade(request, socket, head, result, options);
  }

  /** True once the upgrade was answered (accepted or rejected). */
  get answered(): boolean {
    return this.#answered;
  }

  /**
   * Accepts the upgrade: writes the 101 (over HTTP/2, a 200 on the request's stream), starts a
   * server Connection on the socket (or stream) and runs the
   * flow on it (Akka's `handleMessages`). When the flow's output completes the connection closes
   * with 1000; when the flow fails, with 1011. To close with your own code, call
   * `connection.close(code, reason)` on the result, or end the flow by throwing
   * `new ConnectionClosed({ code, reason })`.
   *
   * @param flow - The handler: a `{ writable, readable }` pair, `map(fn)`, or an async generator.
   * @param options - The subprotocol to answer with and extra 101 headers.
   * @returns The running Connection (`closed` resolves with its outcome).
   * @throws {HandshakeError} `WSFLOW_ERR_HANDSHAKE_SUBPROTOCOL_NOT_OFFERED` (status 500) when
   *   `subprotocol` is not one the client offered: the client is answered 500 and the handshake
   *   fails, as Akka's `require` does; choose from {@link requestedProtocols}.
   * @throws {InvalidStateError} When the upgrade was already answered.
   * @throws {RangeError} For `perMessageDeflate` options out of range (the upgrade stays
   *   unanswered).
   * @example
   * const chosen = upgrade.requestedProtocols.includes('chat') ? 'chat' : undefined;
   * const connection = upgrade.handleMessages(echo(), { subprotocol: chosen });
   * connection.closed.then((outcome) => console.log('closed', outcome.code));
   */
  handleMessages(flow: MessageFlow, options: HandleMessagesOptions = {}): Connection {
    const deflateOptions = resolveDeflateOptions(
      options.perMessageDeflate ?? this.#options.perMessageDeflate,
    );
    this.#claim();
    const { subprotocol, headers } = options;
    if (subprotocol !== undefined && !this.requestedProtocols.includes(subprotocol)) {
      const message = `the subprotocol ${JSON.stringify(subprotocol)} was not offered by the client`;
      const code = HandshakeErrorCode.SubprotocolNotOffered;
      const error = new HandshakeError(code, message, { status: 500 });
      rejectUpgrade(this.#socket, 500, { body: 'Internal Server Error\n' });
      publishRejected(500, 'subprotocol-not-offered', this.request, error);
      throw error;
    }
    const deflate = deflateOptions && acceptDeflateOffer(this.requestedExtensions, deflateOptions);
    const key = this.#key;
    let response: string | Http2ResponseHeaders;
    try {
      const choices = {
        subprotocol,
        offeredProtocols: this.requestedProtocols,
        extensions: deflate === undefined ? [] : [deflate.response],
        headers,
      };
      response =
        key === undefined
          ? buildExtendedConnectAccept(choices)
          : subprotocol === undefined && headers === undefined && deflate === undefined
            ? plainAcceptResponse(key)
            : buildAcceptResponse({ key, ...choices });
    } catch (error) {
      // The upgrade is already claimed: answer it, so the client is not left waiting.
      rejectUpgrade(this.#socket, 500, { body: 'Internal Server Error\n' });
      publishRejected(500, 'internal', this.request, error);
      throw error;
    }
    return this.#start(response, flow, deflate?.agreement, subprotocol);
  }

  /**
   * Accepts the upgrade with a disconnected flow (Akka's `handleMessagesWithSinkSource`):
   * incoming messages go to `sink`, outgoing ones come from `source`.
   *
   * @param sink - A WritableStream of messages, or a function called per message.
   * @param source - A ReadableStream or (async) iterable of what to send.
   * @param options - As for {@link handleMessages}.
   * @returns The running Connection.
   * @throws {HandshakeError} As {@link handleMessages} does.
   * @throws {InvalidStateError} When the upgrade was already answered.
   * @example
   * upgrade.handleMessagesWithSinkSource(ignore(), ticker(1000, (n) => `tick ${n}`));
   */
  handleMessagesWithSinkSource(
    sink: WritableStream<Message> | ((message: Message) => void | PromiseLike<void>),
    source: StreamSource<MessageLike>,
    options: HandleMessagesOptions = {},
  ): Connection {
    return this.handleMessages(fromSinkAndSource(sink, source), options);
  }

  /**
   * Refuses the upgrade with a plain HTTP response and closes the socket (Play's rejecting).
   *
   * @param status - The HTTP status, 200 to 599: 401 or 403 for an unauthenticated client, 404
   *   for an unknown resource, ...
   * @param init - Extra headers and a text body.
   * @throws {InvalidStateError} When the upgrade was already answered.
   * @throws {RangeError} When the status is not an integer from 200 to 599 (the client gets 500).
   * @throws {TypeError} When a header is invalid (the client gets 500).
   * @example
   * if (!isAuthenticated(upgrade.request)) return upgrade.reject(403, { body: 'Forbidden\n' });
   */
  reject(status: number, init: RejectionInit = {}): void {
    this.#reject(status, init, 'rejected');
  }

  #reject(
    status: number,
    init: RejectionInit,
    reason: HandshakeRejectReason,
    cause?: unknown,
  ): void {
    this.#claim();
    try {
      rejectUpgrade(this.#socket, status, init);
    } catch (error) {
      // The upgrade is already claimed: answer it, so the client is not left waiting.
      rejectUpgrade(this.#socket, 500, { body: 'Internal Server Error\n' });
      publishRejected(500, 'internal', this.request, error);
      throw error;
    }
    publishRejected(status, reason, this.request, cause);
  }

  /** Marks the upgrade answered; throws when it already was. */
  #claim(): void {
    if (this.#answered) throw new InvalidStateError('this WebSocket upgrade was already answered');
    this.#answered = true;
    const hook = answerHooks.get(this);
    if (hook !== undefined) {
      answerHooks.delete(this);
      hook();
    }
  }

  /** Writes the 101 (or the HTTP/2 200) and starts the Connection and its flow. */
  #start(
    response: string | Http2ResponseHeaders,
    flow: MessageFlow,
    deflate: NegotiatedDeflate | undefined,
    subprotocol: string | undefined,
  ): Connection {
    const socket = this.#socket;
    const upgradeOptions = this.#options;
    const { onConnection, onError = logHandlerError } = upgradeOptions;
    // A report names the request line only: keeping the IncomingMessage (or its headers) for it
    // would cost every open connection 0.4 KiB or more.
    const { method, url } = this.request;
    if (typeof response !== 'string') respondToStream(socket as ServerHttp2Stream, response);
    else if (!socket.destroyed && socket.writable) socket.write(response, 'latin1');
    clearSocketTimeout(socket);
    let connection: Connection;
    try {
      const { settings, memoryBudget } = connectionSettingsOf(upgradeOptions);
      const options = withEngineExtras(settings, {
        deflate,
        head: this.#head,
        onError: (error: unknown) =>
          reportHandlerError(onError, error, connection, { method, url }),
        memoryBudget,
      });
      connection = new Connection(socket, options);
    } catch (error) {
      socket.destroy(); // after a 101 there is no HTTP answer left to give
      throw error;
    }
    this.#connection = connection;
    const status = typeof response === 'string' ? 101 : 200;
    publishAccepted(connection, this.request, status, subprotocol);
    // The Connection listens to errors from the next tick on (queued first): then the guard goes.
    process.nextTick(unguardTransport, socket);
    onConnection?.(connection);
    recordResumeRequest(connection, subprotocol, url);
    // runDetached(), not runUntilClosed(): a failing flow closes with 1011 all the same, and a server holding many
    // connections keeps no promise per connection.
    connection.runDetached(flow);
    return connection;
  }
}

const answerHooks = new WeakMap<WebSocketUpgrade, () => void>();

/**
 * Runs `hook` once when `upgrade` is answered, before anything is written: a server stops
 * holding the socket of an upgrade whose handler was deciding.
 *
 * @param upgrade - An unanswered upgrade.
 * @param hook - What to run.
 * @example
 * beforeAnswer(upgrade, holdWhileDeciding(socket, onGone));
 */
export function beforeAnswer(upgrade: WebSocketUpgrade, hook: () => void): void {
  answerHooks.set(upgrade, hook);
}

/** What the connections of one upgrade options object (a server's) share. */
interface SharedSettings {
  readonly settings: ConnectionOptions;
  readonly memoryBudget: MemoryBudget | undefined;
}

/** The Connection settings of an upgrade's options, made once per options object (a server's). */
const settingsOfOptions = new WeakMap<UpgradeOptions, SharedSettings>();

function connectionSettingsOf(options: UpgradeOptions): SharedSettings {
  let shared = settingsOfOptions.get(options);
  if (shared === undefined) {
    const { onConnection: _c, onError: _e, perMessageDeflate: _d, memoryBudget, ...rest } = options;
    shared = { settings: { ...rest, side: 'server' }, memoryBudget: memoryBudgetOf(memoryBudget) };
    settingsOfOptions.set(options, shared);
  }
  return shared;
}

/**
 * No idle timeout left over from the HTTP server (TCP's no-delay is the Connection's). A socket
 * read by serve() itself never had one.
 */
function clearSocketTimeout(socket: Duplex): void {
  const tcp = socket as Duplex & { timeout?: number; setTimeout?: (ms: number) => void };
  if (typeof tcp.setTimeout === 'function' && tcp.timeout !== undefined && tcp.timeout !== 0) {
    tcp.setTimeout(0);
  }
}
