// Echo throughput benchmark: wsflow (map, async generator, sink and source) vs ws vs uWebSockets.js
// vs a plain TCP echo, with each server's CPU time per message read from /proc; each
// server in its own process, the load generator in this one, pinned to other cores when taskset
// exists. Rounds interleave the servers so machine noise hits them alike; medians are reported.
//   node build/bench/echo.js [--sizes 32,65536] [--connections 50] [--inflight 64] [--seconds 2]
//     [--servers wsflow,ws,...] [--rounds 3] [--payload binary|json]
// `--payload json` sends text frames of a JSON document of each size (every kind echoes it byte
// for byte); the `wsflow-json` kind (a json() transformer echo) needs it.
// `npm run bench` (bench/main.ts) runs the same machinery through measureEcho().

import { fileURLToPath } from 'node:url';
import { SERVER_KINDS, needsJsonPayload } from './server-kinds.js';
import type { ServerKind } from './server-kinds.js';
import { formatRate, formatSize, median, printTable } from './harness.js';
import { runLoadMeasured } from './load.js';
import type { Payload } from './load.js';
import { hasTaskset, pinLoadProcess, startServer } from './processes.js';
import type { ServerProcess } from './processes.js';

/** Settings of one echo matrix: every size × connection count × server kind. */
export interface EchoOptions {
  sizes: readonly number[];
  connectionCounts: readonly number[];
  kinds: readonly ServerKind[];
  /** Messages in flight per connection (capped by `maxInflightBytes`). */
  inflight: number;
  /** The most payload bytes in flight per connection; 0 for no cap. */
  maxInflightBytes: number;
  /** What each message is: bytes (default) or a JSON document. */
  payload?: Payload;
  warmupMs: number;
  measureMs: number;
  rounds: number;
  /** Called before each measurement, e.g. to show progress. */
  onStep?: (label: string) => void;
  cpuProfileDir?: string;
}

/** One cell of the echo matrix: the median rate of each server kind. */
export interface EchoCell {
  connections: number;
  size: number;
  inflight: number;
  /** Echoed messages per second, median of the rounds, per server kind. */
  rates: Partial<Record<ServerKind, number>>;
  /** Every round's rate, per server kind. */
  samples: Partial<Record<ServerKind, number[]>>;
  /** The load generator's CPU (share of one core) while measuring, median, per server kind. */
  loadCpu: Partial<Record<ServerKind, number>>;
  /** The server's CPU time per echoed message (µs), median, per server kind. */
  serverCpu: Partial<Record<ServerKind, number>>;
}

/** The messages in flight per connection for a size: `inflight`, capped by bytes. */
export function inflightFor(size: number, options: EchoOptions): number {
  if (options.maxInflightBytes <= 0) return options.inflight;
  return Math.max(1, Math.min(options.inflight, Math.floor(options.maxInflightBytes / size)));
}

/** The number of measurements measureEcho makes (for progress). */
export function echoSteps(options: EchoOptions): number {
  return (
    options.sizes.length * options.connectionCounts.length * options.rounds * options.kinds.length
  );
}

/** Starts one server of each kind; a fresh set per cell, so no cell inherits another's backlog. */
async function startServers(options: EchoOptions): Promise<Map<ServerKind, ServerProcess>> {
  const servers = new Map<ServerKind, ServerProcess>();
  try {
    for (const kind of options.kinds) {
      servers.set(kind, await startServer(kind, { cpuProfileDir: options.cpuProfileDir }));
    }
  } catch (error) {
    for (const server of servers.values()) await server.stop();
    throw error;
  }
  return servers;
}

/** Measures one cell: `rounds` interleaved rounds of every server kind. */
async function measureCell(options: EchoOptions, connections: number, size: number) {
  const inflight = inflightFor(size, options);
  const samples: Partial<Record<ServerKind, number[]>> = {};
  const loadCpuSamples: Partial<Record<ServerKind, number[]>> = {};
  const serverCpuSamples: Partial<Record<ServerKind, number[]>> = {};
  const servers = await startServers(options);
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const kind of options.kinds) {
        options.onStep?.(`echo ${kind} ${connections}c ${formatSize(size)} r${round + 1}`);
        const server = servers.get(kind)!;
        const measured = await runLoadMeasured(
          {
            port: server.port,
            rawTcp: kind === 'tcp',
            connections,
            inflight,
            messageBytes: size,
            payload: options.payload,
            warmupMs: options.warmupMs,
            measureMs: options.measureMs,
          },
          () => server.cpuMicros(),
        );
        (samples[kind] ??= []).push(measured.rate);
        (loadCpuSamples[kind] ??= []).push(measured.loadCpu);
        (serverCpuSamples[kind] ??= []).push(measured.serverCpuPerMessage);
      }
    }
  } finally {
    for (const server of servers.values()) await server.stop();
  }
  const rates: Partial<Record<ServerKind, number>> = {};
  const loadCpu: Partial<Record<ServerKind, number>> = {};
  const serverCpu: Partial<Record<ServerKind, number>> = {};
  for (const kind of options.kinds) {
    rates[kind] = median(samples[kind]!);
    loadCpu[kind] = median(loadCpuSamples[kind]!);
    serverCpu[kind] = median(serverCpuSamples[kind]!);
  }
  return { connections, size, inflight, rates, samples, loadCpu, serverCpu };
}

/** Runs the echo matrix, cell by cell; every server child is stopped at the end of its cell. */
export async function measureEcho(options: EchoOptions): Promise<EchoCell[]> {
  const jsonOnly = options.kinds.filter(needsJsonPayload);
  if (jsonOnly.length > 0 && options.payload !== 'json') {
    throw new Error(`${jsonOnly.join(', ')} take JSON text only: add --payload json`);
  }
  const cells: EchoCell[] = [];
  for (const connections of options.connectionCounts) {
    for (const size of options.sizes) cells.push(await measureCell(options, connections, size));
  }
  return cells;
}

/** The echo rows of a table: see ECHO_HEADER. */
export function echoRows(cells: readonly EchoCell[], kinds: readonly ServerKind[]): string[][] {
  const rows: string[][] = [];
  for (const cell of cells) {
    const ws = cell.rates.ws ?? NaN;
    const tcp = cell.rates.tcp ?? NaN;
    const mapCpu = cell.serverCpu.wsflow;
    for (const kind of kinds) {
      const cpu = cell.serverCpu[kind] ?? NaN;
      const rate = cell.rates[kind] ?? NaN;
      rows.push([
        kind,
        String(cell.connections),
        formatSize(cell.size),
        String(cell.inflight),
        formatRate(rate),
        ((rate * cell.size) / 1e6).toFixed(1),
        cell.rates.ws === undefined ? '-' : `${(rate / ws).toFixed(2)}x`,
        cell.rates.tcp === undefined ? '-' : `${((rate / tcp) * 100).toFixed(0)}%`,
        `${((cell.loadCpu[kind] ?? NaN) * 100).toFixed(0)}%`,
        cpu.toFixed(cpu < 10 ? 2 : 0),
        kind.startsWith('wsflow') && mapCpu !== undefined ? `${(cpu / mapCpu).toFixed(2)}x` : '-',
      ]);
    }
  }
  return rows;
}

export const ECHO_HEADER = [
  'server',
  'conns',
  'size',
  'inflight',
  'msg/s',
  'MB/s',
  'vs ws',
  'vs tcp',
  'load cpu',
  'srv µs/msg',
  'cpu vs map',
];

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

async function main(): Promise<void> {
  pinLoadProcess();
  const options: EchoOptions = {
    sizes: option('sizes', '32,65536').split(',').map(Number),
    connectionCounts: option('connections', '50').split(',').map(Number),
    kinds: option('servers', SERVER_KINDS.join(',')).split(',') as ServerKind[],
    inflight: Number(option('inflight', '64')),
    maxInflightBytes: Number(option('max-inflight-bytes', '0')),
    warmupMs: 500,
    measureMs: Number(option('seconds', '2')) * 1000,
    rounds: Number(option('rounds', '3')),
    payload: option('payload', 'binary') as Payload,
  };
  const total = echoSteps(options);
  let done = 0;
  options.onStep = () => process.stderr.write(`\r${++done}/${total} measurements`);
  const cells = await measureEcho(options);
  process.stderr.write('\n');
  console.log(
    `node ${process.version}; ${options.payload} messages; ${options.inflight} in flight per ` +
      `connection; median of ` +
      `${options.rounds} rounds of ${options.measureMs / 1000}s; ` +
      `${hasTaskset ? 'server on core 1, load on core 0' : 'no taskset: unpinned'}`,
  );
  printTable(ECHO_HEADER, echoRows(cells, options.kinds));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
