// WebSockets over HTTP/2 against HTTP/1.1: 100 WebSockets as streams of one h2c session, against
// 100 WebSockets on 100 TCP connections to wsflow and to ws. For each, the server child's memory
// per socket (RSS and heap, after a forced GC, before and after opening them) and the echoed
// messages per second, every socket sending 32 B text messages in batches. The client is
// wsflow's in every row, so the ratios compare the servers and the transports.
//   node build/bench/main.js --only http2

import { connect as connectHttp2 } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import { once } from 'node:events';
import { openWebSocket } from '../src/client/open-socket.js';
import type { WebSocketClient } from '../src/client/socket.js';
import { startServer } from './processes.js';
import type { ServerKind } from './server-kinds.js';

/** One row: a server kind and how its sockets reach it. */
export interface Http2Variant {
  readonly name: string;
  readonly kind: ServerKind;
  readonly http2: boolean;
}

export const HTTP2_VARIANTS: readonly Http2Variant[] = [
  { name: 'wsflow, HTTP/2: 1 session', kind: 'wsflow-h2c', http2: true },
  { name: 'wsflow, HTTP/1.1: a connection each', kind: 'wsflow-attach', http2: false },
  { name: 'ws, HTTP/1.1: a connection each', kind: 'ws', http2: false },
];

/** Options of {@link measureHttp2}. */
export interface Http2BenchOptions {
  /** WebSockets per variant. */
  sockets: number;
  /** Messages each socket sends (and gets back) in the throughput part. */
  messagesPerSocket: number;
  /** Messages a socket sends before reading their echoes. */
  batch: number;
}

/** One variant's result. */
export interface Http2Result {
  variant: string;
  sockets: number;
  /** Server RSS per open socket, in bytes. */
  rssPerSocket: number;
  /** Server heap and external memory per open socket, in bytes. */
  heapPerSocket: number;
  /** Messages echoed per second, all sockets together. */
  messagesPerSecond: number;
}

/**
 * Measures one variant: memory per open socket, then echoed messages per second.
 *
 * @param variant - The server kind and the transport.
 * @param options - Sockets, messages and batch size.
 * @returns The figures.
 * @throws When a socket does not open the way the variant says (200 over HTTP/2, 101 else).
 */
export async function measureHttp2(
  variant: Http2Variant,
  options: Http2BenchOptions,
): Promise<Http2Result> {
  const server = await startServer(variant.kind);
  let session: ClientHttp2Session | undefined;
  const sockets: WebSocketClient[] = [];
  try {
    const before = await server.memory();
    const url = `ws://127.0.0.1:${server.port}/`;
    if (variant.http2) {
      session = connectHttp2(`http://127.0.0.1:${server.port}`);
      await once(session, 'remoteSettings');
    }
    for (let i = 0; i < options.sockets; i++) {
      const socket = await openWebSocket({
        url,
        http2: session ?? false,
        perMessageDeflate: false,
      });
      if (socket.response.status !== (variant.http2 ? 200 : 101)) {
        throw new Error(`${variant.name}: opened with ${socket.response.status}`);
      }
      sockets.push(socket);
    }
    const after = await server.memory();
    const started = process.hrtime.bigint();
    await Promise.all(sockets.map((socket) => exchange(socket, options)));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      variant: variant.name,
      sockets: options.sockets,
      rssPerSocket: (after.rss - before.rss) / options.sockets,
      heapPerSocket:
        (after.heapUsed + after.external - before.heapUsed - before.external) / options.sockets,
      messagesPerSecond: (options.sockets * options.messagesPerSocket) / seconds,
    };
  } finally {
    await Promise.all(sockets.map((socket) => socket.close().catch(() => undefined)));
    session?.close();
    await server.stop();
  }
}

const PAYLOAD = 'x'.repeat(32);

/** Sends `messagesPerSocket` texts in batches, reading each batch's echoes before the next. */
async function exchange(socket: WebSocketClient, options: Http2BenchOptions): Promise<void> {
  for (let sent = 0; sent < options.messagesPerSocket; sent += options.batch) {
    const batch = Math.min(options.batch, options.messagesPerSocket - sent);
    for (let i = 0; i < batch; i++) void socket.send(PAYLOAD);
    for (let i = 0; i < batch; i++) await socket.receiveText();
  }
}
