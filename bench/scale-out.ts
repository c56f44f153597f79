// Scale-out benchmark: fan-out across nodes. One publisher on the first node; subscribers of one
// topic spread over several nodes, each a process of its own, sharing the topic through Redis.
// wsflow's hub on redisBackend against Socket.IO with its Redis Streams adapter, and against the
// single-node hub holding every subscriber alone; and wsflow's hub on redisBackend with resuming
// subscribers (wsflow.resume.v1: a marker before each run of a stream entry's messages). Every node and Redis run on one core (core 1,
// when taskset exists), the load generator (this process) on the other: the same hardware for
// each kind. The publisher keeps two batches in flight; each message carries its send time, and
// one subscriber per node reads it back for the end-to-end latency. With `--rate`, the publisher
// sends that many messages per second instead (a timer every 5 ms sends what is due), for the
// latency at a moderate load rather than at saturation.
//   node build/bench/scale-out.js [--nodes 3] [--subscribers 200] [--sizes 32,1024]
//     [--servers wsflow-redis,wsflow-redis-resume,socketio-redis,wsflow-hub] [--batch 16]
//     [--rounds 3] [--seconds 2] [--rate 1000]
// `--subscribers` is per node; the single-node hub gets them all (nodes × subscribers).
// `npm run bench -- --only scaleout` (bench/main.ts) runs the same machinery.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Opcode } from '../src/codec/opcode.js';
import { serializeFrame } from '../src/protocol/serializer.js';
import { RESUME_SUBPROTOCOL } from '../src/resume-wire.js';
import { RedisServer } from '../test/helpers/redis-server.js';
import { formatRate, formatSize, median, printTable } from './harness.js';
import { hasTaskset, pinLoadProcess, procCpuMicros, startServer } from './processes.js';
import type { ServerProcess } from './processes.js';
import { SCALE_OUT_KINDS } from './scale-out-kinds.js';
import type { ScaleOutKind } from './scale-out-kinds.js';

/** Settings of one scale-out run: every size × kind. */
export interface ScaleOutOptions {
  nodes: number;
  subscribersPerNode: number;
  sizes: readonly number[];
  kinds: readonly ScaleOutKind[];
  /** Messages the publisher sends in one write; two batches are in flight at most. */
  batch: number;
  /** Messages per second at a fixed rate instead (the batch and its window unused). */
  rate?: number;
  warmupMs: number;
  measureMs: number;
  rounds: number;
  onStep?: (label: string) => void;
}

/** One measurement's figures. */
interface Sample {
  /** Messages delivered per second, to every subscriber together. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the nodes and Redis per delivered message, µs. */
  serverCpu: number;
}

/** One size: the median of each kind's rounds. */
export interface ScaleOutCell {
  size: number;
  results: Partial<Record<ScaleOutKind, Sample>>;
}

/** The number of measurements measureScaleOut makes (for progress). */
export function scaleOutSteps(options: ScaleOutOptions): number {
  return options.sizes.length * options.kinds.length * options.rounds;
}

/** The width of the send time at the head of every payload (µs since this process started). */
const STAMP_DIGITS = 15;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts Redis and every kind's nodes, measures each size in interleaved rounds, stops them. */
export async function measureScaleOut(options: ScaleOutOptions): Promise<ScaleOutCell[]> {
  const redis = await RedisServer.start();
  if (hasTaskset) spawnSync('taskset', ['-cp', '1', String(redis.pid)], { stdio: 'ignore' });
  process.env.WSFLOW_BENCH_REDIS_URL = redis.url;
  const clusters = new Map<ScaleOutKind, ServerProcess<ScaleOutKind>[]>();
  try {
    for (const kind of options.kinds) {
      const count = kind === 'wsflow-hub' ? 1 : options.nodes;
      const nodes: ServerProcess<ScaleOutKind>[] = [];
      for (let n = 0; n < count; n++) {
        nodes.push(await startServer(kind, { script: './scale-out-server.js' }));
      }
      clusters.set(kind, nodes);
    }
    const cells: ScaleOutCell[] = [];
    for (const size of options.sizes) {
      const samples: Partial<Record<ScaleOutKind, Sample[]>> = {};
      for (let round = 0; round < options.rounds; round++) {
        for (const [kind, nodes] of clusters) {
          options.onStep?.(`scale-out ${kind} ${formatSize(size)} r${round + 1}`);
          (samples[kind] ??= []).push(await measureOne(kind, nodes, redis, size, options));
        }
      }
      const results: Partial<Record<ScaleOutKind, Sample>> = {};
      for (const kind of clusters.keys()) {
        const runs = samples[kind]!;
        results[kind] = {
          rate: median(runs.map((s) => s.rate)),
          p50Ms: median(runs.map((s) => s.p50Ms)),
          p99Ms: median(runs.map((s) => s.p99Ms)),
          serverCpu: median(runs.map((s) => s.serverCpu)),
        };
      }
      cells.push({ size, results });
    }
    return cells;
  } finally {
    for (const nodes of clusters.values()) for (const node of nodes) await node.stop();
    await redis.stop();
  }
}

/** A WebSocket opened by hand: the socket and the bytes that came after the 101's head. */
async function openWebSocket(
  port: number,
  path: string,
  protocol?: string,
): Promise<[Socket, Buffer]> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  socket.on('error', () => undefined);
  const key = randomBytes(16).toString('base64');
  const offer = protocol === undefined ? '' : `Sec-WebSocket-Protocol: ${protocol}\r\n`;
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
      `${offer}\r\n`,
  );
  let head = Buffer.alloc(0);
  for (;;) {
    const chunk = await new Promise<Buffer>((resolve, reject) => {
      socket.once('data', resolve);
      socket.once('close', () => reject(new Error(`${path}: closed during the handshake`)));
    });
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) continue;
    socket.removeAllListeners('close');
    const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
    if (!status.startsWith('HTTP/1.1 101')) throw new Error(`${path}: ${status}`);
    return [socket, head.subarray(end + 4)];
  }
}

/** Splits unmasked server frames off the front of `buffer`; returns the payloads and the rest. */
function takeFrames(buffer: Buffer): [Buffer[], Buffer] {
  const payloads: Buffer[] = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    let length = buffer[offset + 1] & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      if (buffer.length - offset < 4) break;
      length = buffer.readUInt16BE(offset + 2);
      start += 2;
    } else if (length === 127) {
      if (buffer.length - offset < 10) break;
      length = Number(buffer.readBigUInt64BE(offset + 2));
      start += 8;
    }
    if (buffer.length < start + length) break;
    payloads.push(buffer.subarray(start, start + length));
    offset = start + length;
  }
  return [payloads, buffer.subarray(offset)];
}

const MASK = 0x1badb002;

/** A masked text frame, as a client sends it. */
function clientText(text: string): Buffer {
  return Buffer.from(serializeFrame(Opcode.Text, Buffer.from(text, 'latin1'), { maskKey: MASK }));
}

/** Waits for the next frame whose payload starts with `prefix` (Engine.IO's handshake). */
async function expectFrame(socket: Socket, leftover: Buffer, prefix: string): Promise<Buffer> {
  let buffer = leftover;
  for (;;) {
    const [payloads, rest] = takeFrames(buffer);
    const index = payloads.findIndex((p) => p.toString('latin1').startsWith(prefix));
    if (index >= 0) {
      if (index !== payloads.length - 1) throw new Error(`frames after ${prefix}`);
      return rest;
    }
    buffer = Buffer.concat([rest, await new Promise<Buffer>((r) => socket.once('data', r))]);
  }
}

/** Opens a subscriber or the publisher on a node of `kind`, its handshakes done. */
async function openClient(kind: ScaleOutKind, port: number, role: 'sub' | 'pub'): Promise<Socket> {
  if (kind === 'wsflow-redis-resume' && role === 'sub') {
    return (await openWebSocket(port, '/sub', RESUME_SUBPROTOCOL))[0];
  }
  if (kind !== 'socketio-redis') return (await openWebSocket(port, `/${role}`))[0];
  const path = `/socket.io/?EIO=4&transport=websocket&role=${role}`;
  const [socket, leftover] = await openWebSocket(port, path);
  const afterOpen = await expectFrame(socket, leftover, '0{');
  socket.write(clientText('40'));
  await expectFrame(socket, afterOpen, '40');
  return socket;
}

/** The payload of a message: its send time, then filler up to `size` bytes. */
function payloadOf(size: number): string {
  const stamp = Math.round(performance.now() * 1000)
    .toString()
    .padStart(STAMP_DIGITS, '0');
  return stamp + 'a'.repeat(size - STAMP_DIGITS);
}

/** What a subscriber receives for a message of `size` bytes, and where its stamp starts. */
function deliveredShape(kind: ScaleOutKind, size: number): { bytes: number; stampAt: number } {
  const prefix = kind === 'socketio-redis' ? '42["m","' : '';
  const text = `${prefix}${'a'.repeat(size)}${kind === 'socketio-redis' ? '"]' : ''}`;
  return { bytes: serializeFrame(Opcode.Text, Buffer.from(text)).length, stampAt: prefix.length };
}

/** One measurement: subscribers on every node and a publisher on the first, on fresh sockets. */
async function measureOne(
  kind: ScaleOutKind,
  nodes: ServerProcess<ScaleOutKind>[],
  redis: RedisServer,
  size: number,
  options: ScaleOutOptions,
): Promise<Sample> {
  const perNode =
    kind === 'wsflow-hub' ? options.subscribersPerNode * options.nodes : options.subscribersPerNode;
  const subscribers: Socket[] = [];
  const probes: Socket[] = [];
  for (const node of nodes) {
    for (let opened = 0; opened < perNode;) {
      const batch = Math.min(50, perNode - opened);
      const sockets = await Promise.all(
        Array.from({ length: batch }, () => openClient(kind, node.port, 'sub')),
      );
      if (opened === 0) probes.push(sockets[0]);
      subscribers.push(...sockets);
      opened += batch;
    }
  }
  const publisher = await openClient(kind, nodes[0].port, 'pub');
  await sleep(300); // every node follows the topic before the first message
  const shape = deliveredShape(kind, size);
  const total = subscribers.length;
  let receivedBytes = 0;
  let sent = 0;
  let measuring = false;
  const latencies: number[] = [];
  // Bytes per delivered message: a frame's, plus a share of the markers for resuming subscribers
  // (they get the same frames on a node as its probe, which counts messages and bytes).
  let bytesPerMessage = shape.bytes;
  let probeBytes = 0;
  let probeMessages = 0;
  const { rate } = options;
  const publish = (): void => {
    while (
      rate === undefined &&
      sent - receivedBytes / bytesPerMessage / total < 2 * options.batch
    ) {
      const frames: Buffer[] = [];
      for (let i = 0; i < options.batch; i++) {
        const payload = payloadOf(size);
        frames.push(clientText(kind === 'socketio-redis' ? `42["p","${payload}"]` : payload));
      }
      publisher.write(Buffer.concat(frames));
      sent += options.batch;
    }
  };
  for (const socket of subscribers) {
    if (probes.includes(socket)) continue;
    socket.on('data', (chunk: Buffer) => {
      receivedBytes += chunk.length;
      publish();
    });
  }
  for (const probe of probes) {
    let rest: Buffer = Buffer.alloc(0);
    probe.on('data', (chunk: Buffer) => {
      receivedBytes += chunk.length;
      const [frames, left] = takeFrames(rest.length === 0 ? chunk : Buffer.concat([rest, chunk]));
      rest = left;
      const payloads = frames.filter((payload) => !isMarker(payload));
      probeBytes += chunk.length;
      probeMessages += payloads.length;
      if (payloads.length !== frames.length) bytesPerMessage = probeBytes / probeMessages;
      if (measuring) {
        const now = performance.now() * 1000;
        for (const payload of payloads) {
          const stamp = payload.toString('latin1', shape.stampAt, shape.stampAt + STAMP_DIGITS);
          latencies.push((now - Number(stamp)) / 1000);
        }
      }
      publish();
    });
  }
  const started = performance.now();
  // At a fixed rate: every 5 ms, what is due since the start (each message its own frame).
  const ticker =
    rate === undefined
      ? undefined
      : setInterval(() => {
          const due = Math.floor(((performance.now() - started) * rate) / 1000) - sent;
          if (due <= 0) return;
          const frames: Buffer[] = [];
          for (let i = 0; i < due; i++) {
            const payload = payloadOf(size);
            frames.push(clientText(kind === 'socketio-redis' ? `42["p","${payload}"]` : payload));
          }
          publisher.write(Buffer.concat(frames));
          sent += due;
        }, 5);
  publish();
  await sleep(options.warmupMs);
  const cpuAtStart = await clusterCpu(nodes, redis);
  const bytesAtStart = receivedBytes;
  measuring = true;
  const startedAt = performance.now();
  await sleep(options.measureMs);
  const elapsedMs = performance.now() - startedAt;
  measuring = false;
  clearInterval(ticker);
  const messages = (receivedBytes - bytesAtStart) / bytesPerMessage;
  const cpu = (await clusterCpu(nodes, redis)) - cpuAtStart;
  for (const socket of [...subscribers, publisher]) socket.destroy();
  await sleep(500); // the nodes let go of the sockets before the next kind's turn
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    rate: (messages / elapsedMs) * 1000,
    p50Ms: at(0.5) ?? NaN,
    p99Ms: at(0.99) ?? NaN,
    serverCpu: cpu / Math.max(1, messages),
  };
}

const MARKER = Buffer.from('{"resume":');

/** Whether a payload is a resume marker (not a message of the benchmark's). */
function isMarker(payload: Buffer): boolean {
  return payload.length >= MARKER.length && MARKER.equals(payload.subarray(0, MARKER.length));
}

/** CPU time of every node and of Redis so far, µs. */
async function clusterCpu(
  nodes: ServerProcess<ScaleOutKind>[],
  redis: RedisServer,
): Promise<number> {
  let sum = procCpuMicros(redis.pid) ?? 0;
  for (const node of nodes) sum += await node.cpuMicros();
  return sum;
}

/** The table rows: one per size and kind, with ratios to Socket.IO and to the single hub. */
export function scaleOutRows(cells: readonly ScaleOutCell[]): string[][] {
  const rows: string[][] = [];
  for (const cell of cells) {
    const { results } = cell;
    for (const [kind, sample] of Object.entries(results) as [ScaleOutKind, Sample][]) {
      const ratio = (other: Sample | undefined) =>
        other === undefined ? '-' : `${(sample.rate / other.rate).toFixed(2)}x`;
      rows.push([
        formatSize(cell.size),
        kind,
        formatRate(sample.rate),
        ratio(results['socketio-redis']),
        ratio(results['wsflow-hub']),
        sample.p50Ms.toFixed(1),
        sample.p99Ms.toFixed(1),
        sample.serverCpu.toFixed(3),
      ]);
    }
  }
  return rows;
}

export const SCALE_OUT_HEADER = [
  'size',
  'server',
  'delivered msg/s',
  'vs socket.io',
  'vs one hub',
  'p50 ms',
  'p99 ms',
  'server µs/msg',
];

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  pinLoadProcess();
  const options: ScaleOutOptions = {
    nodes: Number(option('nodes') ?? 3),
    subscribersPerNode: Number(option('subscribers') ?? 200),
    sizes: (option('sizes') ?? '32,1024').split(',').map(Number),
    kinds: (option('servers')?.split(',') ?? [...SCALE_OUT_KINDS]) as ScaleOutKind[],
    batch: Number(option('batch') ?? 16),
    warmupMs: 1000,
    measureMs: Number(option('seconds') ?? 2) * 1000,
    rounds: Number(option('rounds') ?? 3),
    rate: option('rate') === undefined ? undefined : Number(option('rate')),
    onStep: (label) => process.stderr.write(`${label}\n`),
  };
  const cells = await measureScaleOut(options);
  console.log(
    `Scale-out fan-out: ${options.nodes} nodes × ${options.subscribersPerNode} subscribers ` +
      `(the single hub: all ${options.nodes * options.subscribersPerNode}), 1 publisher, ` +
      (options.rate === undefined
        ? `batches of ${options.batch}`
        : `${options.rate} msg/s at a fixed rate`) +
      `; median of ${options.rounds} round(s)`,
  );
  printTable(SCALE_OUT_HEADER, scaleOutRows(cells));
  process.exit(0);
}
