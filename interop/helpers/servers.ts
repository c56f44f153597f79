// Interop helpers: the same echo server played by wsflow, ws (npm) and python-websockets (Debian),
// each on 127.0.0.1 on a port the system picks. Every route takes ?id=ID, under which the server
// records the close it saw:
//   /echo        every message back, as one frame
//   /fragmented  every message back, in FRAGMENTS fragments
//   /close       closes at once with ?code= and ?reason=

import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { BinaryMessage, TextMessage, serve } from '../../src/index.js';
import type { Message, MessageFlow, WebSocketUpgrade } from '../../src/index.js';
import { fragmentsOf } from './payload.js';
import { JsonLinesProcess, PYTHON, peerScript } from './peers.js';

/** The server implementations of the matrix. */
export type ServerName = 'wsflow' | 'ws' | 'python';

/** A close as one side saw it: the code and reason of the other side's Close frame. */
export interface SeenClose {
  code: number;
  reason: string;
}

/** A running server. */
export interface ServerPeer {
  readonly name: ServerName;
  /** The ws:// URL of a path (with its query) on this server. */
  url(path: string): string;
  /** The close the server saw on the connection opened with ?id=`id`, once it has ended. */
  closeSeen(id: string): Promise<SeenClose>;
  /** Stops the server and its connections. */
  stop(): Promise<void>;
}

/** The largest message the peers accept (wsflow keeps its default, 16 MiB). */
export const PEER_MAX_PAYLOAD = 64 * 1024 * 1024;

/**
 * Starts a server.
 *
 * @param name - Which implementation.
 * @param compression - Whether it accepts permessage-deflate when the client offers it.
 */
export function startServer(name: ServerName, compression: boolean): Promise<ServerPeer> {
  if (name === 'wsflow') return startWsflowServer(compression);
  if (name === 'ws') return startWsServer(compression);
  return startPythonServer(compression);
}

/** The route and query of a request target. */
function parseTarget(target: string | undefined): { path: string; query: URLSearchParams } {
  const url = new URL(target ?? '/', 'http://127.0.0.1');
  return { path: url.pathname, query: url.searchParams };
}

/** Promises of the closes seen, by connection id. */
class CloseRecords {
  readonly #records = new Map<
    string,
    { promise: Promise<SeenClose>; resolve: (c: SeenClose) => void }
  >();

  #entry(id: string): { promise: Promise<SeenClose>; resolve: (c: SeenClose) => void } {
    let entry = this.#records.get(id);
    if (entry === undefined) {
      let resolve!: (c: SeenClose) => void;
      const promise = new Promise<SeenClose>((r) => (resolve = r));
      entry = { promise, resolve };
      this.#records.set(id, entry);
    }
    return entry;
  }

  record(id: string | null, seen: SeenClose): void {
    if (id !== null) this.#entry(id).resolve(seen);
  }

  seen(id: string): Promise<SeenClose> {
    return this.#entry(id).promise;
  }
}

async function startWsflowServer(compression: boolean): Promise<ServerPeer> {
  const records = new CloseRecords();
  const handler = (upgrade: WebSocketUpgrade): void => {
    const { path, query } = parseTarget(upgrade.request.url);
    const connection = upgrade.handleMessages(echoFlow(path === '/fragmented'));
    void connection.closed.then(({ code, reason }) =>
      records.record(query.get('id'), { code, reason }),
    );
    if (path === '/close') {
      void connection.close(Number(query.get('code')), query.get('reason') ?? '');
    }
  };
  const server = await serve({
    port: 0,
    host: '127.0.0.1',
    handler,
    perMessageDeflate: compression,
  });
  return {
    name: 'wsflow',
    url: (path) => `${server.url}${path}`,
    closeSeen: (id) => records.seen(id),
    stop: () => server.close(),
  };
}

/** Echoes every message whole, as one frame, or cut into fragments (a Streamed message). */
function echoFlow(fragmented: boolean): MessageFlow {
  return async function* (incoming: AsyncIterable<Message>) {
    for await (const message of incoming) {
      const bytes = await messageBytes(message);
      if (message.isText) {
        const text = bytes.toString('utf8');
        if (!fragmented) yield TextMessage.strict(text);
        else yield TextMessage.streamed(fragmentsOf(bytes, 'text').map((f) => f.toString('utf8')));
      } else if (!fragmented) {
        yield BinaryMessage.strict(bytes);
      } else {
        yield BinaryMessage.streamed(fragmentsOf(bytes, 'binary'));
      }
    }
  };
}

/**
 * The payload of a wsflow message, Strict or Streamed, as bytes (text re-encoded as UTF-8).
 *
 * @param message - A received message.
 * @returns Its whole payload.
 */
export async function messageBytes(message: Message): Promise<Buffer> {
  if (message.isText) {
    if (message.isStrict) return Buffer.from(message.text, 'utf8');
    let text = '';
    for await (const chunk of message.textStream) text += chunk;
    return Buffer.from(text, 'utf8');
  }
  if (message.isStrict) return Buffer.from(message.data);
  const chunks: Uint8Array[] = [];
  for await (const chunk of message.dataStream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function startWsServer(compression: boolean): Promise<ServerPeer> {
  const records = new CloseRecords();
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: compression,
    maxPayload: PEER_MAX_PAYLOAD,
  });
  server.on('connection', (socket, request) => {
    const { path, query } = parseTarget(request.url);
    socket.on('close', (code, reason) =>
      records.record(query.get('id'), { code, reason: reason.toString('utf8') }),
    );
    if (path === '/close') {
      socket.close(Number(query.get('code')), query.get('reason') ?? '');
      return;
    }
    socket.on('message', (data, isBinary) => {
      const bytes = data as Buffer;
      if (path !== '/fragmented') {
        socket.send(bytes, { binary: isBinary });
        return;
      }
      // ws sends text fragments as raw bytes: they may end inside a character.
      const fragments = fragmentsOf(bytes, isBinary ? 'binary' : 'text', true);
      fragments.forEach((fragment, i) =>
        socket.send(fragment, { binary: isBinary, fin: i === fragments.length - 1 }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    name: 'ws',
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    closeSeen: (id) => records.seen(id),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

async function startPythonServer(compression: boolean): Promise<ServerPeer> {
  const [peer, { port }] = await JsonLinesProcess.start<{ port: number }>(PYTHON, [
    peerScript('python_server.py'),
    '--compression',
    compression ? 'deflate' : 'none',
  ]);
  return {
    name: 'python',
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    async closeSeen(id) {
      const response = await fetch(`http://127.0.0.1:${port}/report?id=${encodeURIComponent(id)}`);
      if (!response.ok) throw new Error(`python server: /report answered ${response.status}`);
      return (await response.json()) as SeenClose;
    },
    stop: () => peer.stop(),
  };
}
