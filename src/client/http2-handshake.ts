// Client layer: the opening handshake inside an HTTP/2 connection (RFC 8441): an extended
// CONNECT stream on a session the caller shares, or on one made for this WebSocket; undefined
// when the server does not speak HTTP/2 or does not advertise SETTINGS_ENABLE_CONNECT_PROTOCOL,
// so that the caller falls back to HTTP/1.1.

import { connect as connectHttp2, constants } from 'node:http2';
import type {
  ClientHttp2Session,
  ClientHttp2Stream,
  IncomingHttpHeaders,
  OutgoingHttpHeaders,
} from 'node:http2';
import { EMPTY } from '../codec/bytes.js';
import { handOver } from './handshake.js';
import type { HandshakeLimits, HandshakeResult, TakeOver } from './handshake.js';
import { readBody } from './http-handshake.js';
import { requestTarget } from './request.js';
import type { ResolvedRequest } from './request.js';
import { judgeResponse, judgeWithoutUpgrade, networkError, timeoutError } from './response.js';
import type { RawResponse } from './response.js';

/**
 * Runs the opening handshake as an extended CONNECT on an HTTP/2 session: the request's shared
 * `http2` session, or a session of its own that closes with the WebSocket's stream.
 *
 * @param request - The resolved request, with `http2` set.
 * @param limits - Body bound and clock.
 * @param takeOver - Called with the stream of a valid upgrade (a 200).
 * @returns The judged response; for a valid one, what `takeOver` returned. Undefined when the
 *   server's SETTINGS do not enable extended CONNECT, or (for a session of its own) when the
 *   server does not speak HTTP/2 at all: the caller then uses HTTP/1.1.
 * @throws {HandshakeError} (rejects) `_NETWORK` when the session or the stream fails before the
 *   response, `_TIMEOUT` when the handshake takes too long.
 * @example
 * const result = await http2Handshake(resolveRequest({ url, http2: true }), limits, start);
 * if (result === undefined) return httpHandshake(request, limits, start); // no RFC 8441
 */
export function http2Handshake<T>(
  request: ResolvedRequest,
  limits: HandshakeLimits,
  takeOver: TakeOver<T>,
): Promise<HandshakeResult<T> | undefined> {
  const shared = typeof request.http2 === 'object' ? request.http2 : undefined;
  return new Promise((resolve, reject) => {
    let session: ClientHttp2Session;
    try {
      session = shared ?? connectHttp2(originOf(request), request.secure ? request.tls : {});
    } catch (error) {
      reject(networkError(request.url, error));
      return;
    }
    new ExtendedConnect(
      request,
      session,
      shared === undefined,
      limits,
      takeOver,
      resolve,
      reject,
    ).start();
  });
}

/** One extended CONNECT: waits for the server's SETTINGS, sends it, judges the answer once. */
class ExtendedConnect<T> {
  #settled = false;
  #stream: ClientHttp2Stream | undefined;
  #timer: unknown;
  /** Whether the server's SETTINGS arrived (a session of its own that fails before them may
   * not be an HTTP/2 server at all). */
  #settingsSeen = false;
  readonly #onSessionError = (error: Error): void => this.#sessionFailed(error);
  readonly #onSessionClose = (): void =>
    this.#fail(networkError(this.request.url, new Error('the HTTP/2 session closed')));

  constructor(
    readonly request: ResolvedRequest,
    readonly session: ClientHttp2Session,
    readonly ownSession: boolean,
    readonly limits: HandshakeLimits,
    readonly takeOver: TakeOver<T>,
    readonly resolve: (result: HandshakeResult<T> | undefined) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  start(): void {
    const { session, request, limits } = this;
    this.#timer = limits.clock.setTimeout(() => {
      this.#fail(timeoutError(request.url, request.handshakeTimeoutMs));
    }, request.handshakeTimeoutMs);
    if (session.destroyed || session.closed) return this.#onSessionClose();
    session.on('error', this.#onSessionError);
    session.on('close', this.#onSessionClose);
    whenSettingsKnown(session, (enabled) => {
      this.#settingsSeen = true;
      if (this.#settled) return;
      if (enabled) this.#send();
      else this.#settle(() => this.resolve(undefined), true);
    });
  }

  /** Sends the extended CONNECT and waits for its response. */
  #send(): void {
    let stream: ClientHttp2Stream;
    try {
      stream = this.session.request(connectHeaders(this.request));
    } catch (error) {
      // Headers HTTP/2 refuses (a connection-specific field among the extra headers), a session
      // going away.
      return this.#settle(() => this.reject(error), true);
    }
    this.#stream = stream;
    stream.on('error', (error: Error) => this.#fail(networkError(this.request.url, error)));
    stream.once('response', (headers: IncomingHttpHeaders) => this.#answered(stream, headers));
  }

  #answered(stream: ClientHttp2Stream, headers: IncomingHttpHeaders): void {
    if (this.#settled) return;
    const raw = rawResponse(headers);
    if (raw.status !== 200) {
      void readBody(stream, this.limits.maxResponseBodyBytes).then((body) => {
        const response = judgeWithoutUpgrade({ ...raw, body }, this.request);
        this.#settle(() => this.resolve({ response }), true);
      });
      return;
    }
    const response = judgeResponse(raw, this.request, true);
    if (!response.valid) return this.#settle(() => this.resolve({ response }), true);
    // The WebSocket owns the stream now; a session of its own ends with it.
    if (this.ownSession) stream.once('close', () => this.session.close());
    this.#settle(() => {
      const handed = handOver(this.takeOver, stream, EMPTY, response);
      if ('result' in handed) this.resolve(handed.result);
      else this.reject(handed.error);
    }, false);
  }

  #sessionFailed(error: Error): void {
    // A session of its own that fails before any SETTINGS: the server does not speak HTTP/2
    // (TLS without h2 in ALPN; an HTTP/1.1 server reading the preface): HTTP/1.1 it is.
    if (this.ownSession && !this.#settingsSeen && notHttp2(error)) {
      return this.#settle(() => this.resolve(undefined), true);
    }
    this.#fail(networkError(this.request.url, error));
  }

  #fail(error: unknown): void {
    this.#settle(() => this.reject(error), true);
  }

  /** Settles once; `release` closes the stream (and a session of its own). */
  #settle(finish: () => void, release: boolean): void {
    if (this.#settled) return;
    this.#settled = true;
    this.limits.clock.clearTimeout(this.#timer as never);
    this.session.off('error', this.#onSessionError);
    this.session.off('close', this.#onSessionClose);
    if (release) {
      const stream = this.#stream;
      if (stream !== undefined && !stream.closed) stream.close(constants.NGHTTP2_CANCEL);
      if (this.ownSession) {
        // Nobody listens any more: a late error must not crash the process.
        this.session.on('error', () => undefined);
        this.session.destroy();
      }
    }
    finish();
  }
}

/**
 * Calls `then` with whether the server enables extended CONNECT, once its SETTINGS are known:
 * at once when they say so, on the first SETTINGS of a session still connecting, else after a
 * PING round trip (the server's SETTINGS come before any other frame it sends).
 */
function whenSettingsKnown(session: ClientHttp2Session, then: (enabled: boolean) => void): void {
  const enabled = (): boolean => session.remoteSettings.enableConnectProtocol === true;
  if (session.connecting) {
    session.once('remoteSettings', () => then(enabled()));
    return;
  }
  if (enabled()) {
    process.nextTick(then, true);
    return;
  }
  session.ping((error) => {
    if (error === null) then(enabled());
  });
}

/** The session errors that say a server does not speak HTTP/2. */
function notHttp2(error: Error & { code?: string }): boolean {
  return (
    error.code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL' || error.code === 'ERR_HTTP2_ERROR'
  );
}

/** `https://host:port` or `http://host:port` for a session of its own (h2c for ws:). */
function originOf(request: ResolvedRequest): string {
  return `${request.secure ? 'https' : 'http'}://${request.url.host}`;
}

/**
 * The headers of the extended CONNECT (RFC 8441 section 5): the pseudo-headers, then the
 * handshake's and the extra ones, in lower case, without what HTTP/2 has no use for (Connection,
 * Upgrade, Sec-WebSocket-Key); a Host among the extra headers becomes `:authority`.
 */
function connectHeaders(request: ResolvedRequest): OutgoingHttpHeaders {
  const { path, host } = requestTarget(request.url);
  const headers: OutgoingHttpHeaders = {
    ':method': 'CONNECT',
    ':protocol': 'websocket',
    ':scheme': request.secure ? 'https' : 'http',
    ':path': path,
    ':authority': host,
  };
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'connection' || lower === 'upgrade' || lower === 'sec-websocket-key') continue;
    if (lower === 'host') headers[':authority'] = typeof value === 'string' ? value : value[0];
    else headers[lower] = value;
  }
  return headers;
}

/** The status and the headers (no pseudo-headers) of a stream's response. */
function rawResponse(headers: IncomingHttpHeaders): RawResponse {
  const fields: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(':')) fields[name] = value;
  }
  return { status: Number(headers[':status'] ?? 0), statusText: '', headers: fields };
}
