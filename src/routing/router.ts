// Routing layer: the Router. WebSocket routes by path pattern, each with a handler that accepts
// or rejects (Play's `acceptOrResult`), optionally for one subprotocol (Akka HTTP's
// `handleWebSocketMessagesForProtocol`), optionally named for reverse routing. It mounts on
// `serve({ routes })` and `attachWebSocket(server, router)`, and answers through
// WebSocketUpgrade: there is no second upgrade path.

import type { IncomingMessage } from 'node:http';
import type { Connection } from '../connection/connection.js';
import { isReusableFlow } from '../flow/reusable.js';
import type { MessageFlow } from '../flow/flow.js';
import type { WebSocketRoutes } from '../server/attach.js';
import type { WebSocketUpgrade } from '../server/upgrade.js';
import { isPromiseLike } from '../util/thenable.js';
import type { RouteAnswer } from './answers.js';
import { recordRoute } from './connection-route.js';
import { BadTarget, decodeQuery, decodeTarget } from './decode.js';
import type { DecodedTarget } from './decode.js';
import { runGuards } from './guards.js';
import type { Guard, GuardsAdded } from './guards.js';
import { compilePattern } from './pattern.js';
import type { CompiledPattern, PathParams } from './pattern.js';
import { buildRouteUrl } from './reverse-url.js';
import type { RouteUrlOptions } from './reverse-url.js';
import { RouteTree } from './route-tree.js';
import type { TreeMatch } from './route-tree.js';
import { UpgradeRouteRequest } from './route-request.js';
import type { RouteRequest } from './route-request.js';

/**
 * A route's handler: told of the request, it answers `accept(flow, options)` or
 * `reject(status, init)`, at once or as a promise. A handler that throws or rejects answers 500
 * and is reported to the server's `onError`.
 */
export type RouteHandler<
  P extends string,
  Data = undefined,
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  Added extends object = {},
> = (request: RouteRequest<P> & Added) => RouteAnswer<Data> | PromiseLike<RouteAnswer<Data>>;

/** Options of {@link Router.route}. */
export interface RouteOptions<
  Name extends string = string,
  G extends readonly Guard<object>[] = readonly Guard<object>[],
> {
  /** A name for {@link Router.url}; unique in the router. */
  name?: Name;
  /**
   * Serve only clients that offer this subprotocol, and answer with it (Akka HTTP's
   * `handleWebSocketMessagesForProtocol`). Several routes may share a pattern with different
   * subprotocols; when the client offers none of them it gets 400, naming them.
   */
  subprotocol?: string;
  /**
   * Checks run in order before the handler (see `allowOrigins`, `authenticateBasic`): the
   * first refusal answers the upgrade, and the fields each one passes reach the handler's
   * request, typed.
   */
  guards?: G;
}

/** One route as the router keeps it. */
interface Route {
  readonly pattern: CompiledPattern;
  readonly handler: RouteHandler<string, unknown>;
  readonly subprotocol: string | undefined;
  readonly guards: readonly Guard[];
}

/** A request target, resolved once: its routes, or why it cannot be routed. */
type Resolution =
  | { readonly target: DecodedTarget; readonly matches: TreeMatch<Route>[] }
  | { readonly bad: string };

/**
 * WebSocket routes by path: `/chat/:room` (a parameter, one segment), `/files/*path` (a
 * catch-all tail), literal paths. `params` is typed from the pattern. Unknown paths are answered
 * 404, bad percent-encoding and dot segments 400. Mount it with `serve({ routes: router })` or
 * `attachWebSocket(httpServer, router)`.
 *
 * @example
 * const router = new Router()
 *   .route('/chat/:room', (request) => accept(chat(request.params.room)), { name: 'chat' })
 *   .route('/files/*path', (request) => accept(download(request.params.path)));
 * const server = await serve({ port: 8080, routes: router });
 * router.url('chat', { room: 'café' }); // '/chat/caf%C3%A9'
 */
export class Router<
  Names extends Record<string, string> = Record<never, never>,
> implements WebSocketRoutes {
  readonly #tree = new RouteTree<Route>();
  readonly #named = new Map<string, CompiledPattern>();
  readonly #shapes = new Set<string>();
  /**
   * The last request `claims` resolved, for `handleUpgrade` that follows it at once (one entry,
   * not a map: the server calls the two back to back).
   */
  #claimedRequest: IncomingMessage | undefined;
  #claimedResolution: Resolution | undefined;
  /** `{ writable, readable }` pairs already accepted: each can run on one connection. */
  readonly #usedPairs = new WeakSet<object>();

  /**
   * Adds a route, its options first: the form for guards written in place, whose fields
   * TypeScript then knows when it reads the handler.
   *
   * @param pattern - '/literal', '/with/:param', '/ending/*tail'.
   * @param options - Guards to pass first, a name for reverse routing, a subprotocol to require.
   * @param handler - Accepts or rejects each request that passed the guards.
   * @returns This router, its type knowing the new name.
   * @throws {TypeError} As the other form.
   * @example
   * router.route(
   *   '/chat/:room',
   *   { guards: [allowOrigins('https://example.com'), authenticateBasic('chat', verify)] },
   *   (request) => accept(chat(request.params.room, request.user)),
   * );
   */
  route<
    P extends string,
    const G extends readonly Guard<object>[],
    Data = undefined,
    Name extends string = never,
  >(
    pattern: P,
    options: RouteOptions<Name, G>,
    handler: RouteHandler<P, Data, GuardsAdded<G>>,
  ): Router<Names & { [N in Name]: P }>;
  /**
   * Adds a route.
   *
   * @param pattern - '/literal', '/with/:param', '/ending/*tail'.
   * @param handler - Accepts or rejects each request for it.
   * @param options - A name for reverse routing, a subprotocol to require, guards to pass first.
   * @returns This router, its type knowing the new name.
   * @throws {TypeError} For an invalid pattern, a name used twice, or a route that another one
   *   with the same shape and subprotocol would hide.
   * @example
   * router.route('/echo', () => accept(echo()), { name: 'echo' });
   */
  route<
    P extends string,
    const G extends readonly Guard<object>[],
    Data = undefined,
    Name extends string = never,
  >(
    pattern: P,
    handler: RouteHandler<P, Data, GuardsAdded<G>>,
    options?: RouteOptions<Name, G>,
  ): Router<Names & { [N in Name]: P }>;
  route(
    pattern: string,
    second: RouteHandler<string, unknown> | RouteOptions,
    third?: RouteHandler<string, unknown> | RouteOptions,
  ): Router<Record<string, string>> {
    const [handler, options = {}] =
      typeof second === 'function'
        ? [second, third as RouteOptions | undefined]
        : [third as RouteHandler<string, unknown> | undefined, second];
    if (typeof handler !== 'function') {
      throw new TypeError(`The handler of ${pattern} is not a function`);
    }
    const compiled = compilePattern(pattern);
    const { name, subprotocol, guards = [] } = options;
    if (!Array.isArray(guards) || guards.some((guard) => typeof guard !== 'function')) {
      throw new TypeError(`The guards of ${pattern} are not a list of functions`);
    }
    const shape = compiled.segments
      .map((s) => (s.kind === 'literal' ? `/=${s.text}` : s.kind === 'param' ? '/:' : '/*'))
      .join('');
    const key = `${shape} ${subprotocol ?? ''}`;
    if (this.#shapes.has(key)) {
      throw new TypeError(`The route ${pattern} repeats the path of an earlier route`);
    }
    if (name !== undefined && this.#named.has(name)) {
      throw new TypeError(`The route name ${JSON.stringify(name)} is used twice`);
    }
    this.#shapes.add(key);
    if (name !== undefined) this.#named.set(name, compiled);
    this.#tree.add(compiled, {
      pattern: compiled,
      handler,
      subprotocol,
      guards: [...(guards as readonly Guard[])],
    });
    return this as unknown as Router<Record<string, string>>;
  }

  /**
   * The URL of a named route (reverse routing): each parameter percent-encoded; absolute when
   * `from` is the HTTP request that served the page (`ws:` or `wss:`, its host).
   *
   * @param name - The route's name.
   * @param params - A value for each of its parameters.
   * @param options - A query, the request to build an absolute URL from, and whether a proxy's
   *   `Forwarded`/`X-Forwarded-Proto` is trusted.
   * @returns The URL.
   * @throws {TypeError} For an unknown name, or a missing parameter.
   * @example
   * router.url('chat', { room: 'lobby' }, { from: pageRequest }); // 'ws://localhost:8080/chat/lobby'
   */
  url<Name extends keyof Names & string>(
    name: Name,
    params: PathParams<Names[Name]>,
    options?: RouteUrlOptions,
  ): string {
    const pattern = this.#named.get(name);
    if (pattern === undefined) throw new TypeError(`No route is named ${JSON.stringify(name)}`);
    return buildRouteUrl(pattern, params as Readonly<Record<string, string>>, options);
  }

  /**
   * Whether a request is for one of the routes (or cannot be routed, and is answered 400 here).
   *
   * @param request - The request.
   * @returns True when the router answers it.
   */
  claims(request: IncomingMessage): boolean {
    const resolution = this.#resolve(request.url ?? '/');
    const mine = !('matches' in resolution) || resolution.matches.length > 0;
    this.#claimedRequest = mine ? request : undefined;
    this.#claimedResolution = mine ? resolution : undefined;
    return mine;
  }

  /**
   * Answers an upgrade: 400 for a target that cannot be routed, 404 for an unknown path, 400 when
   * the route wants a subprotocol the client did not offer, else what the route's handler says.
   *
   * @param upgrade - The upgrade, unanswered.
   * @returns A promise when the handler answers with one.
   * @throws What the handler throws (the caller answers 500).
   */
  handleUpgrade(upgrade: WebSocketUpgrade): void | Promise<void> {
    const request = upgrade.request;
    const claimed = this.#claimedRequest === request ? this.#claimedResolution : undefined;
    this.#claimedRequest = this.#claimedResolution = undefined;
    const resolution = claimed ?? this.#resolve(request.url ?? '/');
    if (!('matches' in resolution)) {
      return upgrade.reject(400, { body: `Bad Request: ${resolution.bad}\n` });
    }
    const { target, matches } = resolution;
    if (matches.length === 0) return upgrade.reject(404, { body: 'Not Found\n' });
    const offered = upgrade.requestedProtocols;
    const match =
      matches.length === 1 && matches[0].value.subprotocol === undefined
        ? matches[0] // the usual case: one route for the path, for any subprotocol
        : matches.find(({ value }) => {
            return value.subprotocol === undefined || offered.includes(value.subprotocol);
          });
    if (match === undefined) return rejectForProtocols(upgrade, matches);
    let query: URLSearchParams | undefined;
    try {
      if (target.rawQuery !== '') query = decodeQuery(target.rawQuery);
    } catch (error) {
      if (!(error instanceof BadTarget)) throw error;
      return upgrade.reject(400, { body: `Bad Request: ${error.message}\n` });
    }
    const route = match.value;
    const routeRequest = new UpgradeRouteRequest(
      upgrade,
      { path: target.path, query },
      route.pattern.pattern,
      match.params,
    );
    if (route.guards.length === 0) return this.#decide(upgrade, route, routeRequest);
    const refusal = runGuards(route.guards, routeRequest);
    if (!isPromiseLike(refusal)) {
      if (refusal === undefined) return this.#decide(upgrade, route, routeRequest);
      return this.#answer(upgrade, refusal, route, routeRequest);
    }
    return refusal.then((settled) => {
      if (settled !== undefined) return this.#answer(upgrade, settled, route, routeRequest);
      // Gone while a guard decided: the handler is not asked.
      if (upgrade.answered || upgrade.request.socket?.destroyed === true) return;
      return this.#decide(upgrade, route, routeRequest);
    });
  }

  /** Asks the route's handler, and carries out its answer. */
  #decide(
    upgrade: WebSocketUpgrade,
    route: Route,
    request: UpgradeRouteRequest<string>,
  ): void | Promise<void> {
    const answer = route.handler(request);
    if (!isPromiseLike(answer)) return this.#answer(upgrade, answer, route, request);
    return Promise.resolve(answer).then((settled) => {
      this.#answer(upgrade, settled, route, request);
    });
  }

  #resolve(url: string): Resolution {
    try {
      const target = decodeTarget(url);
      return { target, matches: this.#tree.match(target.segments) };
    } catch (error) {
      if (error instanceof BadTarget) return { bad: error.message };
      throw error;
    }
  }

  /** Carries out a handler's answer, unless the upgrade was answered or dropped meanwhile. */
  #answer(
    upgrade: WebSocketUpgrade,
    answer: RouteAnswer<unknown>,
    route: Route,
    request: UpgradeRouteRequest<string>,
  ): void {
    // Too late (timed out, shut down) or the client left while the handler decided: dropped.
    if (upgrade.answered || upgrade.request.socket?.destroyed === true) return;
    if (answer?.kind === 'reject') {
      const { status, headers, body } = answer;
      return upgrade.reject(status, { headers, body });
    }
    if (answer?.kind !== 'accept') {
      throw new TypeError(
        `The handler of ${route.pattern.pattern} answered neither accept() nor reject()`,
      );
    }
    this.#claimFlow(answer.flow, route);
    const subprotocol = answer.subprotocol ?? route.subprotocol;
    const connection: Connection = upgrade.handleMessages(answer.flow, {
      subprotocol,
      headers: answer.headers,
    });
    request.release();
    recordRoute(connection, request, subprotocol, answer.data);
  }

  /** A pair can run once: accepting it a second time is refused before the 101. */
  #claimFlow(flow: MessageFlow, route: Route): void {
    if (isReusableFlow(flow)) return;
    if (this.#usedPairs.has(flow)) {
      throw new TypeError(
        `The handler of ${route.pattern.pattern} accepted a { writable, readable } pair that ` +
          'already ran on another connection: build the pair inside the handler, or use map(fn) ' +
          'or a function',
      );
    }
    this.#usedPairs.add(flow);
  }
}

/**
 * Akka HTTP's answer to an UnsupportedWebSocketSubprotocolRejection: 400 naming the subprotocols
 * the routes serve, which are also listed in Sec-WebSocket-Protocol.
 */
function rejectForProtocols(upgrade: WebSocketUpgrade, matches: TreeMatch<Route>[]): void {
  const supported = matches.map(({ value }) => value.subprotocol as string);
  const listed = supported.map((protocol) => `'${protocol}'`).join(',');
  upgrade.reject(400, {
    headers: { 'Sec-WebSocket-Protocol': supported.join(', ') },
    body: `None of the websocket subprotocols offered in the request are supported. Supported are ${listed}.`,
  });
}
