// Fan-out benchmark: one publisher and many subscriber connections; each message the publisher
// sends is delivered to every subscriber. wsflow's hub against ws's loop over `wss.clients`,
// uWebSockets.js topics, and a plain TCP server writing the same frame bytes (the floor). The
// load generator (this process) reads the subscriber sockets cheaply, counting bytes, and keeps
// two batches of messages in flight. Each server runs in its own process; its CPU time per
// delivered message is read from /proc.
//   node build/bench/fanout.js [--subscribers 1000] [--sizes 32,1024] [--servers wsflow,ws,uws,tcp]
//     [--rounds 3] [--seconds 2]
// `npm run bench -- --only fanout` (bench/main.ts) runs the same machinery through measureFanout().

import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Opcode } from '../src/codec/opcode.js';
import { serializeFrame } from '../src/protocol/serializer.js';
import { FANOUT_KINDS } from './fanout-kinds.js';
import type { FanoutKind } from './fanout-kinds.js';
import { formatRate, formatSize, median, printTable } from './harness.js';
import { openRawWebSocket } from './load.js';
import { pinLoadProcess, startServer } from './processes.js';
import type { ServerProcess } from './processes.js';

/** Settings of one fan-out run: every size × server kind. */
export interface FanoutOptions {
  subscribers: number;
  sizes: readonly number[];
  kinds: readonly FanoutKind[];
  /** Messages the publisher sends in one write; two batches are in flight at most. */
  batch: number;
  warmupMs: number;
  measureMs: number;
  rounds: number;
  onStep?: (label: string) => void;
}

/** One size: the median of each server kind. */
export interface FanoutCell {
  size: number;
  /** Messages delivered per second (to all subscribers together). */
  rates: Partial<Record<FanoutKind, number>>;
  samples: Partial<Record<FanoutKind, number[]>>;
  /** The server's CPU time per delivered message, µs. */
  serverCpu: Partial<Record<FanoutKind, number>>;
  /** The load generator's CPU (share of one core) while measuring. */
  loadCpu: Partial<Record<FanoutKind, number>>;
}

/** The number of measurements measureFanout makes (for progress). */
export function fanoutSteps(options: FanoutOptions): number {
  return options.sizes.length * options.kinds.length * options.rounds;
}

/** Starts one server per kind, measures every size in interleaved rounds, stops them. */
export async function measureFanout(options: FanoutOptions): Promise<FanoutCell[]> {
  const servers: ServerProcess<FanoutKind>[] = [];
  try {
    for (const kind of options.kinds) {
      servers.push(await startServer(kind, { script: './fanout-server.js' }));
    }
    const cells: FanoutCell[] = [];
    for (const size of options.sizes) {
      const cell: FanoutCell = { size, rates: {}, samples: {}, serverCpu: {}, loadCpu: {} };
      const cpu: Partial<Record<FanoutKind, number[]>> = {};
      const load: Partial<Record<FanoutKind, number[]>> = {};
      for (let round = 0; round < options.rounds; round++) {
        for (const server of servers) {
          options.onStep?.(`fanout ${server.kind} ${formatSize(size)} r${round + 1}`);
          const result = await measureOne(server, size, options);
          (cell.samples[server.kind] ??= []).push(result.rate);
          (cpu[server.kind] ??= []).push(result.serverCpuPerMessage);
          (load[server.kind] ??= []).push(result.loadCpu);
        }
      }
      for (const server of servers) {
        cell.rates[server.kind] = median(cell.samples[server.kind]!);
        cell.serverCpu[server.kind] = median(cpu[server.kind]!);
        cell.loadCpu[server.kind] = median(load[server.kind]!);
      }
      cells.push(cell);
    }
    return cells;
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function openTcp(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

/** Opens `count` sockets, `parallel` handshakes at a time. */
async function openMany(count: number, open: () => Promise<Socket>): Promise<Socket[]> {
  const sockets: Socket[] = [];
  while (sockets.length < count) {
    const batch = Math.min(100, count - sockets.length);
    sockets.push(...(await Promise.all(Array.from({ length: batch }, open))));
  }
  return sockets;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One measurement: subscribers and a publisher on a fresh set of sockets. */
async function measureOne(
  server: ServerProcess<FanoutKind>,
  size: number,
  options: FanoutOptions,
): Promise<{ rate: number; serverCpuPerMessage: number; loadCpu: number }> {
  const tcp = server.kind === 'tcp';
  const { port } = server;
  const open = (path: string) => () =>
    tcp ? openTcp(port) : openRawWebSocket(port, '', path).then(({ socket }) => socket);
  const subscribers = await openMany(options.subscribers, open('/sub'));
  const publisher = await open('/pub')();
  await sleep(50); // every subscriber joined its topic before the first message
  const payload = Buffer.alloc(size, 0x61);
  const delivered = serializeFrame(Opcode.Binary, payload); // what each subscriber receives
  // The TCP floor relays bytes as they come: the publisher sends them in the server's form.
  const sent = tcp ? delivered : serializeFrame(Opcode.Binary, payload, { maskKey: 0x0badf00d });
  const batchBytes = Buffer.concat(Array.from({ length: options.batch }, () => sent));
  const bytesPerBatch = options.batch * options.subscribers * delivered.length;
  let received = 0;
  let batchesSent = 0;
  const publish = (): void => {
    while (batchesSent < 2 + Math.floor(received / bytesPerBatch)) {
      publisher.write(batchBytes);
      batchesSent++;
    }
  };
  for (const socket of [...subscribers, publisher]) socket.on('error', () => undefined);
  for (const socket of subscribers) {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      publish();
    });
  }
  publish();
  await sleep(options.warmupMs);
  const serverAtStart = await server.cpuMicros();
  const bytesAtStart = received;
  const cpuAtStart = process.cpuUsage();
  const startedAt = performance.now();
  await sleep(options.measureMs);
  const elapsedMs = performance.now() - startedAt;
  const messages = (received - bytesAtStart) / delivered.length;
  const cpu = process.cpuUsage(cpuAtStart);
  const serverAtEnd = await server.cpuMicros();
  for (const socket of [...subscribers, publisher]) socket.destroy();
  await waitUntilIdle(server);
  return {
    rate: (messages / elapsedMs) * 1000,
    serverCpuPerMessage: (serverAtEnd - serverAtStart) / Math.max(1, messages),
    loadCpu: (cpu.user + cpu.system) / 1000 / elapsedMs,
  };
}

/**
 * Waits until the server stops using CPU (at most 20 s): a server still writing what it queued
 * to the sockets just closed (ws, with a batch of sends behind) would steal the next server's
 * core.
 */
async function waitUntilIdle(server: ServerProcess<FanoutKind>): Promise<void> {
  let before = await server.cpuMicros();
  for (let i = 0; i < 100; i++) {
    await sleep(200);
    const now = await server.cpuMicros();
    if (now - before < 10_000) return;
    before = now;
  }
}

/** The table rows of a fan-out run: one per size and server, with ratios to ws and to TCP. */
export function fanoutRows(cells: readonly FanoutCell[], kinds: readonly FanoutKind[]): string[][] {
  const rows: string[][] = [];
  for (const cell of cells) {
    for (const kind of kinds) {
      rows.push([
        formatSize(cell.size),
        kind,
        formatRate(cell.rates[kind]!),
        `${(cell.rates[kind]! / cell.rates.ws!).toFixed(2)}x`,
        cell.serverCpu[kind]!.toFixed(3),
        `${(cell.serverCpu[kind]! / cell.serverCpu.tcp!).toFixed(2)}x`,
        `${(cell.loadCpu[kind]! * 100).toFixed(0)}%`,
      ]);
    }
  }
  return rows;
}

export const FANOUT_HEADER = [
  'size',
  'server',
  'delivered msg/s',
  'vs ws',
  'server µs/msg',
  'CPU vs tcp',
  'load CPU',
];

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  pinLoadProcess();
  const kinds = (option('servers')?.split(',') ?? [...FANOUT_KINDS]) as FanoutKind[];
  for (const required of ['ws', 'tcp'] as const) {
    if (!kinds.includes(required)) kinds.push(required); // the ratios are to these
  }
  const options: FanoutOptions = {
    subscribers: Number(option('subscribers') ?? 1000),
    sizes: (option('sizes') ?? '32,1024').split(',').map(Number),
    kinds,
    batch: Number(option('batch') ?? 64),
    warmupMs: 500,
    measureMs: Number(option('seconds') ?? 2) * 1000,
    rounds: Number(option('rounds') ?? 3),
    onStep: (label) => process.stderr.write(`${label}\n`),
  };
  const cells = await measureFanout(options);
  console.log(
    `Fan-out: 1 publisher, ${options.subscribers} subscribers, batches of ${options.batch}; ` +
      `median of ${options.rounds} round(s)`,
  );
  printTable(FANOUT_HEADER, fanoutRows(cells, kinds));
}
