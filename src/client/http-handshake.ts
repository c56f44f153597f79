// Client layer: the opening handshake through node:http / node:https, for a request that names an
// http.Agent (proxies, pools, custom sockets); without one the client uses its own socket
// (own-socket.ts). 'upgrade' hands over the socket and the bytes after the head; 'response' is
// a plain HTTP answer, whose body is read.

import { request as httpRequest } from 'node:http';
import type { IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { requestTarget } from './request.js';
import { guardTransport } from '../connection/transport-guard.js';
import { handOver } from './handshake.js';
import type { HandshakeLimits, HandshakeResult, TakeOver } from './handshake.js';
import type { ResolvedRequest } from './request.js';
import { judgeResponse, judgeWithoutUpgrade, networkError, timeoutError } from './response.js';
import type { RawResponse } from './response.js';

/**
 * Runs the opening handshake over node:http or node:https (ws's `initAsClient`, reduced).
 *
 * @param request - The resolved request.
 * @param limits - Body bound and clock.
 * @param takeOver - Called with the socket of a valid upgrade, inside the 'upgrade' event.
 * @returns The judged response; for a valid one, what `takeOver` returned.
 * @throws {HandshakeError} (rejects) `WSFLOW_ERR_HANDSHAKE_NETWORK` when the connection fails
 *   before a response, `WSFLOW_ERR_HANDSHAKE_TIMEOUT` when the handshake takes too long.
 * @example
 * const result = await httpHandshake(resolveRequest(url), limits, (socket, head) => ({ socket, head }));
 */
export function httpHandshake<T>(
  request: ResolvedRequest,
  limits: HandshakeLimits,
  takeOver: TakeOver<T>,
): Promise<HandshakeResult<T>> {
  return new Promise((resolve, reject) => {
    const req = (request.secure ? httpsRequest : httpRequest)(requestOptions(request));
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      limits.clock.clearTimeout(timer);
      finish();
    };
    const timer = limits.clock.setTimeout(() => {
      settle(() => reject(timeoutError(request.url, request.handshakeTimeoutMs)));
      req.destroy();
    }, request.handshakeTimeoutMs);
    req.on('error', (error) => settle(() => reject(networkError(request.url, error))));
    req.on('response', (res: IncomingMessage) => {
      void readBody(res, limits.maxResponseBodyBytes).then((body) => {
        req.destroy();
        const response = judgeWithoutUpgrade(rawResponse(res, body), request);
        settle(() => resolve({ response }));
      });
    });
    req.on('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
      const response = judgeResponse(rawResponse(res), request);
      if (settled || !response.valid) {
        guardTransport(socket);
        socket.destroy();
        if (!response.valid) settle(() => resolve({ response }));
        return;
      }
      (socket as Duplex & { setTimeout?: (ms: number) => void }).setTimeout?.(0);
      const handed = handOver(takeOver, socket, head, response);
      settle(() => ('result' in handed ? resolve(handed.result) : reject(handed.error)));
    });
    req.end();
  });
}

/** The options of `http.request` / `https.request` for a resolved request. */
function requestOptions(request: ResolvedRequest): RequestOptions {
  const { url, secure } = request;
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    ...(secure ? request.tls : {}),
    protocol: secure ? 'https:' : 'http:',
    hostname,
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    path: requestTarget(url).path,
    method: 'GET',
    headers: request.headers,
    // No pooling by default: an upgraded socket leaves its agent anyway.
    agent: request.agent ?? false,
  };
}

/** Status, reason and headers of a response, with the body when one was read. */
function rawResponse(res: IncomingMessage, body?: string): RawResponse {
  return {
    status: res.statusCode ?? 0,
    statusText: res.statusMessage ?? '',
    headers: res.headers,
    body,
  };
}

/**
 * Reads a response body up to `maxBytes`; a reset while reading keeps what arrived.
 *
 * @param res - The response, or an HTTP/2 stream.
 * @param maxBytes - The most bytes kept.
 * @returns The body, UTF-8 decoded.
 * @example
 * const body = await readBody(res, 64 * 1024);
 */
export async function readBody(res: AsyncIterable<unknown>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      const kept = chunk.subarray(0, maxBytes - size);
      chunks.push(kept);
      size += kept.length;
      if (size >= maxBytes) break;
    }
  } catch {
    // The server reset the connection mid-body: the part read so far is still the answer.
  }
  return Buffer.concat(chunks).toString('utf8');
}
