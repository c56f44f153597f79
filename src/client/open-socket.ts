// Client layer: sttp's `openWebSocket` — one request to an open high-level WebSocket, or an error
// for every upgrade that does not succeed, as sttp's high-level handlers fail.

import type { Connection } from '../connection/connection.js';
import { openConnection } from './connect.js';
import type { WebSocketRequest } from './request.js';
import type { ValidUpgrade } from './response.js';
import { WebSocketClient } from './socket.js';
import type { SocketOptions } from './socket.js';
import { checkCapacity } from './socket-inbox.js';
import type { ClientPingEvent } from './client-events.js';

/**
 * Opens a WebSocket with sttp's high-level interface. An upgrade that does not succeed is an
 * error, as in sttp: the promise rejects with a HandshakeError carrying the HTTP answer.
 *
 * @param request - The request, or just its URL.
 * @param options - `bufferCapacity`, `autoPong` (default true; false to receive pings), and the
 *   connection options.
 * @returns The open socket.
 * @throws {TypeError} (synchronously) For a request that does not check.
 * @throws {RangeError} (synchronously) When `bufferCapacity` is not a positive integer.
 * @throws {HandshakeError} (rejects) For a refused upgrade (`status`, `headers`, `body`), a 101
 *   that fails the checks, a network failure or a timeout.
 * @example
 * const socket = await openWebSocket({ url: 'wss://example.com/chat', subprotocols: ['chat'] });
 * for await (const message of socket) if (message.isText) console.log((await message.toStrict(1000)).text);
 */
export function openWebSocket(
  request: WebSocketRequest | string | URL,
  options?: SocketOptions & { autoPong?: true },
): Promise<WebSocketClient>;
export function openWebSocket(
  request: WebSocketRequest | string | URL,
  options: SocketOptions & { autoPong: false },
): Promise<WebSocketClient<ClientPingEvent>>;
export function openWebSocket(
  request: WebSocketRequest | string | URL,
  options?: SocketOptions,
): Promise<WebSocketClient<ClientPingEvent>>;
export function openWebSocket(
  request: WebSocketRequest | string | URL,
  options: SocketOptions = {},
): Promise<WebSocketClient<ClientPingEvent>> {
  const { bufferCapacity, ...clientOptions } = options;
  checkCapacity(bufferCapacity);
  let socket: WebSocketClient<ClientPingEvent> | undefined;
  const onConnection = (connection: Connection, response: ValidUpgrade): void => {
    socket = new WebSocketClient(connection, response, options);
  };
  return openConnection(request, clientOptions, { onConnection }).then(
    () => socket as WebSocketClient<ClientPingEvent>,
  );
}
