// Client benchmark: echo throughput of wsflow's clients (the listener, the WHATWG WebSocket on it,
// the socket) against ws's client, all talking to the same echo server (in a worker thread, so it
// has its own event loop) on loopback, in the same run, for 32 B and 64 KiB binary messages. `npm run bench` reuses these clients against a
// wsflow server in a child process. Each client keeps WINDOW messages in flight; rounds
// alternate between clients; prints msgs/s, MB/s and the ratio to ws (higher favours wsflow).
// The server is ws's by default; ws's server handles about as many small messages per second as
// ws's client sends, so every client meets that ceiling: `wsflow` serves with wsflow's map fast
// path instead, which leaves the clients room to differ.
//   npx tsc -p tsconfig.json && node build/bench/client-echo.js [ws|wsflow]
// (BENCH_BUDGET_MS: ms per cell, default 2000)

import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import WebSocket, { WebSocketServer } from 'ws';
import {
  WebSocket as WhatwgWebSocket,
  map,
  openWebSocket,
  openWebSocketWithListener,
  serve,
} from '../src/index.js';
import type { Connection, Message } from '../src/index.js';
import { formatRate, formatSize, median, printTable } from './harness.js';

const SIZES = [32, 64 * 1024];
const BYTES_PER_ROUND = 32 * 1024 * 1024;
const MAX_MESSAGES_PER_ROUND = 20_000;
const WINDOW = 32;
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 2000);
const MIN_ROUNDS = 3;
const MAX_ROUNDS = 50;

/** Messages per timed round for a size: at most 32 MiB and 20,000 messages. */
export function messagesPerRound(size: number): number {
  return Math.min(MAX_MESSAGES_PER_ROUND, Math.floor(BYTES_PER_ROUND / size));
}

/** One echo client: `round(n)` sends n messages, WINDOW in flight, and resolves on the n-th echo. */
export interface Client {
  readonly name: string;
  round(payload: Buffer, total: number): Promise<void>;
  close(): Promise<void>;
}

/** ws's client, driven by its 'message' events. */
export async function wsClient(url: string): Promise<Client> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await once(ws, 'open');
  return {
    name: 'ws',
    round: (payload, total) =>
      new Promise((resolve) => {
        let sent = 0;
        let received = 0;
        const onMessage = (): void => {
          if (++received === total) {
            ws.off('message', onMessage);
            resolve();
          } else if (sent < total) {
            sent++;
            ws.send(payload);
          }
        };
        ws.on('message', onMessage);
        for (; sent < Math.min(WINDOW, total); sent++) ws.send(payload);
      }),
    close: async () => {
      ws.close();
      await once(ws, 'close');
    },
  };
}

/** wsflow's callback client (openWebSocketWithListener), the same shape as ws's events. */
export async function wsflowListenerClient(url: string): Promise<Client> {
  let onMessage: () => void = () => undefined;
  const connection: Connection = await openWebSocketWithListener(url, {
    onMessage: () => onMessage(),
  });
  return {
    name: 'wsflow listener',
    round: (payload, total) =>
      new Promise((resolve) => {
        let sent = 0;
        let received = 0;
        onMessage = () => {
          if (++received === total) resolve();
          else if (sent < total) {
            sent++;
            void connection.send(payload);
          }
        };
        for (; sent < Math.min(WINDOW, total); sent++) void connection.send(payload);
      }),
    close: async () => void (await connection.close()),
  };
}

/**
 * wsflow's WHATWG-shaped WebSocket (on the listener client): a MessageEvent per message, an
 * ArrayBuffer of it, and a copy of each payload sent, as the standard asks.
 */
export async function wsflowWhatwgClient(url: string): Promise<Client> {
  const socket = new WhatwgWebSocket(url, undefined, { perMessageDeflate: false });
  socket.binaryType = 'arraybuffer';
  await once(socket, 'open');
  let onMessage: () => void = () => undefined;
  socket.onmessage = () => onMessage();
  return {
    name: 'wsflow WebSocket',
    round: (payload, total) =>
      new Promise((resolve) => {
        let sent = 0;
        let received = 0;
        onMessage = () => {
          if (++received === total) resolve();
          else if (sent < total) {
            sent++;
            socket.send(payload);
          }
        };
        for (; sent < Math.min(WINDOW, total); sent++) socket.send(payload);
      }),
    close: async () => {
      socket.close();
      await once(socket, 'close');
    },
  };
}

/** wsflow's high-level socket (openWebSocket): a receiveBinary() per message, as sttp users write. */
export async function wsflowSocketClient(url: string): Promise<Client> {
  const socket = await openWebSocket(url);
  return {
    name: 'wsflow socket',
    async round(payload, total) {
      let sent = 0;
      for (; sent < Math.min(WINDOW, total); sent++) void socket.send(payload);
      for (let received = 0; received < total; received++) {
        await socket.receiveBinary();
        if (sent < total) {
          sent++;
          void socket.send(payload);
        }
      }
    },
    close: async () => void (await socket.close()),
  };
}

/** Runs rounds of every client in turn until the budget is spent; returns ms per round each. */
export async function measure(
  clients: Client[],
  payload: Buffer,
  total: number,
  budgetMs = BUDGET_MS,
): Promise<number[][]> {
  const times: number[][] = clients.map(() => []);
  for (const client of clients) await client.round(payload, Math.min(total, 1000)); // warm-up
  const deadline = performance.now() + budgetMs * clients.length;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (round >= MIN_ROUNDS && performance.now() > deadline) break;
    for (const [i, client] of clients.entries()) {
      const start = performance.now();
      await client.round(payload, total);
      times[i].push(performance.now() - start);
    }
  }
  return times;
}

/** The echo server, in a worker thread: posts its port, stops when the main thread says so. */
async function serveEcho(kind: unknown): Promise<void> {
  if (kind === 'wsflow') {
    const server = await serve({ port: 0, host: '127.0.0.1', flow: map((m: Message) => m) });
    parentPort?.postMessage(server.address.port);
    parentPort?.once('message', () => {
      void server.close();
      parentPort?.close();
    });
    return;
  }
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  server.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  await once(server, 'listening');
  parentPort?.postMessage((server.address() as AddressInfo).port);
  parentPort?.once('message', () => {
    for (const client of server.clients) client.terminate();
    server.close();
    parentPort?.close();
  });
}

async function main(): Promise<void> {
  const serverKind = process.argv[2] === 'wsflow' ? 'wsflow' : 'ws';
  const worker = new Worker(new URL(import.meta.url), { workerData: serverKind });
  const [port] = (await once(worker, 'message')) as [number];
  const url = `ws://127.0.0.1:${port}/`;
  const clients = [
    await wsClient(url),
    await wsflowListenerClient(url),
    await wsflowWhatwgClient(url),
    await wsflowSocketClient(url),
  ];
  const wsVersion = (createRequire(import.meta.url)('ws/package.json') as { version: string })
    .version;
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}`);
  console.log(
    `ws ${wsVersion}; ${serverKind} echo server in a worker; window ${WINDOW}; ${BUDGET_MS} ms per cell\n`,
  );
  const rows: string[][] = [];
  for (const size of SIZES) {
    const total = messagesPerRound(size);
    const times = await measure(clients, Buffer.alloc(size, 0x61), total);
    const rates = times.map((t) => total / (median(t) / 1000));
    for (const [i, client] of clients.entries()) {
      const megabytes = (rates[i] * size) / 1e6;
      const ratio = (rates[i] / rates[0]).toFixed(2);
      rows.push([formatSize(size), client.name, formatRate(rates[i]), megabytes.toFixed(1), ratio]);
    }
  }
  printTable(['size', 'client', 'msgs/s', 'MB/s', 'vs ws'], rows);
  for (const client of clients) await client.close();
  worker.postMessage('stop');
}

if (!isMainThread) void serveEcho(workerData);
else if (process.argv[1] === fileURLToPath(import.meta.url)) void main();
