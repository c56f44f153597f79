// Protocol layer: the opening handshake over HTTP/2 (RFC 8441, extended CONNECT) as plain data.
// The request is a CONNECT stream with `:protocol: websocket`; the answer is a 200 (no 101, no
// Sec-WebSocket-Key or -Accept); subprotocols and extensions are negotiated as in RFC 6455.

import { HandshakeErrorCode } from '../errors.js';
import { HANDSHAKE_HEADER_NAMES } from './handshake.js';
import {
  type ExtensionOffer,
  type HeaderRecord,
  checkHeaderField,
  formatExtensionHeader,
  getHeaderValues,
  isToken,
} from './header-tokens.js';
import { handshakeRejection, parseOffers, rejectionOf } from './server-handshake.js';
import type { HandshakeRejection } from './server-handshake.js';

/** An extended CONNECT that passed: what the client offered. */
export interface AcceptableExtendedConnect {
  ok: true;
  /** The subprotocols the client offered, in its order of preference. */
  protocols: string[];
  /** The extensions the client offered, in its order of preference. */
  extensions: ExtensionOffer[];
}

/** The result of {@link validateExtendedConnect}. */
export type ExtendedConnectValidation =
  AcceptableExtendedConnect | { ok: false; rejection: HandshakeRejection };

/** HTTP/2 response headers, as `Http2Stream.respond` takes them. */
export type Http2ResponseHeaders = Record<string, string | string[] | number>;

/**
 * Whether HTTP/2 request headers ask for a WebSocket: `:method` CONNECT with a `:protocol` of
 * `websocket` (any case), RFC 8441 section 4.
 *
 * @param headers - The headers of an HTTP/2 stream, pseudo-headers included.
 * @returns True for an extended CONNECT for a WebSocket.
 * @example
 * server.on('stream', (stream, headers) => { if (isExtendedConnect(headers)) ... });
 */
export function isExtendedConnect(headers: HeaderRecord): boolean {
  const protocol = headers[':protocol'];
  return (
    headers[':method'] === 'CONNECT' &&
    typeof protocol === 'string' &&
    protocol.length === 9 &&
    protocol.toLowerCase() === 'websocket'
  );
}

/**
 * Validates an extended CONNECT for a WebSocket (RFC 8441 section 5): `:method` CONNECT and
 * `:protocol` websocket (else 405 or 400), `:path` and `:authority` present (400),
 * Sec-WebSocket-Version exactly `13` (else 400 with `sec-websocket-version: 13`: HTTP/2 has no
 * Upgrade header, which a 426 must carry), and well-formed Sec-WebSocket-Protocol (no repeats)
 * and Sec-WebSocket-Extensions.
 *
 * @param headers - The headers of the stream, pseudo-headers included.
 * @returns `{ ok: true, protocols, extensions }`, or `{ ok: false, rejection }`.
 * @throws Never for malformed input: every malformation becomes a rejection.
 * @example
 * const result = validateExtendedConnect(headers);
 * if (result.ok) stream.respond(buildExtendedConnectAccept({ offeredProtocols: result.protocols }));
 */
export function validateExtendedConnect(headers: HeaderRecord): ExtendedConnectValidation {
  if (headers[':method'] !== 'CONNECT') {
    const message = 'the request method must be CONNECT';
    return { ok: false, rejection: handshakeRejection(405, HandshakeErrorCode.Method, message) };
  }
  if (!isExtendedConnect(headers)) {
    const message = 'the :protocol pseudo-header must be websocket';
    return { ok: false, rejection: handshakeRejection(400, HandshakeErrorCode.Upgrade, message) };
  }
  if (!nonEmpty(headers[':authority'])) {
    const message = 'the :authority pseudo-header is missing';
    return { ok: false, rejection: handshakeRejection(400, HandshakeErrorCode.Host, message) };
  }
  const version = getHeaderValues(headers, 'sec-websocket-version');
  if (version.length !== 1 || version[0] !== '13') {
    const message = 'Sec-WebSocket-Version must be 13';
    const required = { 'sec-websocket-version': '13' };
    const rejection = handshakeRejection(400, HandshakeErrorCode.Version, message, required);
    return { ok: false, rejection };
  }
  try {
    return { ok: true, ...parseOffers(headers) };
  } catch (error) {
    return { ok: false, rejection: rejectionOf(error) };
  }
}

function nonEmpty(value: string | readonly string[] | undefined): boolean {
  return typeof value === 'string' && value !== '';
}

/** What {@link buildExtendedConnectAccept} needs. */
export interface ExtendedConnectAcceptOptions {
  /** The subprotocol chosen; it must be one of `offeredProtocols`. */
  subprotocol?: string | undefined;
  /** What the client offered; needed with `subprotocol`. */
  offeredProtocols?: readonly string[];
  /** The extensions accepted, with the response parameters. */
  extensions?: readonly ExtensionOffer[];
  /** Extra response headers; none of the handshake's own and none that HTTP/2 forbids. */
  headers?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Headers HTTP/2 forbids (RFC 9113 section 8.2.2, connection-specific fields), besides those the
 * handshake owns.
 */
const CONNECTION_SPECIFIC: ReadonlySet<string> = new Set([
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'http2-settings',
]);

/**
 * The headers of the 200 that accepts an extended CONNECT (RFC 8441 section 5), to give to
 * `Http2Stream.respond`: names in lower case.
 *
 * @param options - The choices made, and extra headers.
 * @returns `{ ':status': 200, ... }`.
 * @throws {TypeError} When the subprotocol or an extension is not made of tokens, or a header is
 *   invalid, owned by the handshake or connection-specific.
 * @throws {RangeError} When `subprotocol` is not one the client offered.
 * @example
 * stream.respond(buildExtendedConnectAccept({ subprotocol: 'chat', offeredProtocols: ['chat'] }));
 */
export function buildExtendedConnectAccept(
  options: ExtendedConnectAcceptOptions,
): Http2ResponseHeaders {
  const { subprotocol, offeredProtocols = [], extensions = [], headers = {} } = options;
  const response: Http2ResponseHeaders = { ':status': 200 };
  if (subprotocol !== undefined) {
    if (typeof subprotocol !== 'string' || !isToken(subprotocol)) {
      throw new TypeError(`Invalid subprotocol: ${JSON.stringify(subprotocol)}`);
    }
    if (!offeredProtocols.includes(subprotocol)) {
      throw new RangeError(`Subprotocol ${subprotocol} was not offered by the client`);
    }
    response['sec-websocket-protocol'] = subprotocol;
  }
  if (extensions.length > 0) {
    response['sec-websocket-extensions'] = formatExtensionHeader(extensions);
  }
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (HANDSHAKE_HEADER_NAMES.has(lower) || CONNECTION_SPECIFIC.has(lower)) {
      throw new TypeError(`Header ${name} is set by the handshake or not allowed in HTTP/2`);
    }
    addField(response, lower, name, value);
  }
  return response;
}

/** What {@link buildHttp2Rejection} needs (a HandshakeRejection fits). */
export interface Http2RejectionOptions {
  /** The HTTP status, 200 to 599. */
  status: number;
  /** Extra headers; Content-Type may be replaced, Content-Length and Connection may not. */
  headers?: Readonly<Record<string, string | readonly string[]>>;
  /** The text body; '' when omitted. */
  body?: string;
}

/** Headers a rejection computes itself, over either HTTP version. */
const REJECTION_OWNED: ReadonlySet<string> = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
]);

/** Headers that mean something on HTTP/1.1 only (a 426's Upgrade): left out over HTTP/2. */
const HTTP1_ONLY: ReadonlySet<string> = new Set(['upgrade', 'keep-alive', 'proxy-connection']);

/**
 * The response that refuses an extended CONNECT: the HTTP/2 twin of `buildRejectionResponse`.
 * It carries `content-type: text/plain; charset=utf-8` (unless replaced) and `content-length`;
 * Upgrade, Keep-Alive and Proxy-Connection, which HTTP/2 forbids, are left out, so a handler
 * written for HTTP/1.1 (a 426 with Upgrade) answers both.
 *
 * @param options - Status, extra headers and body.
 * @returns The headers for `Http2Stream.respond` and the body to end the stream with.
 * @throws {RangeError} When the status is not an integer from 200 to 599.
 * @throws {TypeError} When a header is invalid or is Content-Length, Transfer-Encoding or
 *   Connection.
 * @example
 * const { headers, body } = buildHttp2Rejection({ status: 403, body: 'Forbidden\n' });
 * stream.respond(headers);
 * stream.end(body);
 */
export function buildHttp2Rejection(options: Http2RejectionOptions): {
  headers: Http2ResponseHeaders;
  body: Buffer;
} {
  const { status, headers = {}, body = '' } = options;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new RangeError(`Invalid status for a rejection: ${status}`);
  }
  const response: Http2ResponseHeaders = {
    ':status': status,
    'content-type': 'text/plain; charset=utf-8',
  };
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (REJECTION_OWNED.has(lower)) {
      throw new TypeError(`Header ${name} is set by the response and may not be given`);
    }
    if (HTTP1_ONLY.has(lower)) continue;
    if (lower === 'content-type') delete response['content-type'];
    addField(response, lower, name, value);
  }
  const bytes = Buffer.from(body, 'utf8');
  response['content-length'] = bytes.length;
  return { headers: response, body: bytes };
}

/** Adds a checked field under its lower-case name; repeated values become a list. */
function addField(
  response: Http2ResponseHeaders,
  lower: string,
  name: string,
  value: string | readonly string[],
): void {
  const values = typeof value === 'string' ? [value] : [...value];
  for (const one of values) checkHeaderField(name, one);
  const previous = response[lower];
  if (previous === undefined) response[lower] = values.length === 1 ? values[0] : values;
  else response[lower] = [...(Array.isArray(previous) ? previous : [String(previous)]), ...values];
}
