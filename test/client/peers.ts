// Test support for the client layer: the same WebSocket server played by three implementations —
// wsflow's own, ws (npm) and python-websockets (Debian) — over ws:// and wss:// on 127.0.0.1.
//
// Paths: /echo; /auth/echo (Basic user:pass, else 401); /greet/N (N texts, then echo); /feed/N
// (N texts "item i", then the server closes 1000 "feed done"); /count
// (counts messages until "close-me", then closes 1000 "received <n>"); /ping (pings, answers the
// pong with "pong: are you there", then echo); /headers (the request headers as JSON, then echo);
// anything else: 404 with body "Not Found: <path>\n". The subprotocol "chat" is chosen if offered;
// ws and python accept permessage-deflate.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { WebSocket as WsSocket } from 'ws';
import {
  ConnectionClosed,
  attachWebSocket,
  basicAuth,
  echo,
  fromSinkAndSource,
  maybe,
} from '../../src/index.js';
import type { Message, MessageFlow, MessageLike, WebSocketUpgrade } from '../../src/index.js';
import type { TlsMaterial } from '../helpers/tls.js';

/** The three server implementations. */
export type PeerName = 'wsflow' | 'ws' | 'python';
/** The two schemes every peer serves. */
export type Scheme = 'ws' | 'wss';

/** A running peer. */
export interface Peer {
  readonly name: PeerName;
  /** The URL of `path` on this peer, plain or over TLS. */
  url(scheme: Scheme, path: string): string;
  /** The port of a scheme. */
  port(scheme: Scheme): number;
  /** Stops the peer and every connection it has. */
  close(): Promise<void>;
}

/** Every peer, in the order the suites run them. */
export const PEERS: readonly PeerName[] = ['wsflow', 'ws', 'python'];
/** The credentials /auth/ paths accept. */
export const AUTHORIZATION = basicAuth('user', 'pass');
/** Where the Python interpreter with python3-websockets lives (not a pyenv shim). */
export const PYTHON = '/usr/bin/python3';
const PYTHON_PEER = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'test',
  'peers',
  'websockets_server.py',
);
const INSTALL = 'node scripts/setup.mjs --debian (as root: apt-get install -y python3-websockets)';

/**
 * Starts a peer on ports chosen by the system.
 *
 * @param name - Which implementation.
 * @param tls - The certificate for wss://.
 * @returns The running peer.
 * @throws For the Python peer when /usr/bin/python3 lacks the websockets module: the message
 *   gives the install command.
 */
export function startPeer(name: PeerName, tls: TlsMaterial): Promise<Peer> {
  if (name === 'python') return startPythonPeer(tls);
  return startNodePeer(name, tls);
}

/** The route part of a request target. */
function routeOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0];
}

/** Why an upgrade must be refused, or undefined when it may go on. */
function refusal(request: IncomingMessage): { status: number; body: string } | undefined {
  const route = routeOf(request.url);
  const known = ['/echo', '/auth/echo', '/count', '/ping', '/headers'];
  if (!known.includes(route) && !route.startsWith('/greet/') && !route.startsWith('/feed/')) {
    return { status: 404, body: `Not Found: ${route}\n` };
  }
  if (route.startsWith('/auth/') && request.headers.authorization !== AUTHORIZATION) {
    return { status: 401, body: 'Unauthorized\n' };
  }
  return undefined;
}

async function startNodePeer(name: 'wsflow' | 'ws', tls: TlsMaterial): Promise<Peer> {
  const servers = [createServer(), createHttpsServer({ cert: tls.cert, key: tls.key })];
  const stop = name === 'wsflow' ? servers.map(attachWsflow) : servers.map(attachWs);
  for (const server of servers) server.listen(0, '127.0.0.1');
  await Promise.all(servers.map((server) => once(server, 'listening')));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  const port = (scheme: Scheme): number => ports[scheme === 'ws' ? 0 : 1];
  return {
    name,
    port,
    url: (scheme, path) => `${scheme}://127.0.0.1:${port(scheme)}${path}`,
    async close(): Promise<void> {
      await Promise.all(stop.map((close) => close()));
      for (const server of servers) {
        server.close();
        server.closeAllConnections();
      }
    },
  };
}

/** wsflow's server: attachWebSocket, answering each route with a flow. */
function attachWsflow(server: Server): () => Promise<void> {
  const attachment = attachWebSocket(server, (upgrade) => {
    const refused = refusal(upgrade.request);
    if (refused !== undefined) return upgrade.reject(refused.status, { body: refused.body });
    const subprotocol = upgrade.requestedProtocols.includes('chat') ? 'chat' : undefined;
    const route = routeOf(upgrade.request.url);
    if (route === '/ping') return servePing(upgrade, subprotocol);
    upgrade.handleMessages(wsflowRoute(route, upgrade.request), { subprotocol });
  });
  return () => attachment.close();
}

/** The flow of a route on the wsflow peer. */
function wsflowRoute(route: string, request: IncomingMessage): MessageFlow {
  if (route.startsWith('/greet/')) {
    const count = Number(route.slice('/greet/'.length));
    return async function* (incoming: AsyncIterable<Message>) {
      for (let i = 0; i < count; i++) yield `greeting ${i}`;
      yield* incoming;
    };
  }
  if (route.startsWith('/feed/')) {
    const count = Number(route.slice('/feed/'.length));
    return async function* () {
      for (let i = 0; i < count; i++) yield `item ${i}`;
      throw new ConnectionClosed({ code: 1000, reason: 'feed done' });
    };
  }
  if (route === '/count') {
    let count = 0;
    const sink = async (message: Message): Promise<void> => {
      const text = message.isText ? (await message.toStrict(5000)).text : '';
      if (text === 'close-me')
        throw new ConnectionClosed({ code: 1000, reason: `received ${count}` });
      count++;
    };
    return fromSinkAndSource(sink, maybe<MessageLike>().source);
  }
  if (route === '/headers') {
    return async function* (incoming: AsyncIterable<Message>) {
      yield JSON.stringify(request.headers);
      yield* incoming;
    };
  }
  return echo();
}

/** /ping on the wsflow peer: ping, answer the pong, echo. */
function servePing(upgrade: WebSocketUpgrade, subprotocol: string | undefined): void {
  const pipe = new TransformStream<MessageLike, MessageLike>();
  const writer = pipe.writable.getWriter();
  const flow = fromSinkAndSource((message: Message) => writer.write(message), pipe.readable);
  const connection = upgrade.handleMessages(flow, { subprotocol });
  connection.onPong((payload) => void writer.write(`pong: ${Buffer.from(payload).toString()}`));
  connection.ping('are you there');
}

/** The ws peer: a noServer WebSocketServer behind the 'upgrade' event. */
function attachWs(server: Server): () => Promise<void> {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: true,
    handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false),
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refused = refusal(request);
    if (refused !== undefined) return refuseRaw(socket, refused.status, refused.body);
    wss.handleUpgrade(request, socket, head, (ws) => serveWs(ws, request));
  });
  return async () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
  };
}

/** Writes a plain HTTP answer on an upgrade socket and closes it. */
function refuseRaw(socket: Duplex, status: number, body: string): void {
  const reason = status === 404 ? 'Not Found' : 'Unauthorized';
  const extra = status === 401 ? 'WWW-Authenticate: Basic realm="wsflow"\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The routes on the ws peer. */
function serveWs(ws: WsSocket, request: IncomingMessage): void {
  const route = routeOf(request.url);
  let count = 0;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (route !== '/count') return ws.send(data, { binary: isBinary });
    if (!isBinary && data.toString() === 'close-me') ws.close(1000, `received ${count}`);
    else count++;
  });
  if (route.startsWith('/greet/')) {
    const n = Number(route.slice('/greet/'.length));
    for (let i = 0; i < n; i++) ws.send(`greeting ${i}`);
  } else if (route.startsWith('/feed/')) {
    const n = Number(route.slice('/feed/'.length));
    for (let i = 0; i < n; i++) ws.send(`item ${i}`);
    ws.close(1000, 'feed done');
  } else if (route === '/ping') {
    ws.once('pong', (payload: Buffer) => ws.send(`pong: ${payload.toString()}`));
    ws.ping('are you there');
  } else if (route === '/headers') {
    ws.send(JSON.stringify(request.headers));
  }
}

/** The Python peer: a child process that prints its ports, and exits when its stdin closes. */
async function startPythonPeer(tls: TlsMaterial): Promise<Peer> {
  const child = spawn(PYTHON, [PYTHON_PEER, '--cert', tls.certPath, '--key', tls.keyPath], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const ports = await readPorts(child);
  const port = (scheme: Scheme): number => ports[scheme];
  return {
    name: 'python',
    port,
    url: (scheme, path) => `${scheme}://127.0.0.1:${port(scheme)}${path}`,
    async close(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin?.end();
      child.kill();
      await exited;
    },
  };
}

/** The first line the Python peer prints, or its failure with the install command. */
function readPorts(child: ChildProcess): Promise<Record<Scheme, number>> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n')[0];
      if (output.includes('\n')) resolve(JSON.parse(line) as Record<Scheme, number>);
    });
    child.once('error', (error) => reject(new Error(`cannot run ${PYTHON}: ${error.message}`)));
    child.once('exit', (code) => {
      const missing = errors.includes("No module named 'websockets'");
      const hint = missing ? `python3-websockets is missing; install it with: ${INSTALL}\n` : '';
      reject(new Error(`${hint}the Python peer exited (${code}) before listening:\n${errors}`));
    });
  });
}
