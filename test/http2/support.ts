// Test support for WebSockets over HTTP/2: node:http2 servers (h2c and TLS) with wsflow
// attached, and a raw extended CONNECT from node's own HTTP/2 client, to check the server alone.

import { once } from 'node:events';
import { connect, createSecureServer, createServer } from 'node:http2';
import type {
  ClientHttp2Session,
  ClientHttp2Stream,
  Http2SecureServer,
  Http2Server,
  IncomingHttpHeaders,
  OutgoingHttpHeaders,
  ServerHttp2Session,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { attachWebSocket } from '../../src/index.js';
import type {
  AttachOptions,
  UpgradeHandler,
  WebSocketAttachment,
  WebSocketRoutes,
} from '../../src/index.js';
import { makeCertificate } from '../helpers/tls.js';

/** A listening HTTP/2 server with wsflow attached. */
export interface Http2Fixture {
  server: Http2Server | Http2SecureServer;
  attachment: WebSocketAttachment;
  /** `http://127.0.0.1:port` (h2c) or `https://127.0.0.1:port` (TLS). */
  origin: string;
  /** The certificate, for a TLS server (the client trusts it as its CA). */
  cert?: string;
  /** How many HTTP/2 sessions the server accepted so far. */
  sessions(): number;
  /** Closes the attachment, every session and the server. */
  stop(): Promise<void>;
}

/**
 * Starts an HTTP/2 server on 127.0.0.1 with wsflow attached: cleartext h2c, or TLS with
 * `allowHTTP1` (HTTP/1.1 upgrades and HTTP/2 CONNECT on one port).
 *
 * @param handler - The upgrade handler, or routes.
 * @param options - Attach options, `tls`, node:http2 settings, and a handler of plain requests.
 * @returns The running fixture.
 */
export async function http2Server(
  handler: UpgradeHandler | WebSocketRoutes,
  options: AttachOptions & {
    tls?: boolean;
    settings?: { maxConcurrentStreams?: number };
    onRequest?: Parameters<typeof createServer>[1];
  } = {},
): Promise<Http2Fixture> {
  const { tls = false, settings = {}, onRequest, ...attachOptions } = options;
  const certificate = tls ? makeCertificate() : undefined;
  const server =
    certificate === undefined
      ? createServer({ settings }, onRequest)
      : createSecureServer(
          { key: certificate.key, cert: certificate.cert, allowHTTP1: true, settings },
          onRequest,
        );
  const sessions = new Set<ServerHttp2Session>();
  let accepted = 0;
  server.on('session', (session) => {
    accepted += 1;
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  const attachment = attachWebSocket(server, handler, attachOptions);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    attachment,
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    cert: certificate?.cert,
    sessions: () => accepted,
    async stop() {
      await attachment.close({ timeoutMs: 1000 });
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      certificate?.dispose();
    },
  };
}

/**
 * Opens an HTTP/2 session and waits for the server's SETTINGS.
 *
 * @param fixture - The server.
 * @returns The session, its remote settings known.
 */
export async function openSession(
  fixture: Pick<Http2Fixture, 'origin' | 'cert'>,
): Promise<ClientHttp2Session> {
  const session = connect(fixture.origin, fixture.cert === undefined ? {} : { ca: fixture.cert });
  await once(session, 'remoteSettings');
  return session;
}

/**
 * Sends an extended CONNECT for a WebSocket and waits for the response headers.
 *
 * @param session - An open session.
 * @param path - The request path.
 * @param headers - Extra headers (Sec-WebSocket-Version 13 is sent unless replaced).
 * @returns The stream and the response headers.
 */
export async function extendedConnect(
  session: ClientHttp2Session,
  path: string,
  headers: OutgoingHttpHeaders = {},
): Promise<{ stream: ClientHttp2Stream; response: IncomingHttpHeaders }> {
  const stream = session.request({
    ':method': 'CONNECT',
    ':protocol': 'websocket',
    ':path': path,
    'sec-websocket-version': '13',
    ...headers,
  });
  const [response] = (await once(stream, 'response')) as [IncomingHttpHeaders];
  return { stream, response };
}

/**
 * Reads a stream's body to its end.
 *
 * @param stream - A response stream.
 * @returns The body, UTF-8 decoded.
 */
export async function readBody(stream: ClientHttp2Stream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
