// Server layer: WebSocket on an existing http.Server or https.Server, beside whatever answers its
// plain requests (Express, Fastify, a bare handler), through the 'upgrade' event.

import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { failConnection } from '../connection/connection.js';
import type { Connection } from '../connection/connection.js';
import { memoryBudgetOf } from '../connection/memory-budget.js';
import type { MemoryBudget } from '../connection/memory-budget.js';
import { systemClock } from '../time/clock.js';
import { resolveDeflateOptions } from '../extensions/deflate-options.js';
import { answersUnclaimed, answersUnclaimedStream, registerClaim } from './attachments.js';
import { isHttp2Server, listenForExtendedConnect } from './http2-attach.js';
import type { AnyHttp2Server, ExtendedConnectListener } from './http2-attach.js';
import { http2ToIncomingMessage } from './incoming-request.js';
import type { Claim } from './attachments.js';
import { logHandlerError, reportHandlerError } from './handler-errors.js';
import { holdWhileDeciding } from './hold-socket.js';
import { rejectUpgrade } from './http-response.js';
import { PendingUpgrades, refuseOverLimit, resolveServerLimits } from './limits.js';
import type { ServerLimits } from './limits.js';
import { Shutdown, validateCloseOptions } from './shutdown.js';
import type { CloseOptions } from './shutdown.js';
import type { UpgradeListener } from './handle-request.js';
import {
  WebSocketUpgrade,
  beforeAnswer,
  rejectFor,
  startedConnection,
  upgradeOfHttp2Stream,
} from './upgrade.js';
import {
  publishInvalidRequest,
  publishRejected,
  publishUnacceptedError,
} from './handshake-events.js';
import type { ServerConnectionOptions, UpgradeOptions } from './upgrade.js';

/**
 * What runs for each WebSocket request: it must answer the upgrade, with
 * `upgrade.handleMessages(flow)` or `upgrade.reject(status)`, before it returns (or before its
 * promise settles). An upgrade left unanswered, or a handler that throws first, gets a 500; a
 * handler that throws after accepting closes that connection with 1011.
 */
export type UpgradeHandler = (upgrade: WebSocketUpgrade) => void | PromiseLike<void>;

/**
 * A handler that also says which requests are its own, as a router of paths does: requests it
 * does not claim are left to the server's other attachments and 'upgrade' listeners, or
 * answered 404. `serve({ routes })` answers a plain HTTP request 400 on a claimed path.
 */
export interface WebSocketRoutes {
  /** Whether `request` is for one of its routes. */
  claims(request: IncomingMessage): boolean;
  /** Answers an upgrade it claims, as an {@link UpgradeHandler} does. */
  handleUpgrade(upgrade: WebSocketUpgrade): void | PromiseLike<void>;
}

/** Options of {@link attachWebSocket}. */
export interface AttachOptions extends ServerConnectionOptions, ServerLimits {
  /**
   * Only upgrade requests for this path (query string ignored) are handled. Others are left to
   * the server's other attachments and 'upgrade' listeners; when only wsflow attachments listen
   * and none of them claims a request, one of them answers it 404.
   */
  path?: string;
}

/** What {@link attachWebSocket} returns: the live connections and the way to stop. */
export interface WebSocketAttachment {
  /** The open connections started through this attachment; each leaves the set when it ends. */
  readonly connections: ReadonlySet<Connection>;
  /**
   * The budget its connections count against (`memoryBudget`), to read what they buffer
   * (`bufferedBytes`) and how many were shed; undefined without one.
   */
  readonly memoryBudget: MemoryBudget | undefined;
  /**
   * Stops handling upgrades (later ones are answered 503 until it resolves, then left to Node),
   * closes every connection with 1001 and resolves once all have ended: at most their close
   * timeout, or `timeoutMs`, after which the rest are destroyed. Calling it again returns the
   * same promise (a new `timeoutMs` still applies).
   *
   * @throws {RangeError} (synchronously) for a `timeoutMs` that is not a finite number >= 0.
   */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * Serves WebSocket on an existing server: every 'upgrade' request (for `path`, when given) is
 * validated and handed to `handler` as a {@link WebSocketUpgrade}. Requests that do not ask for
 * a WebSocket are answered 400, malformed ones 400, 405 or 426. Handler errors never reach the
 * process: 500 before the upgrade is accepted, close 1011 after.
 *
 * On a node:http2 server (`http2.createSecureServer`, with `allowHTTP1: true` for HTTP/1.1
 * clients on the same port, or `http2.createServer` for cleartext h2c), WebSockets also come as
 * HTTP/2 streams (RFC 8441): the server advertises `enableConnectProtocol` to new sessions, and
 * each extended CONNECT goes through the same path, guards and handler, its rejections as
 * `:status` responses; accepted, it is answered 200 and its Connection runs over the stream.
 * Closing the WebSocket ends its stream, never the session (docs/http2.md).
 *
 * @param server - An `http.Server`, `https.Server` or node:http2 server, listening or not.
 * @param handler - Answers each upgrade; see {@link UpgradeHandler}. Or routes (a `Router`),
 *   which claim their own paths.
 * @param options - `path`, and options for each Connection.
 * @returns The attachment: `connections` and `close()`.
 * @example
 * const server = http.createServer((req, res) => res.end('hello'));
 * attachWebSocket(server, (upgrade) => {
 *   if (!upgrade.request.headers.cookie) return upgrade.reject(403, { body: 'Forbidden\n' });
 *   upgrade.handleMessages(echo());
 * }, { path: '/ws' });
 * server.listen(8080);
 */
export function attachWebSocket(
  server: HttpServer | HttpsServer | Http2Server | Http2SecureServer,
  handler: UpgradeHandler | WebSocketRoutes,
  options: AttachOptions = {},
): WebSocketAttachment {
  const { attachment, listener, streamListener, onDetach } = createUpgradeListener(
    server,
    handler,
    options,
  );
  server.on('upgrade', listener);
  if (isHttp2Server(server)) onDetach(listenForExtendedConnect(server, streamListener));
  return attachment;
}

/**
 * The 'upgrade' listener of {@link attachWebSocket} and the attachment it serves, not yet added
 * to `server`: serve() also calls the listener itself, for the requests it reads without
 * node:http. `attachment.close()` removes the listener from `server` once done.
 *
 * @param server - The server whose 'upgrade' listeners decide about 404 for other paths.
 * @param handler - Answers each upgrade, or routes that claim their paths.
 * @param options - As for {@link attachWebSocket}.
 * @returns The attachment, the 'upgrade' listener, the listener of HTTP/2 WebSocket streams, and
 *   `onDetach` to run a function when the attachment has closed.
 * @throws {RangeError} For limits or deflate options out of range.
 * @example
 * const { attachment, listener } = createUpgradeListener(server, handler, {});
 * server.on('upgrade', listener);
 */
export function createUpgradeListener(
  server: HttpServer | HttpsServer | AnyHttp2Server,
  handlerOrRoutes: UpgradeHandler | WebSocketRoutes,
  options: AttachOptions,
): {
  attachment: WebSocketAttachment;
  listener: UpgradeListener;
  streamListener: ExtendedConnectListener;
  onDetach: (detach: () => void) => void;
} {
  const {
    path,
    maxConnections,
    handshakeTimeoutMs,
    maxHeaderCount,
    memoryBudget: budgetOption,
    ...connectionOptions
  } = options;
  const routes = typeof handlerOrRoutes === 'function' ? undefined : handlerOrRoutes;
  const handler: UpgradeHandler =
    routes === undefined
      ? (handlerOrRoutes as UpgradeHandler)
      : (upgrade) => routes.handleUpgrade(upgrade);
  const claims = (request: IncomingMessage): boolean =>
    (path === undefined || pathOf(request) === path) &&
    (routes === undefined || routes.claims(request));
  const limits = resolveServerLimits({ maxConnections, handshakeTimeoutMs, maxHeaderCount });
  resolveDeflateOptions(connectionOptions.perMessageDeflate); // throws now for a bad option
  const memoryBudget = memoryBudgetOf(budgetOption);
  const clock = connectionOptions.clock ?? systemClock;
  const connections = new Set<Connection>();
  const unanswered = new PendingUpgrades(clock, limits.handshakeTimeoutMs);
  let shutdown: Shutdown | undefined;
  let closing: Promise<void> | undefined;
  const track = (connection: Connection): void => {
    connections.add(connection);
    // A listener, not `closed.then`: no promise per connection.
    connection.onClosed(() => connections.delete(connection));
  };
  // One options object for every upgrade of this attachment: nothing is copied per request.
  const upgradeOptions: UpgradeOptions = {
    ...connectionOptions,
    memoryBudget,
    onConnection: track,
  };
  const onError = connectionOptions.onError ?? logHandlerError;
  /** Whether a request may go on to its handler; if not, it was answered (404, 503, a limit). */
  const admits = (request: IncomingMessage, transport: Duplex, http2: boolean): boolean => {
    if (!claims(request)) {
      const answers = http2 ? answersUnclaimedStream : answersUnclaimed;
      if (answers(server, claim, request)) {
        rejectUpgrade(transport, 404, { body: 'Not Found\n' });
        publishRejected(404, 'not-found', request);
      }
      return false;
    }
    if (closing !== undefined) {
      rejectUpgrade(transport, 503, { body: 'Shutting down\n' });
      publishRejected(503, 'shutting-down', request);
      return false;
    }
    const refusal = refuseOverLimit(request, connections.size + unanswered.size, limits);
    if (refusal === undefined) return true;
    rejectUpgrade(transport, refusal.status, { body: refusal.body });
    publishRejected(refusal.status, refusal.reason, request);
    return false;
  };
  const run = (upgrade: WebSocketUpgrade, transport: Duplex): void =>
    runHandler(handler, upgrade, transport, unanswered, (error) => {
      publishUnacceptedError(error);
      reportHandlerError(onError, error, undefined, upgrade.request);
    });
  const listener = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!admits(request, socket, false)) return;
    let upgrade: WebSocketUpgrade | undefined;
    try {
      upgrade = WebSocketUpgrade.from(request, socket, head, upgradeOptions);
    } catch (error) {
      rejectUpgrade(socket, error);
      return publishInvalidRequest(request, error);
    }
    if (upgrade === undefined) {
      rejectUpgrade(socket, 400, { body: 'Expected WebSocket request\n' });
      return publishRejected(400, 'not-websocket', request);
    }
    run(upgrade, socket);
  };
  const streamListener: ExtendedConnectListener = (stream, headers, rawHeaders) => {
    const request = http2ToIncomingMessage(stream, headers, rawHeaders);
    if (!admits(request, stream, true)) return;
    let upgrade: WebSocketUpgrade;
    try {
      upgrade = upgradeOfHttp2Stream(request, stream, headers, upgradeOptions);
    } catch (error) {
      rejectUpgrade(stream, error);
      return publishInvalidRequest(request, error);
    }
    run(upgrade, stream);
  };
  const detachers: (() => void)[] = [];
  const claim: Claim = {
    listener,
    claims,
  };
  const unregister = registerClaim(server, claim);
  const attachment: WebSocketAttachment = {
    connections,
    memoryBudget,
    close(closeOptions: CloseOptions = {}): Promise<void> {
      validateCloseOptions(closeOptions);
      // Handlers still deciding (an async check) are answered 503 now; accepting later throws.
      unanswered.rejectAll('Shutting down\n');
      shutdown ??= new Shutdown(connections, clock);
      closing ??= shutdown.done.finally(() => {
        server.off('upgrade', listener);
        for (const detach of detachers) detach();
        unregister();
      });
      shutdown.deadline(closeOptions.timeoutMs);
      return closing;
    },
  };
  const onDetach = (detach: () => void): void => void detachers.push(detach);
  return { attachment, listener, streamListener, onDetach };
}

/**
 * Runs the handler on one upgrade and turns its failures into a 500 or a 1011 close. An upgrade
 * still unanswered when the handler returns a promise is pending until it settles (its deadline
 * runs, shutdown answers it, and a client that leaves meanwhile gives it up); one answered
 * synchronously never needs a timer.
 */
function runHandler(
  handler: UpgradeHandler,
  upgrade: WebSocketUpgrade,
  socket: Duplex,
  unanswered: PendingUpgrades,
  reportUnaccepted: (error: unknown) => void,
): void {
  let result: void | PromiseLike<void>;
  try {
    result = handler(upgrade);
  } catch (error) {
    return settleHandler(upgrade, unanswered, reportUnaccepted, true, error);
  }
  if (result === undefined || typeof result?.then !== 'function') {
    // The usual case, answered synchronously: nothing to track.
    if (!upgrade.answered) rejectFor(upgrade, 500, 'Internal Server Error\n', 'unanswered');
    return;
  }
  const settle = (failed: boolean, error?: unknown): void =>
    settleHandler(upgrade, unanswered, reportUnaccepted, failed, error);
  if (!upgrade.answered) {
    unanswered.add(upgrade);
    // Read meanwhile, to notice a client that leaves; released when the upgrade is answered.
    const release = holdWhileDeciding(socket, () => {
      unanswered.delete(upgrade);
      // The socket is destroyed: this only marks the upgrade answered (a later accept throws
      // InvalidStateError, which a Router drops).
      if (!upgrade.answered) rejectFor(upgrade, 400, 'Client closed the request\n', 'client-gone');
    });
    beforeAnswer(upgrade, release);
  }
  Promise.resolve(result).then(
    () => settle(false),
    (error: unknown) => settle(true, error),
  );
}

/** The handler is done: an upgrade it left unanswered gets a 500; its failure goes where due. */
function settleHandler(
  upgrade: WebSocketUpgrade,
  unanswered: PendingUpgrades,
  reportUnaccepted: (error: unknown) => void,
  failed: boolean,
  error?: unknown,
): void {
  unanswered.delete(upgrade);
  if (!upgrade.answered) {
    const reason = failed ? 'handler-error' : 'unanswered';
    rejectFor(upgrade, 500, 'Internal Server Error\n', reason, error);
  }
  if (!failed) return;
  const connection = startedConnection(upgrade);
  if (connection === undefined) reportUnaccepted(error);
  else failConnection(connection, error); // 1011, reported by the connection
}

/** The path part of a request target. */
function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
