// Routing layer: what a route's handler answers (Play's `acceptOrResult`): a flow to run, with
// its subprotocol, extra 101 headers and per-connection data, or a plain HTTP refusal.

import type { MessageFlow } from '../flow/flow.js';
import type { RejectionInit } from '../server/http-response.js';

/** Options of {@link accept}. */
export interface RouteAcceptOptions<Data> {
  /**
   * The subprotocol to answer with: one of `request.protocols`. A route declared for one
   * subprotocol answers with it by default.
   */
  subprotocol?: string;
  /** Extra headers for the 101 response, e.g. `{ 'Set-Cookie': 'seen=1' }`. */
  headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Per-connection data, read back with `routeOf(connection).data` (typed). */
  data?: Data;
}

/** A handler's acceptance: the flow to run on the new connection, and how to answer the upgrade. */
export interface RouteAccepted<Data = undefined> {
  readonly kind: 'accept';
  readonly flow: MessageFlow;
  readonly subprotocol: string | undefined;
  readonly headers: Readonly<Record<string, string | readonly string[]>> | undefined;
  readonly data: Data;
}

/** A handler's refusal: a plain HTTP response, then the socket is closed. */
export interface RouteRejected {
  readonly kind: 'reject';
  readonly status: number;
  readonly headers: RejectionInit['headers'];
  readonly body: string | undefined;
}

/** What a route's handler answers: {@link accept} or {@link reject}. */
export type RouteAnswer<Data = undefined> = RouteAccepted<Data> | RouteRejected;

/**
 * Accepts the WebSocket: answers 101 and runs `flow` on the connection (Play's `Right(flow)`).
 *
 * @param flow - The flow of this connection: `map(fn)`, a function, or a `{ writable, readable }`
 *   pair made for this connection alone (a pair runs once; accepting the same pair twice fails).
 * @param options - The subprotocol, extra 101 headers and the connection's data.
 * @returns The answer to return from the handler.
 * @example
 * router.route('/echo', () => accept(echo(), { headers: { 'Set-Cookie': 'seen=1' } }));
 */
export function accept<Data = undefined>(
  flow: MessageFlow,
  options: RouteAcceptOptions<Data> = {},
): RouteAccepted<Data> {
  const { subprotocol, headers, data } = options;
  return { kind: 'accept', flow, subprotocol, headers, data: data as Data };
}

/**
 * Refuses the WebSocket with a plain HTTP response (Play's `Left(result)`).
 *
 * @param status - Any status from 200 to 599: 401, 403, 404, ...
 * @param init - Extra headers (e.g. `WWW-Authenticate`) and a text body.
 * @returns The answer to return from the handler.
 * @example
 * router.route('/admin', (request) =>
 *   request.cookies.admin === 'yes' ? accept(echo()) : reject(403, { body: 'Forbidden\n' }));
 */
export function reject(status: number, init: RejectionInit = {}): RouteRejected {
  return { kind: 'reject', status, headers: init.headers, body: init.body };
}
