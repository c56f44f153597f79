// Routing layer: what a route's handler is told about the request (Play's RequestHeader, as
// `acceptOrResult` hands it over): the path parameters and query, already decoded, and the
// headers, cookies, origin, address and offers of the upgrade request.

import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ExtensionOffer } from '../protocol/header-tokens.js';
import type { WebSocketUpgrade } from '../server/upgrade.js';
import type { PathParams } from './pattern.js';
import { headersFromLines } from '../server/incoming-request.js';
import { fieldOfLines, joinedField } from './raw-header.js';

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
  /**
   * The node:http request itself, for anything not listed here, while the handshake lasts: a
   * connection's recorded request ({@link ConnectionRequest}) lets it go.
   */
  readonly raw: IncomingMessage;
}

/**
 * The request of an open connection, as `routeOf(connection).request` gives it: the
 * {@link RouteRequest} without `raw`, so that an idle connection does not keep node:http's
 * request object alive.
 */
export type ConnectionRequest<P extends string = string> = Omit<RouteRequest<P>, 'raw'>;

/**
 * A {@link RouteRequest} over an upgrade, reading lazily what a handshake may never need. Once
 * the connection is open, {@link UpgradeRouteRequest.release} lets node:http's request go and
 * keeps only its header lines and socket.
 */
export class UpgradeRouteRequest<P extends string> implements RouteRequest<P> {
  readonly url: string;
  readonly path: string;
  readonly pattern: P;
  readonly params: PathParams<P>;
  readonly secure: boolean;
  readonly protocols: readonly string[];
  readonly extensions: readonly ExtensionOffer[];
  #raw: IncomingMessage | undefined;
  readonly #rawHeaders: readonly string[];
  readonly #socket: IncomingMessage['socket'] | undefined;
  #headers: IncomingHttpHeaders | undefined;
  #query: URLSearchParams | undefined;
  #cookies: Readonly<Record<string, string>> | undefined;

  /**
   * @param upgrade - The upgrade.
   * @param target - The decoded target: path and query (undefined for an empty query).
   * @param pattern - The route's pattern.
   * @param params - Its parameters.
   */
  constructor(
    upgrade: WebSocketUpgrade,
    target: { path: string; query: URLSearchParams | undefined },
    pattern: P,
    params: PathParams<P>,
  ) {
    // The offers, not the upgrade: a connection's recorded request keeps no more than it shows.
    const raw = upgrade.request;
    this.#raw = raw;
    this.#rawHeaders = Array.isArray(raw.rawHeaders) ? raw.rawHeaders : [];
    this.#socket = raw.socket ?? undefined;
    this.url = raw.url ?? '/';
    this.secure = isTls(raw);
    this.protocols = upgrade.requestedProtocols;
    this.extensions = upgrade.requestedExtensions;
    this.path = target.path;
    this.#query = target.query;
    this.pattern = pattern;
    this.params = params;
  }

  get raw(): IncomingMessage {
    if (this.#raw === undefined) {
      throw new TypeError(
        "The request's node:http object is let go once the connection opens: read what you " +
          'need from it in the route handler',
      );
    }
    return this.#raw;
  }

  /**
   * Lets node:http's request go (the connection is open): later reads of `headers` are built
   * from the header lines, as node:http builds them.
   */
  release(): void {
    const raw = this.#raw;
    if (raw === undefined) return;
    // A request without header lines (made by hand, not by node:http): keep what it holds.
    if (this.#rawHeaders.length === 0) this.#headers ??= raw.headers;
    this.#raw = undefined;
  }

  get query(): URLSearchParams {
    return (this.#query ??= new URLSearchParams());
  }

  get headers(): IncomingHttpHeaders {
    return (this.#headers ??= this.#raw?.headers ?? headersFromLines(this.#rawHeaders));
  }

  get cookies(): Readonly<Record<string, string>> {
    return (this.#cookies ??= parseCookies(this.#field('cookie')));
  }

  get origin(): string | undefined {
    return this.#field('origin');
  }

  get remoteAddress(): string | undefined {
    return this.#socket?.remoteAddress; // a getpeername() call: only when asked
  }

  #field(name: string): string | undefined {
    return this.#rawHeaders.length > 0
      ? fieldOfLines(this.#rawHeaders, name)
      : joinedField(this.headers, name);
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
