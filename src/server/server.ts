// Server layer: a standalone WebSocket server, `serve()`. It owns an http.Server whose plain
// requests go to the user's `httpHandler` or are answered 426 Upgrade Required (plain-requests.ts)
// and whose upgrades go through attachWebSocket's listener; it reads WebSocket request heads
// itself (head-intake.ts), the handshake's hot path.

import { createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Connection } from '../connection/connection.js';
import type { MemoryBudget } from '../connection/memory-budget.js';
import { isReusableFlow } from '../flow/reusable.js';
import type { MessageFlow } from '../flow/flow.js';
import { createUpgradeListener } from './attach.js';
import type { AttachOptions, UpgradeHandler, WebSocketRoutes } from './attach.js';
import { logHandlerError } from './handler-errors.js';
import { HeadIntake } from './head-intake.js';
import { ServerLimitDefaults, httpLimits, resolveServerLimits } from './limits.js';
import { plainRequestListener } from './plain-requests.js';
import type { HttpRequestHandler } from './plain-requests.js';
import type { CloseOptions } from './shutdown.js';

/** Options of {@link serve}: where to listen, what to run, and options for each Connection. */
export type ServeOptions = AttachOptions & {
  /** The TCP port; 0 picks a free one (read it from `address.port`). Default 8080. */
  port?: number;
  /** The interface to listen on. Default '127.0.0.1' (loopback only). */
  host?: string;
  /** The request line and headers together, in bytes; more is answered 431. Default 16 KiB. */
  maxHeaderBytes?: number;
  /**
   * Answers every request that is not a WebSocket upgrade (a page, a health check), as the
   * handler of `http.createServer` does. Without it they are answered 426 Upgrade Required, or,
   * when `handler` is a `Router`, 400 on a route's path and 404 elsewhere. A handler that throws
   * or rejects answers 500 and is reported to `onError`.
   */
  httpHandler?: HttpRequestHandler;
} & (
    | {
        /** The handler of every connection; `map(fn)` or a function, so it can run many times. */
        flow: MessageFlow;
        handler?: undefined;
      }
    | {
        /**
         * Answers each upgrade itself: accept with a flow and subprotocol, or reject. Or routes
         * (a `Router`): an unknown path is then answered 404, and a plain HTTP request to a
         * route 400 "Expected WebSocket Upgrade request".
         */
        handler: UpgradeHandler | WebSocketRoutes;
        flow?: undefined;
      }
  );

/** A running server, as {@link serve} resolves it. */
export interface WebSocketServer {
  /** The underlying http.Server (e.g. to read its options); prefer `close()` to stop it. */
  readonly httpServer: HttpServer;
  /** Where it listens: `{ address, family, port }`. */
  readonly address: AddressInfo;
  /** The base URL of the server, e.g. `ws://127.0.0.1:8080`. */
  readonly url: string;
  /** The open connections; each leaves the set when it ends. */
  readonly connections: ReadonlySet<Connection>;
  /**
   * The budget its connections count against (`memoryBudget`), to read what they buffer
   * (`bufferedBytes`) and how many were shed; undefined without one.
   */
  readonly memoryBudget: MemoryBudget | undefined;
  /**
   * Stops accepting connections, closes every open one with 1001 ('server shutting down') and
   * resolves once all of them and the listening socket are closed; after `timeoutMs` the
   * connections still open are destroyed. Idempotent (a new `timeoutMs` still applies).
   *
   * @throws {RangeError} (synchronously) for a `timeoutMs` that is not a finite number >= 0.
   */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * Starts a standalone WebSocket server (Akka's `Http().newServerAt(host, port).bindFlow`).
 * Every WebSocket request runs `flow`, or is handed to `handler`; a plain HTTP request goes to
 * `httpHandler`, or is answered 426 Upgrade Required; malformed upgrades 400, 405 or 426. Handler errors never end the
 * process: 500 before the upgrade is accepted, close 1011 after. It reads WebSocket request heads
 * itself (a head too big or with too many fields: 431; too slow: 408) and leaves every other
 * request to node:http (docs/limits.md).
 *
 * @param options - `port`, `host`, `flow` or `handler` (a function or a `Router`), `httpHandler`,
 *   `path`, and Connection options.
 * @returns The running server, once it listens.
 * @throws (rejects with) the listen error, e.g. EADDRINUSE.
 * @throws {TypeError} When neither `flow` nor `handler` is given, `flow` is a
 *   `{ writable, readable }` pair, which could run on one connection only, or `httpHandler` is
 *   not a function.
 * @example
 * const server = await serve({ port: 8080, flow: map((m) => (m.isText && m.isStrict ? `Hello ${m.text}!` : undefined)) });
 * console.log(`listening on ${server.url}`);
 * // later
 * await server.close();
 */
export async function serve(options: ServeOptions): Promise<WebSocketServer> {
  const {
    port = 8080,
    host = '127.0.0.1',
    flow,
    handler,
    maxHeaderBytes,
    httpHandler,
    ...attachOptions
  } = options;
  if (flow !== undefined) refuseSingleUseFlow(flow);
  const upgradeHandler: UpgradeHandler | WebSocketRoutes | undefined =
    handler ?? (flow === undefined ? undefined : (upgrade) => void upgrade.handleMessages(flow));
  if (
    upgradeHandler === undefined ||
    (typeof upgradeHandler !== 'function' && typeof upgradeHandler.handleUpgrade !== 'function')
  ) {
    throw new TypeError('serve() needs a flow or a handler');
  }
  if (httpHandler !== undefined && typeof httpHandler !== 'function') {
    throw new TypeError('serve({ httpHandler }) takes a function (request, response)');
  }
  const routes = typeof upgradeHandler === 'function' ? undefined : upgradeHandler;
  // A WebSocket-only server: the whole request head within the handshake timeout, bounded size.
  const limits = resolveServerLimits(attachOptions);
  const headerBytes = maxHeaderBytes ?? ServerLimitDefaults.maxHeaderBytes;
  const httpServer = createServer(
    httpLimits(limits.handshakeTimeoutMs, headerBytes),
    plainRequestListener(httpHandler, routes, attachOptions.onError ?? logHandlerError),
  );
  // One more than allowed, so that too many get a 431 rather than being cut silently; 0: no limit.
  const { maxHeaderCount } = limits;
  httpServer.maxHeadersCount = Number.isFinite(maxHeaderCount) ? maxHeaderCount + 1 : 0;
  const { attachment, listener } = createUpgradeListener(httpServer, upgradeHandler, attachOptions);
  httpServer.on('upgrade', listener);
  const intake = readHeadsFirst(httpServer, {
    maxHeadBytes: headerBytes,
    maxHeaderCount: Number.isFinite(maxHeaderCount) ? maxHeaderCount : Number.MAX_SAFE_INTEGER,
    timeoutMs: limits.handshakeTimeoutMs,
    clock: attachOptions.clock,
    onUpgrade: listener,
  });
  try {
    await listen(httpServer, port, host);
  } catch (error) {
    intake?.close();
    throw error;
  }
  const address = httpServer.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    httpServer,
    address,
    url: `ws://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    connections: attachment.connections,
    memoryBudget: attachment.memoryBudget,
    close(closeOptions?: CloseOptions): Promise<void> {
      const connectionsClosed = attachment.close(closeOptions);
      closing ??= shutDown(httpServer, connectionsClosed, intake);
      return closing;
    },
  };
}

/**
 * A `{ writable, readable }` pair runs on one connection only: given as the flow of every
 * connection, it would fail from the second one on. Refused at once.
 */
function refuseSingleUseFlow(flow: MessageFlow): void {
  if (isReusableFlow(flow)) return;
  throw new TypeError(
    'serve({ flow }) runs the flow on every connection, and a { writable, readable } pair runs ' +
      'once: pass map(fn), echo() or a function (an async generator), or a handler that builds a ' +
      'pair per connection',
  );
}

/** Listens, resolving once bound or rejecting with the bind error. */
function listen(server: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Puts a {@link HeadIntake} in front of node:http's own 'connection' listener: WebSocket
 * upgrades skip node:http's parser, every other connection reaches node:http with its bytes
 * intact. Leaves the server as it is (and returns undefined) when node:http's listener is not
 * the single one expected.
 */
function readHeadsFirst(
  httpServer: HttpServer,
  options: Omit<ConstructorParameters<typeof HeadIntake>[0], 'onOther'>,
): HeadIntake | undefined {
  const listeners = httpServer.listeners('connection');
  if (listeners.length !== 1) return undefined;
  const [nodeListener] = listeners as ((socket: Socket) => void)[];
  const intake = new HeadIntake({
    ...options,
    onOther: (socket) => nodeListener.call(httpServer, socket),
  });
  httpServer.off('connection', nodeListener);
  httpServer.on('connection', (socket: Socket) => intake.accept(socket));
  return intake;
}

/** Stops listening, waits for the WebSocket connections to end, then for the server to close. */
async function shutDown(
  server: HttpServer,
  connectionsClosed: Promise<void>,
  intake: HeadIntake | undefined,
): Promise<void> {
  const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  intake?.close(); // requests still arriving, as closeIdleConnections does for node:http's
  await connectionsClosed;
  // Plain HTTP exchanges still in flight had as long as the WebSocket connections took to close
  // (a 426 takes no time); do not wait on a slow client.
  server.closeAllConnections();
  await serverClosed;
}
