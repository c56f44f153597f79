// Protocol layer: the server side of the RFC 6455 opening handshake as plain data. It validates
// the request node:http parsed and renders the raw 101 or error response to write on the socket
// that the 'upgrade' event hands over; no I/O happens here.

import { HandshakeError, HandshakeErrorCode } from '../errors.js';
import { HANDSHAKE_HEADER_NAMES, computeAccept, isValidKey } from './handshake.js';
import {
  type ExtensionOffer,
  type HeaderRecord,
  checkHeaderField,
  formatExtensionHeader,
  isToken,
  parseExtensionHeader,
  parseTokenList,
  parseUpgradeList,
} from './header-tokens.js';

/** The parts of the request the validation reads (the shape of `http.IncomingMessage`). */
export interface UpgradeRequest {
  /** The request method, e.g. 'GET'. */
  method?: string | undefined;
  /** The HTTP version without prefix, e.g. '1.1'. */
  httpVersion: string;
  /** The request headers. */
  headers: HeaderRecord;
}

/** A refused handshake: the HTTP response to send, with the stable code and a message. */
export interface HandshakeRejection {
  /** 400, 405 (method) or 426 (version). */
  status: number;
  /** Headers the response must carry (Allow for 405; Sec-WebSocket-Version and Upgrade for 426). */
  headers: Record<string, string>;
  /** A short text/plain explanation, ending with a newline. */
  body: string;
  /** The stable code, `WSFLOW_ERR_HANDSHAKE_<WHAT>`. */
  code: HandshakeErrorCode;
  /** What was wrong, without echoing header values. */
  message: string;
}

/** A request that passed: what the client sent and offered. */
export interface AcceptableRequest {
  ok: true;
  /** The Sec-WebSocket-Key, to compute the accept value from. */
  key: string;
  /** The subprotocols the client offered, in its order of preference. */
  protocols: string[];
  /** The extensions the client offered, in its order of preference. */
  extensions: ExtensionOffer[];
}

/** The result of {@link validateClientRequest}. */
export type ClientRequestValidation =
  AcceptableRequest | { ok: false; rejection: HandshakeRejection };

/**
 * A rejection with the usual body.
 *
 * @param status - The HTTP status.
 * @param code - The stable code.
 * @param message - What was wrong, without echoing header values.
 * @param headers - Headers the response must carry.
 * @returns The rejection.
 * @example
 * handshakeRejection(400, HandshakeErrorCode.Key, 'Sec-WebSocket-Key is missing');
 */
export function handshakeRejection(
  status: number,
  code: HandshakeErrorCode,
  message: string,
  headers: Record<string, string> = {},
): HandshakeRejection {
  return {
    status,
    headers,
    body: `Failed to open a WebSocket connection: ${message}.\n`,
    code,
    message,
  };
}

/**
 * Validates an opening handshake request (RFC 6455 section 4.2.1). Rules, in order:
 * GET (else 405 with `Allow: GET`); HTTP/1.1 or later; exactly one non-empty Host; Upgrade
 * listing `websocket` and Connection listing `upgrade`, without regard to case and among other
 * tokens; Sec-WebSocket-Version exactly `13` (else 426 with `Sec-WebSocket-Version: 13`); one
 * Sec-WebSocket-Key that is strict base64 of 16 bytes; well-formed Sec-WebSocket-Protocol
 * (no repeats) and Sec-WebSocket-Extensions. Every other failure is a 400.
 *
 * @param request - Method, HTTP version and headers, e.g. an `http.IncomingMessage`.
 * @returns `{ ok: true, key, protocols, extensions }`, or `{ ok: false, rejection }` to send with
 *   {@link buildRejectionResponse}.
 * @throws Never for malformed input: every malformation becomes a rejection.
 * @example
 * server.on('upgrade', (req, socket) => {
 *   const result = validateClientRequest(req);
 *   if (!result.ok) return socket.end(buildRejectionResponse(result.rejection));
 *   socket.write(buildAcceptResponse({ key: result.key }));
 * });
 */
export function validateClientRequest(request: UpgradeRequest): ClientRequestValidation {
  const headers = byLowerCaseName(request.headers);
  try {
    const rejection =
      checkRequestLine(request) ??
      checkHost(headers) ??
      checkUpgrade(headers) ??
      checkVersion(headers) ??
      checkKey(headers);
    if (rejection !== undefined) return { ok: false, rejection };
    const { protocols, extensions } = offersOf(headers);
    const key = valuesOf(headers, 'sec-websocket-key')[0];
    return { ok: true, key, protocols, extensions };
  } catch (error) {
    return { ok: false, rejection: rejectionOf(error) };
  }
}

/**
 * The subprotocols and extensions a request offers, the same over HTTP/1.1 and HTTP/2.
 *
 * @param headers - The request headers.
 * @returns The offers, in the client's order of preference.
 * @throws {HandshakeError} For a malformed list or a subprotocol offered twice.
 * @example
 * parseOffers({ 'sec-websocket-protocol': 'chat, superchat' }).protocols; // ['chat', 'superchat']
 */
export function parseOffers(headers: HeaderRecord): {
  protocols: string[];
  extensions: ExtensionOffer[];
} {
  return offersOf(byLowerCaseName(headers));
}

/** {@link parseOffers} of headers already keyed by lower-case name. */
function offersOf(headers: HeaderRecord): { protocols: string[]; extensions: ExtensionOffer[] } {
  const protocols = parseTokenList(
    valuesOf(headers, 'sec-websocket-protocol'),
    'Sec-WebSocket-Protocol',
  );
  // RFC 6455 section 4.1, item 10: the subprotocols "MUST all be unique strings".
  if (protocols.length > 1 && new Set(protocols).size !== protocols.length) {
    const message = 'a subprotocol is offered twice in Sec-WebSocket-Protocol';
    throw new HandshakeError(HandshakeErrorCode.DuplicateSubprotocol, message);
  }
  const extensions = parseExtensionHeader(valuesOf(headers, 'sec-websocket-extensions'));
  return { protocols, extensions };
}

/**
 * The headers keyed by lower-case name, values of names that differ only by case together in
 * record order: the record itself when every name is lower case already (node:http's `headers`,
 * the server's handshake fields), so each field is then one property read.
 */
function byLowerCaseName(headers: HeaderRecord): HeaderRecord {
  const names = Object.keys(headers);
  let i = 0;
  while (i < names.length && !hasUpperCase(names[i])) i++;
  if (i === names.length) return headers;
  const merged: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const name of names) {
    const value = headers[name];
    if (value === undefined) continue;
    const values = (merged[name.toLowerCase()] ??= []);
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  return merged;
}

function hasUpperCase(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 0x41 && code <= 0x5a) return true;
  }
  return false;
}

const NO_VALUES: readonly string[] = Object.freeze([]);

/** The values of a field of a record keyed by lower-case name (`name` is lower case). */
function valuesOf(headers: HeaderRecord, name: string): readonly string[] {
  const value = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (value === undefined) return NO_VALUES;
  return typeof value === 'string' ? [value] : value;
}

/**
 * The 400 for a malformed header that a list parser reported; other errors are rethrown.
 *
 * @param error - What {@link parseOffers} or a list parser threw.
 * @returns The rejection.
 * @example
 * try { parseOffers(headers); } catch (error) { return { ok: false, rejection: rejectionOf(error) }; }
 */
export function rejectionOf(error: unknown): HandshakeRejection {
  if (!(error instanceof HandshakeError)) throw error;
  return handshakeRejection(400, error.code as HandshakeErrorCode, error.message);
}

/** "The method of the request MUST be GET, and the HTTP version MUST be at least 1.1." */
function checkRequestLine(request: UpgradeRequest): HandshakeRejection | undefined {
  if (request.method !== 'GET') {
    const message = 'the request method must be GET';
    return handshakeRejection(405, HandshakeErrorCode.Method, message, { Allow: 'GET' });
  }
  if (!isHttp11OrLater(request.httpVersion)) {
    return handshakeRejection(
      400,
      HandshakeErrorCode.HttpVersion,
      'the request must be HTTP/1.1 or later',
    );
  }
  return undefined;
}

/** Parses 'major.minor' (digits only) and compares with 1.1. */
function isHttp11OrLater(version: string): boolean {
  if (typeof version !== 'string') return false;
  const dot = version.indexOf('.');
  const major = dot === -1 ? version : version.slice(0, dot);
  const minor = dot === -1 ? '0' : version.slice(dot + 1);
  if (!isDigits(major) || !isDigits(minor)) return false;
  return Number(major) > 1 || (Number(major) === 1 && Number(minor) >= 1);
}

/** True for a non-empty, short run of ASCII digits. */
function isDigits(text: string): boolean {
  if (text.length === 0 || text.length > 3) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/** Section 4.2.1, item 2: a |Host| header field (RFC 7230: exactly one). */
function checkHost(headers: HeaderRecord): HandshakeRejection | undefined {
  const host = valuesOf(headers, 'host');
  if (host.length === 1 && host[0] !== '') return undefined;
  const what = host.length > 1 ? 'repeated' : 'missing';
  return handshakeRejection(400, HandshakeErrorCode.Host, `the Host header is ${what}`);
}

/**
 * Section 4.2.1, items 3 and 4: "An |Upgrade| header field containing the value "websocket",
 * treated as an ASCII case-insensitive value" and "A |Connection| header field that includes
 * the token "Upgrade", treated as an ASCII case-insensitive value".
 */
function checkUpgrade(headers: HeaderRecord): HandshakeRejection | undefined {
  const upgradeValues = valuesOf(headers, 'upgrade');
  // The usual values ("websocket", "Upgrade") need no list parsing.
  if (!isSingle(upgradeValues, 'websocket')) {
    const upgrade = parseUpgradeList(upgradeValues);
    if (!upgrade.some((protocol) => protocol.toLowerCase() === 'websocket')) {
      return handshakeRejection(
        400,
        HandshakeErrorCode.Upgrade,
        'the Upgrade header must list websocket',
      );
    }
  }
  const connectionValues = valuesOf(headers, 'connection');
  if (!isSingle(connectionValues, 'upgrade')) {
    const connection = parseTokenList(connectionValues, 'Connection');
    if (!connection.some((option) => option.toLowerCase() === 'upgrade')) {
      return handshakeRejection(
        400,
        HandshakeErrorCode.Connection,
        'the Connection header must list upgrade',
      );
    }
  }
  return undefined;
}

/** True when `values` is one value equal to the lower-case `token`, in any case. */
function isSingle(values: readonly string[], token: string): boolean {
  return (
    values.length === 1 && values[0].length === token.length && values[0].toLowerCase() === token
  );
}

/**
 * Section 4.2.2, item 4: for a version the server does not understand, send "an appropriate
 * HTTP error code (such as 426 Upgrade Required) and a |Sec-WebSocket-Version| header field
 * indicating the version(s) the server is capable of understanding". RFC 7231 section 6.5.15
 * requires a 426 to carry Upgrade as well.
 */
function checkVersion(headers: HeaderRecord): HandshakeRejection | undefined {
  const version = valuesOf(headers, 'sec-websocket-version');
  if (version.length === 1 && version[0] === '13') return undefined;
  const message = 'Sec-WebSocket-Version must be 13';
  const required = { 'Sec-WebSocket-Version': '13', Upgrade: 'websocket' };
  return handshakeRejection(426, HandshakeErrorCode.Version, message, required);
}

/** Section 4.2.1, item 5: "A |Sec-WebSocket-Key| header field with a base64-encoded value
 * that, when decoded, is 16 bytes in length." */
function checkKey(headers: HeaderRecord): HandshakeRejection | undefined {
  const key = valuesOf(headers, 'sec-websocket-key');
  if (key.length === 1 && isValidKey(key[0])) return undefined;
  const what =
    key.length === 0 ? 'missing' : key.length > 1 ? 'repeated' : 'not base64 of 16 bytes';
  return handshakeRejection(400, HandshakeErrorCode.Key, `Sec-WebSocket-Key is ${what}`);
}

/** What {@link buildAcceptResponse} needs. */
export interface AcceptOptions {
  /** The client's Sec-WebSocket-Key. */
  key: string;
  /** The subprotocol chosen; it must be one of `offeredProtocols`. */
  subprotocol?: string | undefined;
  /** What the client offered (`protocols` of the validation result); needed with `subprotocol`. */
  offeredProtocols?: readonly string[];
  /** The extensions accepted, with the response parameters, as negotiated from the offers. */
  extensions?: readonly ExtensionOffer[];
  /** Extra response headers; none of the handshake's own (Connection, Upgrade, Sec-WebSocket-*). */
  headers?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Renders the 101 response that completes the handshake (RFC 6455 section 4.2.2, item 5), as
 * the raw string to write on the upgraded socket. It is ASCII only.
 *
 * @param options - The key, the choices made, and extra headers.
 * @returns `HTTP/1.1 101 Switching Protocols\r\n...\r\n\r\n`.
 * @throws {TypeError} When the key is not valid, the subprotocol or an extension is not made of
 *   tokens, or a header is invalid (CR, LF or another control character in a value, a name that
 *   is not a token) or owned by the handshake.
 * @throws {RangeError} When `subprotocol` is not one the client offered.
 * @example
 * socket.write(buildAcceptResponse({
 *   key: result.key, subprotocol: 'chat', offeredProtocols: result.protocols,
 * }));
 */
export function buildAcceptResponse(options: AcceptOptions): string {
  const { key, subprotocol, offeredProtocols = [], extensions = [], headers = {} } = options;
  if (!isValidKey(key)) throw new TypeError('Invalid Sec-WebSocket-Key: not base64 of 16 bytes');
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${computeAccept(key)}`,
  ];
  if (subprotocol !== undefined) {
    if (typeof subprotocol !== 'string' || !isToken(subprotocol)) {
      throw new TypeError(`Invalid subprotocol: ${JSON.stringify(subprotocol)}`);
    }
    if (!offeredProtocols.includes(subprotocol)) {
      throw new RangeError(`Subprotocol ${subprotocol} was not offered by the client`);
    }
    lines.push(`Sec-WebSocket-Protocol: ${subprotocol}`);
  }
  if (extensions.length > 0) {
    lines.push(`Sec-WebSocket-Extensions: ${formatExtensionHeader(extensions)}`);
  }
  pushHeaderLines(lines, headers, HANDSHAKE_HEADER_NAMES);
  return lines.join('\r\n') + '\r\n\r\n';
}

/** Appends `name: value` lines, refusing reserved names and unsafe names or values. */
function pushHeaderLines(
  lines: string[],
  headers: Readonly<Record<string, string | readonly string[]>>,
  reserved: ReadonlySet<string>,
): void {
  for (const [name, value] of Object.entries(headers)) {
    if (reserved.has(name.toLowerCase())) {
      throw new TypeError(`Header ${name} is set by the handshake and may not be given`);
    }
    for (const one of typeof value === 'string' ? [value] : value) {
      checkHeaderField(name, one);
      lines.push(`${name}: ${one}`);
    }
  }
}

/** Headers a rejection computes itself. */
const REJECTION_HEADER_NAMES: ReadonlySet<string> = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
]);

/** Reason phrases for the statuses a handshake is likely to answer with. */
const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  301: 'Moved Permanently',
  302: 'Found',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** What {@link buildRejectionResponse} needs; a {@link HandshakeRejection} fits. */
export interface RejectionOptions {
  /** The HTTP status, 200 to 599. */
  status: number;
  /** Extra headers; Content-Type may be replaced, Content-Length and Connection may not. */
  headers?: Readonly<Record<string, string | readonly string[]>>;
  /** The text body; '' when omitted. */
  body?: string;
}

/**
 * Renders an HTTP/1.1 response that refuses the upgrade, as the raw string to write on the
 * socket before closing it. It carries `Content-Type: text/plain; charset=utf-8` (unless
 * replaced), `Content-Length` (UTF-8 bytes of the body) and `Connection: close` (`Upgrade,
 * close` when an Upgrade header is given, as RFC 7230 section 6.7 asks). Write it as UTF-8.
 *
 * @param options - Status, extra headers and body, e.g. a {@link HandshakeRejection}.
 * @returns The whole response, head and body.
 * @throws {RangeError} When the status is not an integer from 200 to 599.
 * @throws {TypeError} When a header is invalid (CR, LF or another control character in a
 *   value, a name that is not a token) or is Content-Length, Transfer-Encoding or Connection.
 * @example
 * socket.end(buildRejectionResponse({ status: 403, body: 'Forbidden origin\n' }));
 */
export function buildRejectionResponse(options: RejectionOptions): string {
  const { status, headers = {}, body = '' } = options;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new RangeError(`Invalid status for a rejection: ${status}`);
  }
  const names = Object.keys(headers).map((name) => name.toLowerCase());
  // RFC 7230 section 3.1.2: the space before the reason phrase stays even when it is empty.
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? ''}`];
  if (!names.includes('content-type')) lines.push('Content-Type: text/plain; charset=utf-8');
  pushHeaderLines(lines, headers, REJECTION_HEADER_NAMES);
  lines.push(`Content-Length: ${Buffer.byteLength(body, 'utf8')}`);
  lines.push(`Connection: ${names.includes('upgrade') ? 'Upgrade, close' : 'close'}`);
  return lines.join('\r\n') + '\r\n\r\n' + body;
}
