// Client layer: the opening handshake over a byte transport the user gives (any Duplex): writes
// the request head, reads the response head with the bounded parser, then hands the transport over.

import type { Duplex } from 'node:stream';
import type { HandshakeError } from '../errors.js';
import { guardTransport } from '../connection/transport-guard.js';
import { handOver } from './handshake.js';
import type { HandshakeLimits, HandshakeResult, TakeOver } from './handshake.js';
import { requestTarget } from './request.js';
import type { ResolvedRequest } from './request.js';
import { decodeChunked } from './chunked-body.js';
import { bodyLength, parseResponseHead } from './response-head.js';
import type { ResponseHead } from './response-head.js';
import { judgeResponse, judgeWithoutUpgrade, networkError, timeoutError } from './response.js';

/**
 * The request head as bytes go on the wire: request line, Host (unless given), the headers.
 *
 * @param request - The resolved request; its header values were checked when it was resolved.
 * @returns The head, CRLFCRLF included, as latin1 text.
 * @example
 * transport.write(formatRequestHead(resolveRequest('ws://h.test/chat')), 'latin1');
 */
export function formatRequestHead(request: ResolvedRequest): string {
  const { path, host } = requestTarget(request.url);
  const lines = [`GET ${path} HTTP/1.1`];
  const names = Object.keys(request.headers).map((name) => name.toLowerCase());
  if (!names.includes('host')) lines.push(`Host: ${host}`);
  for (const [name, value] of Object.entries(request.headers)) {
    for (const one of typeof value === 'string' ? [value] : value) lines.push(`${name}: ${one}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Runs the opening handshake over `transport`: the seed's BidiFlow, detached from TCP.
 *
 * @param request - The resolved request.
 * @param transport - The byte stream to the server; destroyed when the upgrade fails.
 * @param limits - Body bound and clock.
 * @param takeOver - Called with the transport and the bytes after the head on a valid upgrade.
 * @returns The judged response; for a valid one, what `takeOver` returned.
 * @throws {HandshakeError} (rejects) `_NETWORK` when the transport fails or ends before the head,
 *   `_TIMEOUT`, `_RESPONSE_TOO_LARGE` or `_INVALID_RESPONSE` for a head past its bounds or grammar.
 * @example
 * const result = await transportHandshake(resolved, socket, limits, (t, head) => ({ t, head }));
 */
export function transportHandshake<T>(
  request: ResolvedRequest,
  transport: Duplex,
  limits: HandshakeLimits,
  takeOver: TakeOver<T>,
): Promise<HandshakeResult<T>> {
  return new Promise((resolve, reject) => {
    new ResponseReader(request, transport, limits, takeOver, resolve, reject).start();
  });
}

/** Reads one response from a transport and settles the handshake once. */
class ResponseReader<T> {
  #received: Buffer = Buffer.alloc(0);
  #head: ResponseHead | undefined;
  #bodyWanted: number | 'eof' | 'chunked' = 0;
  #settled = false;
  #timer: unknown;
  readonly #onData = (chunk: Buffer): void => this.#receive(chunk);
  readonly #onEnd = (): void => this.#ended();
  readonly #onError = (error: Error): void => this.#fail(networkError(this.request.url, error));

  constructor(
    readonly request: ResolvedRequest,
    readonly transport: Duplex,
    readonly limits: HandshakeLimits,
    readonly takeOver: TakeOver<T>,
    readonly resolve: (result: HandshakeResult<T>) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  start(): void {
    const { transport, request, limits } = this;
    this.#timer = limits.clock.setTimeout(
      () => this.#fail(timeoutError(request.url, request.handshakeTimeoutMs)),
      request.handshakeTimeoutMs,
    );
    transport.on('data', this.#onData);
    transport.on('end', this.#onEnd);
    transport.on('close', this.#onEnd);
    transport.on('error', this.#onError);
    if (transport.destroyed || !transport.writable) return this.#ended();
    transport.write(formatRequestHead(request), 'latin1');
  }

  #receive(chunk: Buffer): void {
    if (this.#settled) return;
    this.#received = this.#received.length === 0 ? chunk : Buffer.concat([this.#received, chunk]);
    if (this.#head === undefined) {
      try {
        this.#head = parseResponseHead(this.#received);
      } catch (error) {
        return this.#fail(error as HandshakeError);
      }
      if (this.#head === undefined) return;
      this.#received = this.#received.subarray(this.#head.headBytes);
      if (this.#head.status === 101) return this.#upgraded(this.#head);
      this.#bodyWanted = isChunked(this.#head) ? 'chunked' : bodyLength(this.#head.headers);
    }
    const body = this.#body();
    if (body.complete) this.#answered(body.body);
  }

  /** What arrived of a plain answer's body (within the bound), and whether that is all of it. */
  #body(): { body: Buffer; complete: boolean } {
    const max = this.limits.maxResponseBodyBytes;
    if (this.#bodyWanted === 'chunked') return decodeChunked(this.#received, max);
    const wanted = this.#bodyWanted === 'eof' ? max : Math.min(this.#bodyWanted, max);
    const body = this.#received.subarray(0, wanted);
    return { body, complete: this.#received.length >= wanted };
  }

  /** A 101: judge it; a valid one hands the transport and the bytes after the head over. */
  #upgraded(head: ResponseHead): void {
    const response = judgeResponse(head, this.request);
    this.#stop();
    if (!response.valid) {
      this.transport.destroy();
      this.resolve({ response });
      return;
    }
    pauseForNewOwner(this.transport);
    const handed = handOver(this.takeOver, this.transport, this.#received, response);
    if ('result' in handed) this.resolve(handed.result);
    else this.reject(handed.error);
  }

  /** A plain answer with its body (or what arrived of it): the upgrade failed. */
  #answered(body: Buffer): void {
    const head = this.#head as ResponseHead;
    this.#stop();
    this.transport.destroy();
    const response = judgeWithoutUpgrade({ ...head, body: body.toString('utf8') }, this.request);
    this.resolve({ response });
  }

  #ended(): void {
    if (this.#head !== undefined) return this.#answered(this.#body().body);
    const cause = new Error('the transport ended before the response head');
    this.#fail(networkError(this.request.url, cause));
  }

  #fail(error: HandshakeError): void {
    if (this.#settled) return;
    this.#stop();
    this.transport.destroy();
    this.reject(error);
  }

  /** Settles: stops the timer and takes the listeners off. */
  #stop(): void {
    this.#settled = true;
    this.limits.clock.clearTimeout(this.#timer);
    const { transport } = this;
    transport.off('data', this.#onData);
    transport.off('end', this.#onEnd);
    transport.off('close', this.#onEnd);
    transport.off('error', this.#onError);
    guardTransport(transport);
  }
}

/** True for a body sent in chunks (RFC 9112 section 6.1: chunked is then the last coding). */
function isChunked(head: ResponseHead): boolean {
  const value = head.headers['transfer-encoding'];
  const codings = (typeof value === 'string' ? value : (value ?? []).join(',')).toLowerCase();
  return /(^|,)\s*chunked\s*$/.test(codings);
}

/**
 * Stops a transport's flow without losing bytes, as node:http does for an upgraded socket: data
 * waits in its buffer until the new owner listens for 'data', which resumes it.
 */
function pauseForNewOwner(transport: Duplex): void {
  transport.pause();
  (transport as { readableFlowing: boolean | null }).readableFlowing = null;
}
