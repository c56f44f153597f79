// Client layer: Akka's WebSocketUpgradeResponse — the server's answer to the opening handshake,
// judged: a ValidUpgrade (101, checked) or an InvalidUpgradeResponse carrying the plain HTTP answer.

import { HandshakeError, HandshakeErrorCode } from '../errors.js';
import type { NegotiatedDeflate } from '../extensions/deflate-options.js';
import { acceptDeflateResponse } from '../extensions/negotiation.js';
import {
  validateExtendedConnectResponse,
  validateServerResponse,
} from '../protocol/client-handshake.js';
import { copyHeaders } from '../protocol/header-tokens.js';
import type { ExtensionOffer, HeaderRecord } from '../protocol/header-tokens.js';
import type { ResolvedRequest } from './request.js';

/** Response headers, names in lower case; repeated ones as a list. */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The server accepted the upgrade: the checked 101 response (200 over HTTP/2). */
export interface ValidUpgrade {
  readonly valid: true;
  /** 101 over HTTP/1.1; 200 over HTTP/2, where the WebSocket runs on a stream (RFC 8441). */
  readonly status: 101 | 200;
  /** The reason phrase, e.g. 'Switching Protocols'. */
  readonly statusText: string;
  /** The response headers. */
  readonly headers: ResponseHeaders;
  /** The subprotocol the server chose among those offered, or undefined (Akka's `chosenSubprotocol`). */
  readonly chosenSubprotocol: string | undefined;
  /** The extensions the server accepted among those offered, with its parameters. */
  readonly extensions: readonly ExtensionOffer[];
  /** permessage-deflate as agreed, or undefined when it is not in use (docs/compression.md). */
  readonly perMessageDeflate: NegotiatedDeflate | undefined;
}

/**
 * The server answered, but not with a valid upgrade: a plain HTTP response (a 404 with its
 * body, a 401, ...) or a 101 that fails the checks of RFC 6455 section 4.1.
 */
export interface InvalidUpgradeResponse {
  readonly valid: false;
  /** The HTTP status. */
  readonly status: number;
  /** The reason phrase, '' when none. */
  readonly statusText: string;
  /** The response headers. */
  readonly headers: ResponseHeaders;
  /** The response body, UTF-8 decoded, up to `maxResponseBodyBytes`; '' for a 101. */
  readonly body: string;
  /** Why the upgrade failed, as the error that `openWebSocket` rejects with. */
  readonly cause: HandshakeError;
}

/** The server's answer to a WebSocket request (Akka's `WebSocketUpgradeResponse`). */
export type WebSocketUpgradeResponse = ValidUpgrade | InvalidUpgradeResponse;

/** What a handshake read from the server, before judging it. */
export interface RawResponse {
  status: number;
  statusText: string;
  headers: HeaderRecord;
  /** The body, for answers other than 101. */
  body?: string;
}

/**
 * Judges the server's answer against what the request offered (RFC 6455 section 4.1; over
 * HTTP/2, RFC 8441 section 5).
 *
 * @param response - Status, reason, headers and (for a plain answer) body.
 * @param request - The request that was sent: key and offers.
 * @param http2 - Whether it answers an extended CONNECT: a 200 accepts it, with no accept key.
 * @returns A {@link ValidUpgrade}, or an {@link InvalidUpgradeResponse} whose `cause` says why.
 * @throws Nothing for any answer of the server; only programming errors escape.
 * @example
 * const judged = judgeResponse({ status: 404, statusText: 'Not Found', headers: {}, body }, resolved);
 * if (!judged.valid) console.log(judged.status, judged.body);
 */
export function judgeResponse(
  response: RawResponse,
  request: ResolvedRequest,
  http2 = false,
): WebSocketUpgradeResponse {
  const headers = copyHeaders(response.headers);
  try {
    const answer = { status: response.status, headers, body: response.body ?? '' };
    const offer = {
      key: request.key,
      offeredProtocols: request.subprotocols,
      offeredExtensions: request.extensions,
    };
    const agreed = http2
      ? validateExtendedConnectResponse(answer, offer)
      : validateServerResponse(answer, offer);
    const deflate = request.perMessageDeflate;
    return {
      valid: true,
      status: http2 ? 200 : 101,
      statusText: response.statusText,
      headers,
      chosenSubprotocol: agreed.subprotocol,
      extensions: agreed.extensions,
      perMessageDeflate: deflate && judgeDeflate(agreed.extensions, deflate, response, headers),
    };
  } catch (error) {
    if (!(error instanceof HandshakeError)) throw error;
    return invalidResponse({ ...response, headers }, error);
  }
}

/** RFC 7692 section 5: a permessage-deflate answer the offer does not allow fails the handshake. */
function judgeDeflate(
  accepted: readonly ExtensionOffer[],
  options: NonNullable<ResolvedRequest['perMessageDeflate']>,
  response: RawResponse,
  headers: Record<string, string | string[] | undefined>,
): NegotiatedDeflate | undefined {
  try {
    return acceptDeflateResponse(accepted, options);
  } catch (error) {
    if (!(error instanceof HandshakeError)) throw error;
    const { status, body = '' } = response;
    throw new HandshakeError(
      error.code,
      error.message,
      { status, headers, body },
      { cause: error },
    );
  }
}

/**
 * Judges an answer that brought no upgraded connection with it: a plain HTTP response (whose
 * status is not 101, so it fails the checks), or a 101 that the HTTP client did not treat as one.
 *
 * @param response - What the server answered, with its body.
 * @param request - The request that was sent.
 * @returns The invalid response.
 * @example
 * const refused = judgeWithoutUpgrade({ status: 404, statusText: 'Not Found', headers, body }, resolved);
 */
export function judgeWithoutUpgrade(
  response: RawResponse,
  request: ResolvedRequest,
): InvalidUpgradeResponse {
  const judged = judgeResponse(response, request);
  if (!judged.valid) return judged;
  const cause = new HandshakeError(
    HandshakeErrorCode.Upgrade,
    'Invalid response: a 101 that brought no upgraded connection',
    { status: judged.status, headers: { ...judged.headers } },
  );
  return invalidResponse(response, cause);
}

/**
 * An {@link InvalidUpgradeResponse} for a response and the reason it fails.
 *
 * @param response - What the server answered.
 * @param cause - Why it is not a valid upgrade.
 * @returns The invalid response, with its body ('' when none was read).
 * @example
 * invalidResponse(raw, new HandshakeError(HandshakeErrorCode.Upgrade, 'no upgrade'));
 */
export function invalidResponse(
  response: RawResponse,
  cause: HandshakeError,
): InvalidUpgradeResponse {
  return {
    valid: false,
    status: response.status,
    statusText: response.statusText,
    headers: copyHeaders(response.headers),
    body: response.body ?? '',
    cause,
  };
}

/**
 * The error of a connection that failed before any response: refused, DNS, TLS, reset.
 *
 * @param url - The URL that was requested (without user info).
 * @param cause - The system error, e.g. with `code` ECONNREFUSED.
 * @returns A HandshakeError `WSFLOW_ERR_HANDSHAKE_NETWORK` (status undefined) with `cause`.
 * @example
 * req.on('error', (error) => reject(networkError(url, error)));
 */
export function networkError(url: URL, cause: unknown): HandshakeError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new HandshakeError(
    HandshakeErrorCode.Network,
    `Could not open a WebSocket to ${url.href}: ${detail}`,
    {},
    { cause },
  );
}

/**
 * The error of a handshake that did not complete in time.
 *
 * @param url - The URL that was requested.
 * @param timeoutMs - The limit that passed.
 * @returns A HandshakeError `WSFLOW_ERR_HANDSHAKE_TIMEOUT` (status undefined).
 * @example
 * reject(timeoutError(url, 10_000));
 */
export function timeoutError(url: URL, timeoutMs: number): HandshakeError {
  return new HandshakeError(
    HandshakeErrorCode.Timeout,
    `The opening handshake with ${url.href} did not complete within ${timeoutMs} ms`,
  );
}
