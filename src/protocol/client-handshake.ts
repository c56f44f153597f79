// Protocol layer: the client side of the RFC 6455 opening handshake as plain data. It builds the
// request headers to hand to node:http and validates the server's response; no I/O happens here.

import { randomBytes } from 'node:crypto';
import { HandshakeError, HandshakeErrorCode } from '../errors.js';
import {
  type ExtensionOffer,
  type HeaderRecord,
  checkHeaderField,
  copyHeaders,
  formatExtensionHeader,
  formatTokenList,
  getHeaderValues,
  parseExtensionHeader,
  parseTokenList,
  parseUpgradeList,
} from './header-tokens.js';
import { HANDSHAKE_HEADER_NAMES, computeAccept, isValidKey } from './handshake.js';

/**
 * Generates a Sec-WebSocket-Key: 16 random bytes, base64 (RFC 6455 section 4.1).
 *
 * @returns A fresh 24-character key.
 * @example
 * const key = generateKey(); // e.g. 'dGhlIHNhbXBsZSBub25jZQ=='
 */
export function generateKey(): string {
  return randomBytes(16).toString('base64');
}

/** What {@link buildClientHandshakeHeaders} needs. */
export interface ClientHandshakeOptions {
  /** The Sec-WebSocket-Key, from {@link generateKey}. */
  key: string;
  /** Subprotocols to offer, in order of preference; tokens, unique. */
  protocols?: readonly string[];
  /** Extensions to offer, e.g. from permessage-deflate's offer. */
  extensions?: readonly ExtensionOffer[];
  /** Extra request headers (Origin, Authorization, ...); none of the handshake's own. */
  headers?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Builds the request headers of the opening handshake (RFC 6455 section 4.1), to pass as
 * `headers` to `http.request`. node:http adds Host. User headers come after the handshake's;
 * they may not set a header the handshake owns (`HANDSHAKE_HEADER_NAMES`), whatever its
 * case: that is refused rather than silently overridden.
 *
 * @param options - The key, the offers, and extra headers.
 * @returns The request headers, handshake headers first.
 * @throws {TypeError} When the key is not valid, a subprotocol is not a token or is repeated,
 *   an extension does not format, or a user header is invalid or owned by the handshake.
 * @example
 * const key = generateKey();
 * const headers = buildClientHandshakeHeaders({ key, protocols: ['chat'] });
 * // { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key,
 * //   'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Protocol': 'chat' }
 */
export function buildClientHandshakeHeaders(
  options: ClientHandshakeOptions,
): Record<string, string | string[]> {
  const { key, protocols = [], extensions = [], headers = {} } = options;
  if (!isValidKey(key)) throw new TypeError('Invalid Sec-WebSocket-Key: not base64 of 16 bytes');
  const result: Record<string, string | string[]> = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Version': '13',
  };
  if (protocols.length > 0) result['Sec-WebSocket-Protocol'] = formatSubprotocols(protocols);
  if (extensions.length > 0) result['Sec-WebSocket-Extensions'] = formatExtensionHeader(extensions);
  for (const [name, value] of Object.entries(headers)) {
    if (HANDSHAKE_HEADER_NAMES.has(name.toLowerCase())) {
      throw new TypeError(`Header ${name} is set by the handshake and may not be given`);
    }
    const values: readonly string[] = typeof value === 'string' ? [value] : value;
    for (const one of values) checkHeaderField(name, one);
    result[name] = typeof value === 'string' ? value : [...values];
  }
  return result;
}

/** Formats offered subprotocols, refusing non-tokens and repeats (RFC 6455 section 4.1, 10). */
function formatSubprotocols(protocols: readonly string[]): string {
  if (new Set(protocols).size !== protocols.length) {
    throw new TypeError('Invalid subprotocols: a subprotocol is offered twice');
  }
  try {
    return formatTokenList(protocols);
  } catch (error) {
    throw new TypeError(`Invalid subprotocol: ${(error as Error).message}`, { cause: error });
  }
}

/** The parts of the server's response the validation reads (the shape of IncomingMessage). */
export interface ServerResponse {
  /** The HTTP status code (`IncomingMessage.statusCode`). */
  status: number | undefined;
  /** The response headers (`IncomingMessage.headers`). */
  headers: HeaderRecord;
  /** The response body when the caller read it (non-101 answers); carried into errors. */
  body?: string;
}

/** What the client sent, to check the response against. */
export interface ClientOffer {
  /** The Sec-WebSocket-Key that was sent. */
  key: string;
  /** The subprotocols that were offered; none when omitted. */
  offeredProtocols?: readonly string[];
  /** The extensions that were offered; none when omitted. Compared by name only. */
  offeredExtensions?: readonly ExtensionOffer[];
}

/** What the server agreed to. */
export interface HandshakeAgreement {
  /** The subprotocol the server chose, or undefined when it chose none. */
  subprotocol: string | undefined;
  /** The extensions the server accepted, with its parameters, in its order. */
  extensions: ExtensionOffer[];
}

/**
 * Validates the server's answer to the opening handshake (RFC 6455 section 4.1, "the client
 * MUST validate the server's response"). Tokens in Upgrade and Connection are compared without
 * regard to case and may sit among others. Extension parameters are not judged here: the
 * extension's own negotiation does that.
 *
 * @param response - Status, headers and (optionally) body of the response.
 * @param offer - The key and the offers the request carried.
 * @returns The chosen subprotocol and the accepted extensions.
 * @throws {HandshakeError} Carrying the response's status, headers and body, with code
 *   `WSFLOW_ERR_HANDSHAKE_STATUS` (not 101), `_UPGRADE`, `_CONNECTION`, `_ACCEPT`,
 *   `_MULTIPLE_SUBPROTOCOLS`, `_SUBPROTOCOL_NOT_OFFERED`, `_EXTENSION_NOT_OFFERED`, or
 *   `_INVALID_HEADER` (a list header that does not parse).
 * @example
 * const { subprotocol } = validateServerResponse(
 *   { status: res.statusCode, headers: res.headers },
 *   { key, offeredProtocols: ['chat'] },
 * );
 */
export function validateServerResponse(
  response: ServerResponse,
  offer: ClientOffer,
): HandshakeAgreement {
  const check = responseCheck(response);
  checkResponseUpgrade(response, offer, check);
  return {
    subprotocol: chosenSubprotocol(response.headers, offer.offeredProtocols ?? [], check),
    extensions: acceptedExtensions(response.headers, offer.offeredExtensions ?? [], check),
  };
}

/** How the checks below fail: a HandshakeError carrying the whole response. */
/**
 * Validates the server's answer to an extended CONNECT (RFC 8441 section 5): a 200 accepts it
 * (no Upgrade, Connection or Sec-WebSocket-Accept over HTTP/2); the chosen subprotocol and the
 * accepted extensions are checked against the offer as over HTTP/1.1.
 *
 * @param response - The status and headers of the stream's response (and a body, if read).
 * @param offer - What was offered; no key (HTTP/2 has none).
 * @returns The chosen subprotocol and the accepted extensions.
 * @throws {HandshakeError} With `status`, `headers` and `body`: `_STATUS` for a status other than
 *   200, `_SUBPROTOCOL_NOT_OFFERED`, `_MULTIPLE_SUBPROTOCOLS`, `_EXTENSION_NOT_OFFERED`, or
 *   `_INVALID_EXTENSION` for a malformed header.
 * @example
 * const agreed = validateExtendedConnectResponse({ status: 200, headers }, { offeredProtocols: ['chat'] });
 */
export function validateExtendedConnectResponse(
  response: ServerResponse,
  offer: Omit<ClientOffer, 'key'>,
): HandshakeAgreement {
  const check = responseCheck(response);
  if (response.status !== 200) {
    const status = response.status ?? 'no status';
    check.fail(HandshakeErrorCode.Status, `Unexpected server response: ${status}`);
  }
  return {
    subprotocol: chosenSubprotocol(response.headers, offer.offeredProtocols ?? [], check),
    extensions: acceptedExtensions(response.headers, offer.offeredExtensions ?? [], check),
  };
}

interface Check {
  fail(code: string, message: string, cause?: unknown): never;
  /** Runs a header parser, attaching the response to its syntax error. */
  parse<T>(parser: () => T): T;
}

/** Builds the {@link Check} for one response. */
function responseCheck(response: ServerResponse): Check {
  const fail = (code: string, message: string, cause?: unknown): never => {
    const { status, headers, body = '' } = response;
    throw new HandshakeError(
      code,
      message,
      { status, headers: copyHeaders(headers), body },
      {
        cause,
      },
    );
  };
  const parse = <T>(parser: () => T): T => {
    try {
      return parser();
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      return fail(error.code, error.message, error);
    }
  };
  return { fail, parse };
}

/** Status 101, Upgrade: websocket, Connection: upgrade, and the accept value. */
function checkResponseUpgrade(response: ServerResponse, offer: ClientOffer, check: Check): void {
  const { status, headers } = response;
  // RFC 6455 section 4.1: "If the status code received from the server is not 101, the client
  // handles the response per HTTP procedures."
  if (status !== 101) {
    check.fail(HandshakeErrorCode.Status, `Unexpected server response: ${status ?? 'no status'}`);
  }
  const upgrade = check.parse(() => parseUpgradeList(getHeaderValues(headers, 'upgrade')));
  if (!upgrade.some((protocol) => protocol.toLowerCase() === 'websocket')) {
    check.fail(HandshakeErrorCode.Upgrade, 'Invalid response: Upgrade does not list websocket');
  }
  const connection = check.parse(() =>
    parseTokenList(getHeaderValues(headers, 'connection'), 'Connection'),
  );
  if (!connection.some((option) => option.toLowerCase() === 'upgrade')) {
    check.fail(HandshakeErrorCode.Connection, 'Invalid response: Connection does not list upgrade');
  }
  const accept = getHeaderValues(headers, 'sec-websocket-accept');
  if (accept.length !== 1 || accept[0] !== computeAccept(offer.key)) {
    const what = accept.length === 0 ? 'missing' : accept.length > 1 ? 'repeated' : 'wrong';
    check.fail(HandshakeErrorCode.Accept, `Invalid response: Sec-WebSocket-Accept is ${what}`);
  }
}

/**
 * RFC 6455 section 4.1, item 6: "If the response includes a |Sec-WebSocket-Protocol| header
 * field and this header field indicates the use of a subprotocol that was not present in the
 * client's handshake [...], the client MUST _Fail the WebSocket Connection_."
 */
function chosenSubprotocol(
  headers: HeaderRecord,
  offered: readonly string[],
  check: Check,
): string | undefined {
  const values = getHeaderValues(headers, 'sec-websocket-protocol');
  const chosen = check.parse(() => parseTokenList(values, 'Sec-WebSocket-Protocol'));
  if (chosen.length === 0) return undefined;
  if (chosen.length > 1) {
    check.fail(HandshakeErrorCode.MultipleSubprotocols, 'Server chose more than one subprotocol');
  }
  if (!offered.includes(chosen[0])) {
    check.fail(
      HandshakeErrorCode.SubprotocolNotOffered,
      `Server chose subprotocol ${chosen[0]}, which the client did not offer`,
    );
  }
  return chosen[0];
}

/**
 * RFC 6455 section 4.1, item 5: "If the response includes a |Sec-WebSocket-Extensions| header
 * field and this header field indicates the use of an extension that was not present in the
 * client's handshake [...], the client MUST _Fail the WebSocket Connection_."
 */
function acceptedExtensions(
  headers: HeaderRecord,
  offered: readonly ExtensionOffer[],
  check: Check,
): ExtensionOffer[] {
  const values = getHeaderValues(headers, 'sec-websocket-extensions');
  const accepted = check.parse(() => parseExtensionHeader(values));
  const names = new Set(offered.map((extension) => extension.name));
  for (const extension of accepted) {
    if (!names.has(extension.name)) {
      check.fail(
        HandshakeErrorCode.ExtensionNotOffered,
        `Server accepted extension ${extension.name}, which the client did not offer`,
      );
    }
  }
  return accepted;
}
