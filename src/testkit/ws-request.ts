// Testkit: Akka HTTP's `WS(path, probe.flow) ~> route ~> check`. One upgrade request, run entirely
// in memory against routes, an upgrade handler or a flow: the real client handshake, node:http's
// parser and attachWebSocket's server handshake, and the real Connection engine at both ends, over
// a MemoryLink. No socket and no port.

import { createServer } from 'node:http';
import type { Connection } from '../connection/connection.js';
import type { ClientOptions } from '../client/connect.js';
import { requestUpgrade } from '../client/connect.js';
import { resolveRequest } from '../client/request.js';
import type { ResponseHeaders, WebSocketUpgradeResponse } from '../client/response.js';
import type { PerMessageDeflateOptions } from '../extensions/deflate-options.js';
import type { MessageFlow } from '../flow/flow.js';
import { attachWebSocket } from '../server/attach.js';
import type { AttachOptions, UpgradeHandler, WebSocketRoutes } from '../server/attach.js';
import type { Clock } from '../time/clock.js';
import { MemoryLink } from './link.js';
import type { MemoryLinkOptions } from './link.js';
import { attachProbe } from './probe.js';

/** What a request made by {@link WS} offers, and how both ends run. */
export interface WSInit {
  /** Extra request headers (Authorization, ...); none of the handshake's own. */
  headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Subprotocols to offer, in order of preference (Sec-WebSocket-Protocol). */
  subprotocols?: readonly string[];
  /** Cookies, sent in one Cookie header (after any given in `headers`). */
  cookies?: Readonly<Record<string, string>>;
  /** The Origin header, as a browser sends it. */
  origin?: string;
  /** The Host the request names. Default 'localhost'. */
  host?: string;
  /** Offer permessage-deflate. Default false: no zlib, nothing outside the event loop. */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /**
   * The clock of both ends, the server's handshake deadline and the link's delay: a
   * `VirtualClock` puts every timer under the test's control. Default: the system clock.
   */
  clock?: Clock;
  /** The in-memory link's buffer sizes and the faults present from the first byte. */
  link?: Omit<MemoryLinkOptions, 'clock'>;
  /** The server's options: its connections' settings (keepAlive, idleTimeoutMs, ...), limits. */
  server?: Omit<AttachOptions, 'clock' | 'path'>;
  /** The settings of the probe's own connection (the client). */
  client?: Omit<ClientOptions, 'clock'>;
  /**
   * How long the client waits for the server's answer. Default one hour, so that the server's
   * own handshake deadline (`server.handshakeTimeoutMs`) is the one that decides.
   */
  handshakeTimeoutMs?: number;
}

/**
 * What the server answered (Akka's `check { isWebSocketUpgrade; … }`), and handles on the
 * running conversation.
 */
export interface WSResult {
  /** True when the server accepted the upgrade (a valid 101). */
  readonly isWebSocketUpgrade: boolean;
  /** The subprotocol the server chose, or undefined. */
  readonly subprotocol: string | undefined;
  /** The HTTP status: 101, or the rejection's (404, 403, 401, 503, ...). */
  readonly status: number;
  /** The response headers. */
  readonly headers: ResponseHeaders;
  /** The body of a rejection, '' for a 101. */
  readonly body: string;
  /** The whole response, as the client judged it. */
  readonly response: WebSocketUpgradeResponse;
  /** The in-memory link: inject faults mid-conversation (`stall`, `drop`, `reset`). */
  readonly link: MemoryLink;
  /** The client's connection, running the probe's flow; undefined for a rejection. */
  readonly connection: Connection | undefined;
  /** The server's connection, while it is open; undefined for a rejection. */
  readonly serverConnection: Connection | undefined;
}

/** What {@link WS} makes: a request waiting for what it runs against. */
export interface WSRequest {
  /**
   * Runs the request against `target`: routes (a `Router`), an upgrade handler
   * (`(upgrade) => upgrade.handleMessages(flow)`), or a flow (`map(fn)`, `echo()`, a
   * `{ writable, readable }` pair or an async generator function). A plain function is taken
   * for an upgrade handler: give a flow made by a function as `(upgrade) =>
   * upgrade.handleMessages(fn)`.
   *
   * @param target - what serves the request.
   * @returns the server's answer, once the handshake is done; the conversation goes on.
   */
  run(target: WebSocketRoutes): Promise<WSResult>;
  run(target: UpgradeHandler): Promise<WSResult>;
  run(target: MessageFlow): Promise<WSResult>;
}

/** Default of {@link WSInit.handshakeTimeoutMs}. */
const CLIENT_HANDSHAKE_TIMEOUT_MS = 3_600_000;

/**
 * A WebSocket request for a test (Akka HTTP's `WS`): `probeFlow` runs on the client side once
 * the server accepts. Run it with {@link WSRequest.run}; everything happens in memory.
 *
 * @param path - the request target, e.g. `/greeter` or `/chat/42?user=ann`.
 * @param probeFlow - the client's flow, usually a `WSProbe`'s `flow`.
 * @param init - headers, subprotocols, cookies, origin, the clock, faults, server options.
 * @returns the request.
 * @throws {TypeError} for a path that does not start with '/' or a header that does not check.
 * @example
 * ```ts
 * const wsClient = new WSProbe();
 * const result = await WS('/greeter', wsClient.flow).run(websocketRoute);
 * assert.equal(result.isWebSocketUpgrade, true);
 * ```
 */
export function WS(path: string, probeFlow: MessageFlow, init: WSInit = {}): WSRequest {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(`WS() takes a path starting with '/', not ${JSON.stringify(path)}`);
  }
  const request = resolveRequest({
    url: `ws://${init.host ?? 'localhost'}${path}`,
    extraHeaders: requestHeaders(init),
    subprotocols: init.subprotocols,
    perMessageDeflate: init.perMessageDeflate ?? false,
    handshakeTimeoutMs: init.handshakeTimeoutMs ?? CLIENT_HANDSHAKE_TIMEOUT_MS,
  });
  return {
    async run(target: WebSocketRoutes | UpgradeHandler | MessageFlow): Promise<WSResult> {
      const { clock } = init;
      const link = new MemoryLink({ ...init.link, clock });
      const server = createServer();
      const attachment = attachWebSocket(server, toServerTarget(target), {
        ...init.server,
        clock,
      });
      server.emit('connection', link.server);
      const { response, connection } = await requestUpgrade(
        request,
        { ...init.client, clock },
        {
          transport: link.client,
          onConnection: (started) => {
            attachProbe(probeFlow, started, clock);
            started.runDetached(probeFlow);
          },
        },
      );
      const [serverConnection] = attachment.connections;
      return {
        isWebSocketUpgrade: response.valid,
        subprotocol: response.valid ? response.chosenSubprotocol : undefined,
        status: response.status,
        headers: response.headers,
        body: response.valid ? '' : response.body,
        response,
        link,
        connection,
        serverConnection,
      };
    },
  };
}

/** The extra headers of the request: those given, then Cookie and Origin. */
function requestHeaders(init: WSInit): Record<string, string | readonly string[]> {
  const headers: Record<string, string | readonly string[]> = { ...init.headers };
  if (init.cookies !== undefined) {
    const pairs = Object.entries(init.cookies).map(([name, value]) => `${name}=${value}`);
    const given = Object.keys(headers).find((name) => name.toLowerCase() === 'cookie');
    const before = given === undefined ? [] : [headers[given]].flat();
    if (given !== undefined) delete headers[given];
    headers.Cookie = [...before, ...pairs].join('; ');
  }
  if (init.origin !== undefined) headers.Origin = init.origin;
  return headers;
}

/** Routes and handlers as they are; a flow as a handler that accepts with it. */
function toServerTarget(
  target: WebSocketRoutes | UpgradeHandler | MessageFlow,
): WebSocketRoutes | UpgradeHandler {
  if (isRoutes(target)) return target;
  if (typeof target === 'function' && !isAsyncGeneratorFunction(target)) {
    return target as UpgradeHandler;
  }
  const flow = target as MessageFlow;
  return (upgrade) => void upgrade.handleMessages(flow);
}

function isRoutes(target: unknown): target is WebSocketRoutes {
  const routes = target as Partial<WebSocketRoutes> | null;
  return (
    typeof routes === 'object' &&
    routes !== null &&
    typeof routes.claims === 'function' &&
    typeof routes.handleUpgrade === 'function'
  );
}

function isAsyncGeneratorFunction(fn: unknown): boolean {
  return Object.prototype.toString.call(fn) === '[object AsyncGeneratorFunction]';
}
