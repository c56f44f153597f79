// Scale-out benchmark server process: one node of a fan-out across nodes. A publisher connection
// sends messages that go to every subscriber of the topic `bench`, on this node and on the others.
// Prints its port, then answers "exit" and "cpu" on stdin (see bench/processes.ts). The Redis URL
// comes from WSFLOW_BENCH_REDIS_URL.
//   wsflow-hub      one node alone: the hub on its in-process backend (/pub, /sub)
//   wsflow-redis    a node of many: the hub on redisBackend, over ioredis (/pub, /sub)
//   wsflow-redis-resume  the same node; its subscribers resume (wsflow.resume.v1: markers)
//   socketio-redis  Socket.IO with @socket.io/redis-streams-adapter, over ioredis: a socket with
//                   `?role=sub` joins the room; a `p` event from any socket is emitted to the room
//   node build/bench/scale-out-server.js <kind>

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { Server as SocketIoServer } from 'socket.io';
import { Hub } from '../src/hub/hub.js';
import type { HubBackend } from '../src/hub/backend.js';
import { accept } from '../src/routing/answers.js';
import { Router } from '../src/routing/router.js';
import { resumeSubprotocol } from '../src/hub/member-resume.js';
import { map } from '../src/flow/flow.js';
import type { Message } from '../src/message/message.js';
import { serve } from '../src/server/server.js';
import { fromIoredis, redisBackend } from '../src/redis/index.js';
import { runChildServer } from './child-server.js';
import { SCALE_OUT_KINDS } from './scale-out-kinds.js';
import type { ScaleOutKind } from './scale-out-kinds.js';

const TOPIC = 'bench';

function redisUrl(): string {
  const url = process.env.WSFLOW_BENCH_REDIS_URL;
  if (url === undefined) throw new Error('WSFLOW_BENCH_REDIS_URL is not set');
  return url;
}

async function startWsflow(backend: HubBackend | undefined): Promise<number> {
  // Bounds far above what the benchmark keeps in flight: nothing is ever dropped.
  const hub = new Hub({ backend, limits: { maxBufferedBytes: 64 * 1024 * 1024 } });
  const router = new Router()
    .route('/pub', () =>
      accept(
        map((message: Message) => {
          hub.publish(TOPIC, message);
        }),
      ),
    )
    .route('/sub', (request) =>
      accept(
        hub.join((member) => {
          member.subscribe(TOPIC);
          return map(() => undefined);
        }),
        { subprotocol: resumeSubprotocol(request) },
      ),
    );
  const server = await serve({ port: 0, host: '127.0.0.1', handler: router });
  return server.address.port;
}

async function startSocketIo(): Promise<number> {
  const redis = new Redis(redisUrl());
  const http = createServer();
  const io = new SocketIoServer(http, {
    adapter: createAdapter(redis),
    transports: ['websocket'],
    // The load generator does not answer Engine.IO pings: a round outlasts no interval.
    pingInterval: 10 * 60_000,
    pingTimeout: 10 * 60_000,
    serveClient: false,
  });
  io.on('connection', (socket) => {
    if (socket.handshake.query.role === 'sub') void socket.join(TOPIC);
    socket.on('p', (payload: string) => {
      io.to(TOPIC).emit('m', payload);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return (http.address() as AddressInfo).port;
}

function start(kind: ScaleOutKind): Promise<number> {
  switch (kind) {
    case 'wsflow-hub':
      return startWsflow(undefined);
    case 'wsflow-redis':
    case 'wsflow-redis-resume':
      return startWsflow(redisBackend({ connection: fromIoredis(new Redis(redisUrl())) }));
    case 'socketio-redis':
      return startSocketIo();
  }
}

runChildServer('scale-out-server', SCALE_OUT_KINDS, start);
