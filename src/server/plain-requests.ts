// Server layer: what serve() answers to requests that are not WebSocket upgrades. 426 on a
// WebSocket-only server, 400 on a route's path and 404 elsewhere when routed, or the user's own
// request handler (a page, a health check), whose failures answer 500 and reach onError.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPromiseLike } from '../util/thenable.js';
import type { WebSocketRoutes } from './attach.js';
import { reportHandlerError } from './handler-errors.js';
import type { ServerErrorHandler } from './handler-errors.js';

/**
 * A plain HTTP request handler, as `http.createServer` takes one: it answers through `response`,
 * at once or before its promise settles. A handler that throws or rejects answers 500 (when it
 * has not started answering) and is reported to the server's `onError`.
 */
export type HttpRequestHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => void | PromiseLike<void>;

/** A node:http request listener. */
type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The request listener of serve()'s http.Server.
 *
 * @param httpHandler - The user's handler of plain requests, if any: it gets every one.
 * @param routes - The routes, when the server is routed.
 * @param onError - Where the handler's failures go.
 * @returns The listener.
 */
export function plainRequestListener(
  httpHandler: HttpRequestHandler | undefined,
  routes: WebSocketRoutes | undefined,
  onError: ServerErrorHandler,
): RequestListener {
  if (httpHandler !== undefined) return runHttpHandler(httpHandler, onError);
  return routes === undefined ? answerUpgradeRequired : answerPlainRequestTo(routes);
}

/** Runs the user's handler; a failure answers 500 (or ends the response) and is reported. */
function runHttpHandler(handler: HttpRequestHandler, onError: ServerErrorHandler): RequestListener {
  return (request, response) => {
    const fail = (error: unknown): void => {
      if (!response.headersSent) answer(response, 500, 'Internal Server Error\n');
      else response.destroy(); // cut short: the client must not take it for the whole body
      reportHandlerError(onError, error, undefined, request);
    };
    let result: void | PromiseLike<void>;
    try {
      result = handler(request, response);
    } catch (error) {
      return fail(error);
    }
    if (isPromiseLike(result)) Promise.resolve(result).catch(fail);
  };
}

/** Plain HTTP on a WebSocket-only server: 426, naming the protocol to upgrade to. */
function answerUpgradeRequired(_request: IncomingMessage, response: ServerResponse): void {
  answer(response, 426, 'Upgrade Required: this server speaks WebSocket only.\n', {
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Version': '13',
  });
}

/**
 * Plain HTTP on a routed server, as Akka HTTP's routes answer it: 400 "Expected WebSocket
 * Upgrade request" on a route's path (ExpectedWebSocketRequestRejection), 404 elsewhere.
 */
function answerPlainRequestTo(routes: WebSocketRoutes): RequestListener {
  return (request, response) => {
    if (routes.claims(request)) answer(response, 400, 'Expected WebSocket Upgrade request\n');
    else answer(response, 404, 'Not Found\n');
  };
}

function answer(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}
