// Server layer: Akka HTTP's `WebSocket.handleWebSocketRequestWith` for Node, an 'upgrade'
// listener for servers that expect nothing but WebSocket requests.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { MessageFlow } from '../flow/flow.js';
import { rejectUpgrade } from './http-response.js';
import { publishInvalidRequest, publishRejected } from './handshake-events.js';
import { WebSocketUpgrade } from './upgrade.js';
import type { UpgradeOptions } from './upgrade.js';

/** The signature of Node's `http.Server` 'upgrade' event listener. */
export type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Makes an 'upgrade' listener that runs `flow` on every WebSocket request and answers anything
 * else with a plain HTTP error: 400 "Expected WebSocket request" when the request does not ask
 * for a WebSocket, and the handshake's own 400, 405 or 426 when it asks wrongly. No subprotocol
 * is chosen. It never throws.
 *
 * @param flow - The handler for each connection; use a function or `map(fn)`, which can run on
 *   many connections (a `{ writable, readable }` pair is used once).
 * @param options - Options for each Connection (limits, close timeout).
 * @returns The listener, for `server.on('upgrade', listener)`.
 * @example
 * const server = http.createServer();
 * server.on('upgrade', handleWebSocketRequestWith(echo()));
 * server.listen(8080);
 */
export function handleWebSocketRequestWith(
  flow: MessageFlow,
  options: UpgradeOptions = {},
): UpgradeListener {
  return (request, socket, head) => {
    let upgrade: WebSocketUpgrade | undefined;
    try {
      upgrade = WebSocketUpgrade.from(request, socket, head, options);
      if (upgrade === undefined) {
        rejectUpgrade(socket, 400, { body: 'Expected WebSocket request\n' });
        publishRejected(400, 'not-websocket', request);
        return;
      }
      upgrade.handleMessages(flow);
    } catch (error) {
      // An answered upgrade owns its socket (a running Connection, or a response on its way).
      if (upgrade?.answered !== true) {
        rejectUpgrade(socket, error);
        publishInvalidRequest(request, error);
      }
    }
  };
}
