// Client layer: Akka's WebSocketRequest — where to connect and what the opening handshake offers
// (headers, subprotocols, extensions), its timeout, TLS options and http.Agent — and its checks.

import type { Agent } from 'node:http';
import type { ClientHttp2Session } from 'node:http2';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { resolveDeflateOptions } from '../extensions/deflate-options.js';
import type {
  PerMessageDeflateOptions,
  ResolvedDeflateOptions,
} from '../extensions/deflate-options.js';
import { withDeflateOffer } from '../extensions/negotiation.js';
import { buildClientHandshakeHeaders, generateKey } from '../protocol/client-handshake.js';
import type { ExtensionOffer } from '../protocol/header-tokens.js';

export type { ExtensionOffer } from '../protocol/header-tokens.js';

/** The TLS options a `wss:` request may set; they go to `https.request` / `tls.connect`. */
export type TlsOptions = Pick<
  TlsConnectionOptions,
  | 'ca'
  | 'cert'
  | 'key'
  | 'passphrase'
  | 'pfx'
  | 'rejectUnauthorized'
  | 'servername'
  | 'checkServerIdentity'
  | 'minVersion'
  | 'ciphers'
>;

/** A WebSocket request (Akka's `WebSocketRequest`): the target and what the handshake offers. */
export interface WebSocketRequest {
  /** `ws:` or `wss:` (`http:` and `https:` too); user info becomes Basic Auth. No fragment. */
  url: string | URL;
  /** Extra request headers (Authorization, Cookie, Origin, ...); none of the handshake's own. */
  extraHeaders?: Readonly<Record<string, string | readonly string[]>>;
  /** Subprotocols to offer, in order of preference (Sec-WebSocket-Protocol). */
  subprotocols?: readonly string[];
  /** Other extensions to offer (Sec-WebSocket-Extensions), as given; wsflow runs only
   * permessage-deflate, set through `perMessageDeflate` (docs/client.md). */
  extensions?: readonly ExtensionOffer[];
  /**
   * Offer permessage-deflate (RFC 7692): `true` for ws's defaults, options, or `false` not to
   * offer it. Default true, as in ws and browsers (docs/compression.md).
   */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** Connect, TLS and response head, all within this time. Default 10000 ms. */
  handshakeTimeoutMs?: number;
  /** TLS options for `wss:`: a CA to trust, a client certificate, `rejectUnauthorized`, ... */
  tls?: TlsOptions;
  /** The http.Agent (https.Agent for `wss:`) that makes the connection: proxies, custom sockets. */
  agent?: Agent;
  /**
   * Open the WebSocket inside an HTTP/2 connection (RFC 8441, docs/http2.md): a
   * `ClientHttp2Session` to the server's origin, to share among WebSockets (and requests), or
   * `true` for a session of its own, closed with the WebSocket (`wss:` negotiates h2 in TLS,
   * `ws:` speaks cleartext h2c). When the server's SETTINGS do not enable extended CONNECT, or,
   * with `true`, the server does not speak HTTP/2, the request goes over HTTP/1.1 instead
   * (`response.status` says which: 200 or 101). Default false.
   *
   * @example
   * ```ts
   * const session = http2.connect('https://example.com');
   * const chat = await openWebSocket({ url: 'wss://example.com/chat', http2: session });
   * const feed = await openWebSocket({ url: 'wss://example.com/feed', http2: session });
   * ```
   */
  http2?: boolean | ClientHttp2Session;
}

/** A request checked and ready for the wire: every default applied, the key drawn. */
export interface ResolvedRequest {
  /** The URL, without user info. */
  readonly url: URL;
  /** True for `wss:` and `https:`. */
  readonly secure: boolean;
  /** The Sec-WebSocket-Key sent. */
  readonly key: string;
  /** The request headers: the handshake's, then Authorization from user info, then extra ones. */
  readonly headers: Record<string, string | string[]>;
  readonly subprotocols: readonly string[];
  readonly extensions: readonly ExtensionOffer[];
  /** permessage-deflate as offered, or undefined when not offered. */
  readonly perMessageDeflate: ResolvedDeflateOptions | undefined;
  readonly handshakeTimeoutMs: number;
  readonly tls: TlsOptions;
  readonly agent: Agent | undefined;
  /** HTTP/2 first (a shared session, or `true` for one of its own), or false for HTTP/1.1. */
  readonly http2: boolean | ClientHttp2Session;
}

/** Default of {@link WebSocketRequest.handshakeTimeoutMs} (python-websockets' open_timeout). */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

const SCHEMES: Readonly<Record<string, boolean>> = {
  'ws:': false,
  'wss:': true,
  'http:': false,
  'https:': true,
};

/**
 * The value of an `Authorization` header for HTTP Basic Auth (RFC 7617), as in Akka HTTP's
 * authorized WebSocket request.
 *
 * @param username - The user name; it may not contain ':'.
 * @param password - The password.
 * @returns `Basic <base64 of "username:password">`, UTF-8 encoded.
 * @throws {TypeError} When the user name contains ':'.
 * @example
 * singleWebSocketRequest(
 *   { url: 'ws://127.0.0.1:8080/', extraHeaders: { Authorization: basicAuth('johan', 'password') } },
 *   flow,
 * );
 */
export function basicAuth(username: string, password: string): string {
  if (username.includes(':')) throw new TypeError('a Basic Auth user name may not contain ":"');
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * Checks a request and prepares it for one handshake: parses the URL, draws a key and builds
 * the headers. Call it once per connection attempt.
 *
 * @param request - The request, or just its URL.
 * @returns The resolved request.
 * @throws {TypeError} For a URL that does not parse, has another scheme or a fragment, an
 *   `http2` that is neither a boolean nor a session, an invalid or handshake-owned header, a subprotocol that is not a token or is repeated, an
 *   extension that does not format (or permessage-deflate among `extensions`), or a timeout
 *   that is not a positive number.
 * @throws {RangeError} For `perMessageDeflate` options out of range.
 * @example
 * const resolved = resolveRequest({ url: 'ws://127.0.0.1:8080/chat', subprotocols: ['chat'] });
 */
export function resolveRequest(request: WebSocketRequest | string | URL): ResolvedRequest {
  const given: WebSocketRequest =
    typeof request === 'string' || request instanceof URL ? { url: request } : request;
  const url = parseUrl(given.url);
  const timeout = given.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  if (!(timeout > 0)) throw new TypeError(`handshakeTimeoutMs must be > 0, got ${timeout}`);
  const key = generateKey();
  const deflate = resolveDeflateOptions(given.perMessageDeflate ?? true);
  const extensions = withDeflateOffer(given.extensions ?? [], deflate);
  const headers = buildClientHandshakeHeaders({
    key,
    protocols: given.subprotocols,
    extensions,
    headers: withUserInfo(url, given.extraHeaders ?? {}),
  });
  url.username = '';
  url.password = '';
  return {
    url,
    secure: SCHEMES[url.protocol],
    key,
    headers,
    subprotocols: [...(given.subprotocols ?? [])],
    extensions,
    perMessageDeflate: deflate,
    handshakeTimeoutMs: timeout,
    tls: given.tls ?? {},
    agent: given.agent,
    http2: checkHttp2(given.http2),
  };
}

/** Checks the `http2` option: a boolean, or a session (an object with `request`). */
function checkHttp2(http2: WebSocketRequest['http2']): boolean | ClientHttp2Session {
  if (http2 === undefined || typeof http2 === 'boolean') return http2 ?? false;
  if (typeof (http2 as Partial<ClientHttp2Session> | null)?.request !== 'function') {
    throw new TypeError('http2 must be true, false or a ClientHttp2Session');
  }
  return http2;
}

/** Parses and checks the URL: a WebSocket or HTTP scheme, no fragment (RFC 6455 section 3). */
function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch (error) {
    throw new TypeError(`Invalid WebSocket URL: ${String(input)}`, { cause: error });
  }
  if (!(url.protocol in SCHEMES)) {
    throw new TypeError(
      `Invalid WebSocket URL scheme ${url.protocol}: use ws:, wss:, http: or https:`,
    );
  }
  // RFC 6455 section 3: "Fragment identifiers are meaningless in the context of WebSocket URIs
  // and MUST NOT be used on these URIs."
  if (url.hash !== '') throw new TypeError('Invalid WebSocket URL: it may not have a fragment');
  return url;
}

/** Adds Authorization from the URL's user info, unless the extra headers set one. */
function withUserInfo(
  url: URL,
  headers: Readonly<Record<string, string | readonly string[]>>,
): Readonly<Record<string, string | readonly string[]>> {
  if (url.username === '' && url.password === '') return headers;
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) return headers;
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return { Authorization: basicAuth(username, password), ...headers };
}

/**
 * The request target and Host header value of a resolved request (for raw transports; node:http
 * computes both itself).
 *
 * @param url - The request URL.
 * @returns `path` (path and query) and `host` (host, with the port when not the default).
 * @example
 * requestTarget(new URL('ws://h.test:81/a?b=1')); // { path: '/a?b=1', host: 'h.test:81' }
 */
export function requestTarget(url: URL): { path: string; host: string } {
  return { path: `${url.pathname || '/'}${url.search}`, host: url.host };
}
