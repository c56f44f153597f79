// Server layer: WebSocket on a node:http2 server (RFC 8441). wsflow listens to its streams for
// extended CONNECT requests, and keeps node's compatibility layer (a 'request' handler on the
// server) from answering those streams 405 as it does any CONNECT nobody listens for.

import { Http2ServerRequest } from 'node:http2';
import type {
  Http2SecureServer,
  Http2Server,
  Http2ServerResponse,
  IncomingHttpHeaders,
  ServerHttp2Stream,
} from 'node:http2';
import type { Duplex } from 'node:stream';
import { isExtendedConnect } from '../protocol/extended-connect.js';
import type { HeaderRecord } from '../protocol/header-tokens.js';

/** A node:http2 server, cleartext (h2c) or TLS. */
export type AnyHttp2Server = Http2Server | Http2SecureServer;

/** Told of each extended CONNECT for a WebSocket, with the stream's headers and raw lines. */
export type ExtendedConnectListener = (
  stream: ServerHttp2Stream,
  headers: HeaderRecord,
  rawHeaders: readonly string[],
) => void;

/**
 * Whether a server is a node:http2 one (its sessions carry streams) rather than node:http's.
 *
 * @param server - A server given to `attachWebSocket`.
 * @returns True for `http2.createServer` and `http2.createSecureServer` servers.
 * @example
 * if (isHttp2Server(server)) listenForExtendedConnect(server, onStream);
 */
export function isHttp2Server(server: object): server is AnyHttp2Server {
  return typeof (server as Partial<AnyHttp2Server>).updateSettings === 'function';
}

/**
 * Advertises `SETTINGS_ENABLE_CONNECT_PROTOCOL` to the server's new sessions and hands every
 * extended CONNECT for a WebSocket to `listener`, before the server's other 'stream' listeners.
 *
 * @param server - The HTTP/2 server.
 * @param listener - Answers each WebSocket stream.
 * @returns Stops listening (the setting stays: sessions already open have it).
 * @example
 * const stop = listenForExtendedConnect(server, (stream, headers, raw) => accept(stream));
 */
export function listenForExtendedConnect(
  server: AnyHttp2Server,
  listener: ExtendedConnectListener,
): () => void {
  server.updateSettings({ enableConnectProtocol: true });
  const onStream = (
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    _flags: number,
    rawHeaders: string[],
  ): void => {
    if (!isExtendedConnect(headers)) return;
    takenStreams.add(stream);
    listener(stream, headers, rawHeaders);
  };
  server.prependListener('stream', onStream);
  keepConnectsFromCompatLayer(server);
  return () => {
    server.off('stream', onStream);
  };
}

/** Streams a wsflow attachment answers; the compatibility layer's 'connect' leaves them alone. */
const takenStreams = new WeakSet<ServerHttp2Stream>();

const shimmedServers = new WeakSet<AnyHttp2Server>();

/**
 * With a 'request' handler on the server, node emits 'connect' for every CONNECT stream and, when
 * nobody listens, answers it 405 and ends it, a WebSocket's stream included. A 'connect'
 * listener ignores the streams wsflow took and, while it is the only one, answers the others
 * as node would have: 405 for an HTTP/2 CONNECT, a destroyed socket for an HTTP/1.1 CONNECT.
 */
function keepConnectsFromCompatLayer(server: AnyHttp2Server): void {
  if (shimmedServers.has(server)) return;
  shimmedServers.add(server);
  const onConnect = (request: unknown, responseOrSocket: Http2ServerResponse | Duplex): void => {
    const alone = server.listenerCount('connect') === 1;
    if (request instanceof Http2ServerRequest) {
      if (takenStreams.has(request.stream) || !alone) return;
      const response = responseOrSocket as Http2ServerResponse;
      response.statusCode = 405;
      response.end();
    } else if (alone) {
      (responseOrSocket as Duplex).destroy();
    }
  };
  server.on('connect', onConnect);
}
