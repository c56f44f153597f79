// Client layer: Akka's webSocketClientLayer — the WebSocket protocol over any byte transport the
// caller gives (a Duplex, or a pair of byte streams), fully detached from TCP: Akka HTTP's BidiFlow.

import { Duplex } from 'node:stream';
import type { ReadableWritablePair } from '../message/streams.js';
import { WebSocketClientFlow } from './client-flow.js';
import { requestUpgrade } from './connect.js';
import type { ClientOptions } from './connect.js';
import { resolveRequest } from './request.js';
import type { WebSocketRequest } from './request.js';

/** A byte transport to a WebSocket server: a Node Duplex, or a WHATWG pair of byte streams. */
export type ByteTransport = Duplex | ReadableWritablePair<Uint8Array, Uint8Array>;

/**
 * The WebSocket client protocol between messages and bytes (Akka's BidiFlow
 * `Message ↔ bytes`), waiting for a transport to be joined to.
 */
export interface WebSocketClientLayer {
  /**
   * Joins the layer to a transport: the HTTP handshake is written and read over it, then the
   * WebSocket frames. Each join makes one connection.
   *
   * @param transport - A connected Duplex (a socket, a TLS socket, a stream of any kind) or a
   *   `{ readable, writable }` pair of byte streams. It is destroyed when the upgrade fails.
   * @returns A flow of messages, used once, connecting when first used.
   * @throws {TypeError} When `transport` is neither a Duplex nor a byte stream pair.
   */
  join(transport: ByteTransport): WebSocketClientFlow;
}

/**
 * The WebSocket client protocol as a layer over any byte transport (Akka's
 * `Http().webSocketClientLayer`): for proxies, tunnels, in-memory pairs, or a socket you opened
 * yourself. The opening handshake is written over the transport and the response head read with
 * a small bounded parser (16 KiB, 100 header fields); node:http is not involved.
 *
 * @param request - The request; its URL gives the path, query and Host header (no TCP connection
 *   is made to it). `tls` and `agent` do not apply: the transport is already connected.
 * @param options - Connection options and the refusal body bound.
 * @returns The layer; `join(transport)` makes a flow.
 * @throws {TypeError} For a request that does not check (bad URL, header, subprotocol).
 * @example
 * const socket = net.connect(8080, '127.0.0.1');
 * const flow = webSocketClientLayer('ws://127.0.0.1:8080/echo').join(socket);
 * await concat(['hello']).pipeThrough(flow).pipeTo(new WritableStream({ write: console.log }));
 */
export function webSocketClientLayer(
  request: WebSocketRequest | string | URL,
  options: ClientOptions = {},
): WebSocketClientLayer {
  resolveRequest(request); // Check the request now; each join draws its own key.
  return {
    join(transport: ByteTransport): WebSocketClientFlow {
      const duplex = toDuplex(transport);
      const resolved = resolveRequest(request);
      return new WebSocketClientFlow(() =>
        requestUpgrade(resolved, options, { transport: duplex }),
      );
    },
  };
}

/** A Duplex over the transport: itself, or Node's adapter for a WHATWG byte stream pair. */
function toDuplex(transport: ByteTransport): Duplex {
  if (transport instanceof Duplex) return transport;
  const { readable, writable } = (transport ?? {}) as Partial<ReadableWritablePair>;
  if (readable instanceof ReadableStream && writable instanceof WritableStream) {
    return Duplex.fromWeb({ readable, writable });
  }
  throw new TypeError('a transport is a Duplex or a { readable, writable } pair of byte streams');
}
