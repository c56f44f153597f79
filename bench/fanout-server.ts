// Fan-out benchmark server process: one publisher connection on /pub, every other connection a
// subscriber on /sub; each message the publisher sends goes to every subscriber. Prints its port,
// then answers "exit" on stdin (see bench/processes.ts).
//   wsflow  the hub: `hub.publish` frames once, every subscriber gets the same bytes
//   ws      the usual loop: `for (const c of wss.clients) c.send(m)` (framed for each)
//   uws     uWebSockets.js topics: `app.publish`
//   tcp     the floor: a plain TCP server writing each chunk the publisher sends (already
//           framed, unmasked) to every other socket
//   node --expose-gc build/bench/fanout-server.js <kind>

import { createRequire } from 'node:module';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type * as Uws from 'uwebsockets';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { Hub } from '../src/hub/hub.js';
import { accept } from '../src/routing/answers.js';
import { Router } from '../src/routing/router.js';
import { map } from '../src/flow/flow.js';
import type { Message } from '../src/message/message.js';
import { serve } from '../src/server/server.js';
import { runChildServer } from './child-server.js';
import { FANOUT_KINDS } from './fanout-kinds.js';
import type { FanoutKind } from './fanout-kinds.js';

async function startWsflow(): Promise<number> {
  // Bounds far above what the benchmark keeps in flight: nothing is ever dropped.
  const hub = new Hub({ limits: { maxBufferedBytes: 64 * 1024 * 1024 } });
  const router = new Router()
    .route('/pub', () =>
      accept(
        map((message: Message) => {
          hub.publish('feed', message);
        }),
      ),
    )
    .route('/sub', () =>
      accept(
        hub.join((member) => {
          member.subscribe('feed');
          return map(() => undefined);
        }),
      ),
    );
  const server = await serve({ port: 0, host: '127.0.0.1', handler: router });
  return server.address.port;
}

async function startWs(): Promise<number> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  server.on('connection', (socket: WebSocket) => {
    socket.on('message', (data, isBinary) => {
      for (const client of server.clients) {
        if (client !== socket) client.send(data, { binary: isBinary });
      }
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

async function startUws(): Promise<number> {
  const uws = createRequire(import.meta.url)('uwebsockets') as typeof Uws;
  const settings = { maxPayloadLength: 16 * 1024 * 1024, maxBackpressure: 64 * 1024 * 1024 };
  return new Promise((resolve, reject) => {
    const app = uws.App();
    app
      .ws('/pub', {
        ...settings,
        idleTimeout: 0,
        message: (_socket, data, isBinary) => void app.publish('feed', data, isBinary),
      })
      .ws('/sub', { ...settings, idleTimeout: 0, open: (socket) => void socket.subscribe('feed') })
      .listen('127.0.0.1', 0, (token) => {
        if (token === false) reject(new Error('uWebSockets.js could not listen'));
        else resolve(uws.us_socket_local_port(token));
      });
  });
}

async function startTcp(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      for (const other of sockets) if (other !== socket) other.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function start(kind: FanoutKind): Promise<number> {
  switch (kind) {
    case 'wsflow':
      return startWsflow();
    case 'ws':
      return startWs();
    case 'uws':
      return startUws();
    case 'tcp':
      return startTcp();
  }
}

runChildServer('fanout-server', FANOUT_KINDS, start);
