// Benchmark server process: one echo server of the kind named on the command line, on
// 127.0.0.1 port 0; prints its port on stdout, then answers lines on stdin:
//   "memory" → one JSON line of process.memoryUsage() after a forced GC (start with --expose-gc)
//   "exit"   → exits cleanly (so --cpu-prof writes its profile)
//   "cpu"    → one JSON line of process.cpuUsage() (where /proc is missing)
//   node --expose-gc build/bench/echo-server.js <kind>   (see server-kinds.ts)

import { fstatSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import { createRequire } from 'node:module';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type * as Uws from 'uwebsockets';
import { createInterface } from 'node:readline';
import { WebSocketServer } from 'ws';
import { attachWebSocket } from '../src/server/attach.js';
import { serve } from '../src/server/server.js';
import { accept } from '../src/routing/answers.js';
import { allowOrigins } from '../src/routing/origin-guard.js';
import { Router } from '../src/routing/router.js';
import { echo, fromSinkAndSource, map } from '../src/flow/flow.js';
import { json } from '../src/transform/json.js';
import { actorFlow } from '../src/actor/socket-actor.js';
import type { Message } from '../src/message/message.js';
import { subscribe } from 'node:diagnostics_channel';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { DiagnosticChannels } from '../src/connection/channels.js';
import { startWsflowMetrics } from '../src/otel/index.js';
import { ALL_SERVER_KINDS } from './server-kinds.js';
import type { ServerKind } from './server-kinds.js';

/** The README's idiom: an async generator that yields every message it reads. */
async function* echoStream(incoming: AsyncIterable<Message>): AsyncIterable<Message> {
  for await (const message of incoming) yield message;
}

/**
 * An unbounded push queue read as an async iterable: the source of the sink-and-source echo. It
 * takes from a head index, as wsflow's own queue does: `Array.prototype.shift()` here would cost
 * more per message (about 0.13 µs on Node 20) than the rest of the sink-and-source path.
 */
class PushSource<T> implements AsyncIterable<T> {
  readonly #queue: (T | undefined)[] = [];
  #head = 0;
  #waiting: ((step: IteratorResult<T>) => void) | undefined;

  push(value: T): void {
    const waiting = this.#waiting;
    if (waiting === undefined) {
      this.#queue.push(value);
    } else {
      this.#waiting = undefined;
      waiting({ done: false, value });
    }
  }

  #take(): T {
    const queue = this.#queue;
    const value = queue[this.#head] as T;
    queue[this.#head++] = undefined;
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    }
    return value;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.#head < this.#queue.length) {
          return Promise.resolve({ done: false, value: this.#take() });
        }
        return new Promise((resolve) => (this.#waiting = resolve));
      },
    };
  }
}

/** uWebSockets.js (the npm package `uwebsockets`), echoing every message as it came. */
async function startUws(): Promise<number> {
  const uws = createRequire(import.meta.url)('uwebsockets') as typeof Uws;
  return new Promise((resolve, reject) => {
    uws
      .App()
      .ws('/*', {
        maxPayloadLength: 64 * 1024 * 1024,
        maxBackpressure: 64 * 1024 * 1024,
        idleTimeout: 0,
        message: (socket, data, isBinary) => void socket.send(data, isBinary),
      })
      .listen('127.0.0.1', 0, (token) => {
        if (token === false) reject(new Error('uWebSockets.js could not listen'));
        else resolve(uws.us_socket_local_port(token));
      });
  });
}

async function startWs(perMessageDeflate: boolean): Promise<number> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate });
  server.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  await new Promise((resolve) => server.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

/** ws with JSON by hand, as a ws user writes it: what parsing and serializing cost anyway. */
async function startWsJson(): Promise<number> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  server.on('connection', (socket) => {
    socket.on('message', (data) => socket.send(JSON.stringify(JSON.parse(String(data)))));
  });
  await new Promise((resolve) => server.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

async function start(kind: ServerKind): Promise<number> {
  switch (kind) {
    case 'wsflow':
    case 'wsflow-deflate': {
      // The fastest level: a synchronous map runs straight from message delivery.
      const perMessageDeflate = kind === 'wsflow-deflate';
      const flow = map((m: Message) => m);
      const server = await serve({ port: 0, host: '127.0.0.1', flow, perMessageDeflate });
      return server.address.port;
    }
    case 'wsflow-keepalive': {
      // Heartbeats on: what every read and write pays for them (a counter), timers sampling.
      const flow = map((m: Message) => m);
      const keepAlive = { maxIdleMs: 20_000, pongTimeoutMs: 10_000 };
      const server = await serve({ port: 0, host: '127.0.0.1', flow, keepAlive });
      return server.address.port;
    }
    case 'wsflow-budget': {
      // A memory budget on: every read, write and queued send reports what the connection holds.
      const flow = map((m: Message) => m);
      const memoryBudget = { bytes: 64 * 1024 * 1024 };
      const server = await serve({ port: 0, host: '127.0.0.1', flow, memoryBudget });
      return server.address.port;
    }
    case 'wsflow-traced': {
      // A listener on every diagnostics channel: each message builds a payload and calls it.
      let events = 0;
      for (const name of Object.values(DiagnosticChannels)) subscribe(name, () => void events++);
      const flow = map((m: Message) => m);
      const server = await serve({ port: 0, host: '127.0.0.1', flow });
      return server.address.port;
    }
    case 'wsflow-otel': {
      // wsflow/otel into the SDK's meter provider (a reader that never exports during the run).
      const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      const reader = new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: 3_600_000,
      });
      startWsflowMetrics({ meterProvider: new MeterProvider({ readers: [reader] }) });
      const flow = map((m: Message) => m);
      const server = await serve({ port: 0, host: '127.0.0.1', flow });
      return server.address.port;
    }
    case 'wsflow-json': {
      // Play's JSON echo: each message parsed (depth-checked) and serialized again, on the map path.
      const server = await serve({ port: 0, host: '127.0.0.1', flow: json().transform(echo()) });
      return server.address.port;
    }
    case 'wsflow-stream': {
      const server = await serve({ port: 0, host: '127.0.0.1', flow: echoStream });
      return server.address.port;
    }
    case 'wsflow-sink': {
      // A disconnected flow per connection: the function sink pushes into the source.
      const server = await serve({
        port: 0,
        host: '127.0.0.1',
        handler: (upgrade) => {
          const source = new PushSource<Message>();
          upgrade.handleMessages(fromSinkAndSource((m: Message) => source.push(m), source));
        },
      });
      return server.address.port;
    }
    case 'wsflow-actor': {
      // Play's ActorFlow.actorRef: an actor per connection that echoes each message through out.
      const flow = actorFlow<Message, Message>(({ out }) => ({
        onMessage: (m) => void out.tell(m),
      }));
      const server = await serve({ port: 0, host: '127.0.0.1', flow });
      return server.address.port;
    }
    case 'wsflow-attach': {
      const server = createHttpServer();
      const flow = map((m: Message) => m);
      attachWebSocket(server, (upgrade) => void upgrade.handleMessages(flow));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    }
    case 'wsflow-h2c': {
      const server = createHttp2Server();
      const flow = map((m: Message) => m);
      attachWebSocket(server, (upgrade) => void upgrade.handleMessages(flow));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    }
    case 'wsflow-routed': {
      const server = await serve({ port: 0, host: '127.0.0.1', handler: routerOf50Routes() });
      return server.address.port;
    }
    case 'uws':
      return startUws();
    case 'ws':
      return startWs(false);
    case 'ws-json':
      return startWsJson();
    case 'ws-deflate':
      return startWs(true);
    case 'tcp': {
      const server = createTcpServer((socket) => {
        socket.on('error', () => socket.destroy());
        socket.pipe(socket);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    }
  }
}

/**
 * A Router of 50 routes, as an app might have: 25 distinct first segments with a parameter, and
 * 25 under /rooms/:room (24 deeper ones sharing the parameter). The benchmark asks for
 * /rooms/lobby, matched by '/rooms/:room' after walking past the others, whose Origin guard
 * (the check a browser-facing server makes) passes the request's Origin by its wildcard.
 */
function routerOf50Routes(): Router {
  const flow = map((m: Message) => m);
  const answer = () => accept(flow);
  const sameSite = allowOrigins(['https://example.com', 'https://*.example.com']);
  let router = new Router();
  for (let i = 0; i < 25; i++) router = router.route(`/area${i}/:id`, answer);
  for (let i = 0; i < 24; i++) router = router.route(`/rooms/:room/topic${i}`, answer);
  return router.route('/rooms/:room', answer, { guards: [sameSite] });
}

/** Answers the parent's commands, one per stdin line. */
function listenForCommands(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line === 'memory') {
      for (let i = 0; i < 3; i++) gc?.();
      process.stdout.write(
        `${JSON.stringify({ gc: gc !== undefined, ...process.memoryUsage() })}\n`,
      );
    } else if (line === 'cpu') {
      process.stdout.write(`${JSON.stringify(process.cpuUsage())}\n`);
    } else if (line === 'exit') process.exit(0);
  });
  // A parent that dies without stopping us closes our stdin pipe: exit then too. (An ignored
  // stdin, /dev/null, closes at once and is not a parent's.)
  const stdin = fstatSync(0);
  if (stdin.isFIFO() || stdin.isSocket()) lines.on('close', () => process.exit(0));
}

const kind = process.argv[2] as ServerKind;
if (!(ALL_SERVER_KINDS as readonly string[]).includes(kind)) {
  console.error(`usage: echo-server ${ALL_SERVER_KINDS.join('|')}`);
  process.exit(2);
}
start(kind).then((port) => {
  console.log(port);
  listenForCommands();
});
