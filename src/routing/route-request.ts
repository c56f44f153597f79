// Routing layer: what a route's handler is told about the request (Play's RequestHeader, as
// `acceptOrResult` hands it over): the path parameters and query, already decoded, and the
// headers, cookies, origin, address and offers of the upgrade request.

import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ExtensionOffer } from '../protocol/header-tokens.js';
import type { WebSocketUpgrade } from '../server/upgrade.js';
import type { PathParams } from './pattern.js';
import { rawHeader } from './raw-header.js';

/**
 * The request a route handler decides on. `params` is typed from the route's pattern.
 *
 * @example
 * router.route('/chat/:room', (request) => {
 *   if (request.cookies.session === undefined) return reject(401);
 *   return accept(chat(request.params.room, request.query.get('since')));
 * });
 */
export interface RouteRequest<P extends string = string> {
  /** The request target as sent, e.g. '/chat/lobby?since=3'. */
  readonly url: string;
  /** The path as sent (still percent-encoded), e.g. '/chat/lobby'. */
  readonly path: string;
  /** The route's pattern, e.g. '/chat/:room'. */
  readonly pattern: P;
  /** The path parameters, percent-decoded. */
  readonly params: PathParams<P>;
  /** The query string, decoded (`get` gives the first value of a key, `getAll` every one). */
  readonly query: URLSearchParams;
  /** The request headers (lower-case names), as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
  /** The cookies of the Cookie header, by name (the first of a repeated name). */
  readonly cookies: Readonly<Record<string, string>>;
  /** The Origin header, when the client sent one (browsers always do). */
  readonly origin: string | undefined;
  /**
   * The client's address as the socket sees it (a proxy's, behind one). Read on first use, from
   * the socket: read it while the connection is open (in the handler), or it may be undefined.
   */
  readonly remoteAddress: string | undefined;
  /** Whether the request came over TLS (wss:). */
  readonly secure: boolean;
  /** The subprotocols the client offered, in its order of preference. */
  readonly protocols: readonly string[];
  /** The extensions the client offered. */
  readonly extensions: readonly ExtensionOffer[];
  /** The node:http request itself, for anything not listed here. */
  readonly raw: IncomingMessage;
}

/**
 * Builds the request context of a matched upgrade.
 *
 * @param upgrade - The upgrade.
 * @param target - The decoded target: path and query (undefined for an empty query).
 * @param pattern - The route's pattern.
 * @param params - Its parameters.
 * @returns The context; what costs a system call or a parse (address, cookies, an empty query)
 *   is read on first use.
 */
export function createRouteRequest<P extends string>(
  upgrade: WebSocketUpgrade,
  target: { path: string; query: URLSearchParams | undefined },
  pattern: P,
  params: PathParams<P>,
): RouteRequest<P> {
  return new UpgradeRouteRequest(upgrade, target.path, target.query, pattern, params);
}

/** A {@link RouteRequest} over an upgrade, reading lazily what a handshake may never need. */
class UpgradeRouteRequest<P extends string> implements RouteRequest<P> {
  readonly path: string;
  readonly pattern: P;
  readonly params: PathParams<P>;
  readonly raw: IncomingMessage;
  readonly protocols: readonly string[];
  readonly extensions: readonly ExtensionOffer[];
  #query: URLSearchParams | undefined;
  #cookies: Readonly<Record<string, string>> | undefined;

  constructor(
    upgrade: WebSocketUpgrade,
    path: string,
    query: URLSearchParams | undefined,
    pattern: P,
    params: PathParams<P>,
  ) {
    // The offers, not the upgrade: a connection's recorded request keeps no more than it shows.
    this.raw = upgrade.request;
    this.protocols = upgrade.requestedProtocols;
    this.extensions = upgrade.requestedExtensions;
    this.path = path;
    this.#query = query;
    this.pattern = pattern;
    this.params = params;
  }

  get url(): string {
    return this.raw.url ?? '/';
  }

  get query(): URLSearchParams {
    return (this.#query ??= new URLSearchParams());
  }

  get headers(): IncomingHttpHeaders {
    return this.raw.headers;
  }

  get cookies(): Readonly<Record<string, string>> {
    return (this.#cookies ??= parseCookies(rawHeader(this.raw, 'cookie')));
  }

  get origin(): string | undefined {
    return rawHeader(this.raw, 'origin');
  }

  get remoteAddress(): string | undefined {
    return this.raw.socket?.remoteAddress; // a getpeername() call: only when asked
  }

  get secure(): boolean {
    return isTls(this.raw);
  }
}

/** Whether a request arrived over TLS. */
export function isTls(request: IncomingMessage): boolean {
  return (request.socket as TLSSocket | undefined)?.encrypted === true;
}

/**
 * The cookies of a Cookie header (RFC 6265 section 5.4): `name=value` pairs separated by ';'.
 * Values are percent-decoded when they decode; the first of a repeated name wins.
 *
 * @param header - The Cookie header.
 * @returns The cookies by name, in an object without prototype.
 * @example
 * parseCookies('session=abc; theme=dark').theme; // 'dark'
 */
export function parseCookies(header: string | undefined): Readonly<Record<string, string>> {
  const cookies = Object.create(null) as Record<string, string>;
  if (header === undefined) return cookies;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    const name = pair.slice(0, equals).trim();
    if (name === '' || name in cookies) continue;
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1);
    }
    cookies[name] = value.includes('%') ? decodeOrKeep(value) : value;
  }
  return cookies;
}

function decodeOrKeep(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
