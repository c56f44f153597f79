// `npm run bench`: every end-to-end benchmark side by side in one run on 127.0.0.1 (echo
// throughput, ping-pong latency, handshakes per second, memory per idle connection, client
// throughput, fan-out to a thousand subscribers), wsflow against ws, with a plain TCP server as the
// ceiling; fan-out across nodes through Redis (scaleout), against Socket.IO's Redis Streams
// adapter and the single-node hub; and WebSockets over HTTP/2 against HTTP/1.1 (http2). Prints
// tables of medians and ratios, checks the targets, and writes bench/results/latest.json and
// latest.svg.
//   node build/bench/main.js [--only echo,latency,handshakes,rss,client,fanout,scaleout,http2] [--quick]
//     [--rounds N] [--rss-connections N] [--fanout-subscribers N] [--cpu-prof]   (profiles land in bench/results/profiles)

import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatRate, formatSize, median, printTable } from './harness.js';
import { ECHO_HEADER, echoRows, echoSteps, measureEcho } from './echo.js';
import type { EchoCell, EchoOptions } from './echo.js';
import { measureLatency } from './latency.js';
import type { LatencyResult } from './latency.js';
import { measureHandshakes } from './handshakes.js';
import { RSS_VARIANTS, connectionsWithinLimit, fileLimit, measureRss } from './rss.js';
import type { RssResult } from './rss.js';
import { messagesPerRound, measure as measureClients } from './client-echo.js';
import {
  wsClient,
  wsflowListenerClient,
  wsflowSocketClient,
  wsflowWhatwgClient,
} from './client-echo.js';
import { FANOUT_HEADER, fanoutRows, fanoutSteps, measureFanout } from './fanout.js';
import type { FanoutCell, FanoutOptions } from './fanout.js';
import { FANOUT_KINDS } from './fanout-kinds.js';
import { redisServerMissing } from '../interop/helpers/peers.js';
import { SCALE_OUT_HEADER, measureScaleOut, scaleOutRows, scaleOutSteps } from './scale-out.js';
import type { ScaleOutCell, ScaleOutOptions } from './scale-out.js';
import { SCALE_OUT_KINDS } from './scale-out-kinds.js';
import { HTTP2_VARIANTS, measureHttp2 } from './http2.js';
import type { Http2BenchOptions, Http2Result } from './http2.js';
import { hasTaskset, killAllChildren, pinLoadProcess, startServer } from './processes.js';
import type { ServerProcess } from './processes.js';
import { Progress, renderSvg } from './report.js';
import type { BarGroup } from './report.js';
import { FLOW_STYLES, SERVER_KINDS, handshakePathOf } from './server-kinds.js';
import type { ServerKind } from './server-kinds.js';

const WORKLOADS = [
  'echo',
  'latency',
  'handshakes',
  'rss',
  'client',
  'fanout',
  'scaleout',
  'http2',
] as const;
type Workload = (typeof WORKLOADS)[number];

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

const quick = process.argv.includes('--quick');
/** Why the scale-out benchmark cannot run here (no redis-server), or undefined. */
const redisMissing = redisServerMissing();
const only = new Set((option('only') ?? WORKLOADS.join(',')).split(',') as Workload[]);
for (const name of only) {
  if (!WORKLOADS.includes(name)) throw new Error(`--only: unknown workload ${name}`);
}
const rounds = Number(option('rounds') ?? (quick ? 1 : 3));
const wantedRssConnections = Number(option('rss-connections') ?? (quick ? 2000 : 10_000));
const cpuProfileDir = process.argv.includes('--cpu-prof')
  ? fileURLToPath(new URL('../../bench/results/profiles/', import.meta.url))
  : undefined;
const resultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));

const settings = {
  quick,
  rounds,
  echo: {
    sizes: [32, 1024, 64 * 1024, 1024 * 1024],
    connectionCounts: [1, 50],
    kinds: [...SERVER_KINDS] as ServerKind[],
    inflight: 64,
    maxInflightBytes: 16 * 1024 * 1024,
    warmupMs: quick ? 200 : 300,
    measureMs: quick ? 400 : 1000,
    rounds,
    cpuProfileDir,
  } satisfies EchoOptions,
  latency: { roundTrips: quick ? 5000 : 20_000, warmup: 2000, size: 32 },
  handshakes: {
    durationMs: quick ? 1000 : 3000,
    concurrency: [1, 8],
    kinds: ['wsflow', 'wsflow-attach', 'wsflow-routed', 'ws', 'uws', 'tcp'] as ServerKind[],
  },
  rss: { connections: connectionsWithinLimit(wantedRssConnections), fileLimit: fileLimit() },
  client: {
    sizes: [32, 64 * 1024, 1024 * 1024],
    servers: ['wsflow', 'uws'] as ServerKind[],
    budgetMs: quick ? 400 : 1500,
  },
  fanout: {
    subscribers: Number(option('fanout-subscribers') ?? 1000),
    sizes: [32, 1024],
    kinds: [...FANOUT_KINDS],
    batch: 64,
    warmupMs: quick ? 300 : 500,
    measureMs: quick ? 1000 : 2000,
    rounds,
  } satisfies FanoutOptions,
  scaleOut: {
    nodes: 3,
    subscribersPerNode: 200,
    sizes: [32, 1024],
    kinds: [...SCALE_OUT_KINDS],
    batch: 16,
    warmupMs: quick ? 500 : 1000,
    measureMs: quick ? 1000 : 2000,
    rounds,
  } satisfies ScaleOutOptions,
  http2: {
    sockets: 100,
    messagesPerSocket: quick ? 200 : 1000,
    batch: 16,
  } satisfies Http2BenchOptions,
};

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

interface LatencyRow {
  server: string;
  rounds: LatencyResult[];
  p50: number;
  p99: number;
  p999: number;
}

/** Starts servers of the given kinds, runs `body`, and stops them whatever happens. */
async function withServers<T>(
  kinds: readonly ServerKind[],
  body: (servers: ServerProcess[]) => Promise<T>,
): Promise<T> {
  const servers: ServerProcess[] = [];
  try {
    for (const kind of kinds) servers.push(await startServer(kind, { cpuProfileDir }));
    return await body(servers);
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function runLatency(progress: Progress): Promise<LatencyRow[]> {
  return withServers(['wsflow', 'ws'], async (servers) => {
    const results = servers.map((): LatencyResult[] => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, server] of servers.entries()) {
        progress.step(`latency ${server.kind} r${round + 1}`);
        const { roundTrips, warmup, size } = settings.latency;
        results[i].push(await measureLatency(server.port, roundTrips, warmup, size));
      }
    }
    return servers.map((server, i) => ({
      server: server.kind,
      rounds: results[i],
      p50: median(results[i].map((r) => r.p50)),
      p99: median(results[i].map((r) => r.p99)),
      p999: median(results[i].map((r) => r.p999)),
    }));
  });
}

async function runHandshakes(progress: Progress) {
  return withServers(settings.handshakes.kinds, async (servers) => {
    const rows = [];
    for (const concurrency of settings.handshakes.concurrency) {
      const samples = servers.map((): number[] => []);
      const loadCpu = servers.map((): number[] => []);
      const serverCpu = servers.map((): number[] => []);
      const failures = servers.map(() => 0);
      for (let round = 0; round < rounds; round++) {
        for (const [i, server] of servers.entries()) {
          progress.step(`handshakes ${server.kind} ×${concurrency} r${round + 1}`);
          const { durationMs } = settings.handshakes;
          const result = await measureHandshakes(server.port, durationMs, concurrency, {
            tcp: server.kind === 'tcp',
            path: handshakePathOf(server.kind),
            serverCpuMicros: () => server.cpuMicros(),
          });
          samples[i].push(result.rate);
          loadCpu[i].push(result.loadCpu);
          serverCpu[i].push(result.serverCpuPerCycle);
          failures[i] += result.failed;
        }
      }
      for (const [i, server] of servers.entries()) {
        rows.push({
          server: server.kind,
          concurrency,
          rate: median(samples[i]),
          samples: samples[i],
          loadCpu: median(loadCpu[i]),
          serverCpu: median(serverCpu[i]),
          failed: failures[i],
        });
      }
    }
    return rows;
  });
}

async function runRss(progress: Progress): Promise<RssResult[]> {
  const results: RssResult[] = [];
  for (const variant of RSS_VARIANTS) {
    progress.step(`rss ${variant.name}`);
    const connections = settings.rss.connections;
    results.push(
      await measureRss(variant, connections, (opened) =>
        progress.show(`rss ${variant.name}: ${opened}/${connections} open`),
      ),
    );
  }
  return results;
}

/** HTTP/2 against HTTP/1.1, each variant once per round; medians per variant. */
async function runHttp2(progress: Progress): Promise<Http2Result[]> {
  const samples = new Map<string, Http2Result[]>();
  for (let round = 0; round < rounds; round++) {
    for (const variant of HTTP2_VARIANTS) {
      progress.step(`http2 ${variant.name}`);
      const result = await measureHttp2(variant, settings.http2);
      samples.set(variant.name, [...(samples.get(variant.name) ?? []), result]);
    }
  }
  return [...samples.values()].map((results) => ({
    ...results[0],
    rssPerSocket: median(results.map((r) => r.rssPerSocket)),
    heapPerSocket: median(results.map((r) => r.heapPerSocket)),
    messagesPerSecond: median(results.map((r) => r.messagesPerSecond)),
  }));
}

async function runClients(progress: Progress) {
  const rows: { server: string; size: number; client: string; rate: number }[] = [];
  for (const kind of settings.client.servers) {
    await withServers([kind], async ([server]) => {
      const url = `ws://127.0.0.1:${server.port}/`;
      const clients = [
        await wsClient(url),
        await wsflowListenerClient(url),
        await wsflowWhatwgClient(url),
        await wsflowSocketClient(url),
      ];
      try {
        for (const size of settings.client.sizes) {
          progress.step(`client ${kind} ${formatSize(size)}`);
          const total = messagesPerRound(size);
          const payload = Buffer.alloc(size, 0x61);
          const times = await measureClients(clients, payload, total, settings.client.budgetMs);
          for (const [i, client] of clients.entries()) {
            const rate = total / (median(times[i]) / 1000);
            rows.push({ server: kind, size, client: client.name, rate });
          }
        }
      } finally {
        for (const client of clients) await client.close();
      }
    });
  }
  return rows;
}

interface Target {
  target: string;
  measured: string;
  met: boolean;
}

function main(): Promise<void> {
  return run().finally(killAllChildren);
}

async function run(): Promise<void> {
  pinLoadProcess();
  const steps =
    (only.has('echo') ? echoSteps(settings.echo) : 0) +
    (only.has('latency') ? rounds * 2 : 0) +
    (only.has('handshakes')
      ? rounds * settings.handshakes.kinds.length * settings.handshakes.concurrency.length
      : 0) +
    (only.has('rss') ? RSS_VARIANTS.length : 0) +
    (only.has('client') ? settings.client.sizes.length * settings.client.servers.length : 0) +
    (only.has('fanout') ? fanoutSteps(settings.fanout) : 0) +
    (only.has('scaleout') && redisMissing === undefined ? scaleOutSteps(settings.scaleOut) : 0) +
    (only.has('http2') ? rounds * HTTP2_VARIANTS.length : 0);
  const progress = new Progress(steps);
  const startedAt = Date.now();
  const echo: EchoCell[] | undefined = only.has('echo')
    ? await measureEcho({ ...settings.echo, onStep: (label) => progress.step(label) })
    : undefined;
  const latency = only.has('latency') ? await runLatency(progress) : undefined;
  const handshakes = only.has('handshakes') ? await runHandshakes(progress) : undefined;
  const rss = only.has('rss') ? await runRss(progress) : undefined;
  const client = only.has('client') ? await runClients(progress) : undefined;
  const fanout: FanoutCell[] | undefined = only.has('fanout')
    ? await measureFanout({ ...settings.fanout, onStep: (label) => progress.step(label) })
    : undefined;
  const scaleOut: ScaleOutCell[] | undefined =
    only.has('scaleout') && redisMissing === undefined
      ? await measureScaleOut({ ...settings.scaleOut, onStep: (label) => progress.step(label) })
      : undefined;
  const http2 = only.has('http2') ? await runHttp2(progress) : undefined;
  progress.end();

  const wsVersion = (createRequire(import.meta.url)('ws/package.json') as { version: string })
    .version;
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    os: `${platform()} ${release()} ${arch()}`,
    memoryBytes: totalmem(),
    node: process.version,
    ws: wsVersion,
    pinned: hasTaskset ? 'servers on core 1, load on core 0' : 'unpinned (no taskset)',
  };
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
  console.log(
    `${machine.cpu} x${machine.cores}, ${machine.os}, node ${machine.node}, ws ${machine.ws}; ` +
      `${machine.pinned}; median of ${rounds} round(s)${quick ? ' (quick)' : ''}; ${seconds}s\n`,
  );

  const targets: Target[] = [];
  const groups: BarGroup[] = [];

  if (echo) {
    console.log(
      `Echo throughput (binary echo; up to ${settings.echo.inflight} messages in flight per ` +
        `connection, at most ${formatSize(settings.echo.maxInflightBytes)} in flight)`,
    );
    printTable(ECHO_HEADER, echoRows(echo, settings.echo.kinds));
    console.log();
    for (const cell of echo) {
      const ws = cell.rates.ws!;
      const label = `${formatSize(cell.size)} ×${cell.connections}`;
      const target = cell.connections === 50 ? (cell.size <= 1024 ? 4 : 1) : undefined;
      groups.push({
        section: 'echo throughput',
        note: 'msg/s ÷ ws',
        label,
        target,
        bars: [
          ...FLOW_STYLES.map((kind) => ({ series: kind, value: cell.rates[kind]! / ws })),
          { series: 'uws', value: cell.rates.uws! / ws },
          { series: 'tcp ceiling', value: cell.rates.tcp! / ws },
        ],
      });
      if (target === undefined) continue;
      for (const kind of FLOW_STYLES) {
        const value = cell.rates[kind]! / ws;
        targets.push({
          target: `echo ${kind} ${formatSize(cell.size)}, 50 connections: ≥ ${target}x ws`,
          measured: `${value.toFixed(2)}x`,
          met: value >= target,
        });
        if (cell.size !== 32 || kind === 'wsflow') continue;
        const cpu = cell.serverCpu[kind]! / cell.serverCpu.wsflow!;
        targets.push({
          target: `server CPU/msg ${kind} 32 B: ≤ 1.5x map's`,
          measured: `${cpu.toFixed(2)}x`,
          met: cpu <= 1.5,
        });
      }
    }
  }

  if (http2) {
    const { sockets, messagesPerSocket, batch } = settings.http2;
    console.log(
      `WebSockets over HTTP/2 (${sockets} sockets on one h2c session) against HTTP/1.1 ` +
        `(${sockets} connections): server memory per socket after a forced GC, and 32 B ` +
        `messages echoed per second (${messagesPerSocket} per socket, ${batch} in flight)`,
    );
    const ws = http2.find((r) => r.variant.startsWith('ws,'))!;
    printTable(
      ['variant', 'RSS/socket', 'heap+ext/socket', 'msg/s', 'RSS vs ws', 'msg/s vs ws'],
      http2.map((r) => [
        r.variant,
        `${(r.rssPerSocket / 1024).toFixed(2)} KiB`,
        `${(r.heapPerSocket / 1024).toFixed(2)} KiB`,
        formatRate(r.messagesPerSecond),
        ratio(r.rssPerSocket, ws.rssPerSocket),
        ratio(r.messagesPerSecond, ws.messagesPerSecond),
      ]),
    );
    console.log();
  }

  if (latency) {
    console.log(
      `Ping-pong latency (${formatSize(settings.latency.size)}, one message in flight, ` +
        `${settings.latency.roundTrips} round trips per round; µs)`,
    );
    const ws = latency.find((r) => r.server === 'ws')!;
    printTable(
      ['server', 'p50', 'p99', 'p99.9', 'p50 vs ws', 'p99 vs ws', 'p99.9 vs ws'],
      latency.map((r) => [
        r.server,
        r.p50.toFixed(1),
        r.p99.toFixed(1),
        r.p999.toFixed(1),
        ratio(r.p50, ws.p50),
        ratio(r.p99, ws.p99),
        ratio(r.p999, ws.p999),
      ]),
    );
    console.log();
    const wsflow = latency.find((r) => r.server === 'wsflow')!;
    for (const [label, key] of [
      ['p50', 'p50'],
      ['p99', 'p99'],
      ['p99.9', 'p999'],
    ] as const) {
      groups.push({
        section: 'latency',
        note: 'ws ÷ wsflow',
        label,
        target: key === 'p99' ? 1 / 0.9 : undefined,
        bars: [{ series: 'wsflow', value: ws[key] / wsflow[key] }],
      });
    }
    targets.push({
      target: 'p99 latency ≤ 0.9x ws',
      measured: ratio(wsflow.p99, ws.p99),
      met: wsflow.p99 <= 0.9 * ws.p99,
    });
  }

  if (handshakes) {
    console.log(
      `Handshakes per second (1 loop, then 8 concurrent loops, of connect, upgrade, 101, close; ` +
        `tcp: connect, 16-byte echo, close; ${settings.handshakes.durationMs / 1000}s per round)`,
    );
    const at = (server: string, concurrency: number) =>
      handshakes.find((r) => r.server === server && r.concurrency === concurrency)!;
    printTable(
      ['server', 'loops', 'cycles/s', 'failed', 'vs ws', 'srv µs/cycle', 'cpu vs tcp', 'load cpu'],
      handshakes.map((r) => [
        r.server,
        String(r.concurrency),
        formatRate(r.rate),
        String(r.failed),
        ratio(r.rate, at('ws', r.concurrency).rate),
        r.serverCpu.toFixed(0),
        ratio(r.serverCpu, at('tcp', r.concurrency).serverCpu),
        `${(r.loadCpu * 100).toFixed(0)}%`,
      ]),
    );
    console.log();
    for (const concurrency of settings.handshakes.concurrency) {
      const ws = at('ws', concurrency);
      const tcp = at('tcp', concurrency);
      groups.push({
        section: 'handshakes',
        note: '÷ ws',
        label: `${concurrency} loop${concurrency === 1 ? '' : 's'}`,
        target: concurrency > 1 ? 1.5 : undefined,
        bars: [
          { series: 'wsflow', value: at('wsflow', concurrency).rate / ws.rate },
          { series: 'uws', value: at('uws', concurrency).rate / ws.rate },
          { series: 'tcp ceiling', value: tcp.rate / ws.rate },
        ],
      });
      if (concurrency === 1) continue;
      for (const server of ['wsflow', 'wsflow-attach']) {
        const row = at(server, concurrency);
        targets.push({
          target: `handshake ${server}, ${concurrency} loops: server CPU ≤ 1.6x tcp cycle`,
          measured: `${row.serverCpu.toFixed(0)} vs ${tcp.serverCpu.toFixed(0)} µs`,
          met: row.serverCpu <= 1.6 * tcp.serverCpu,
        });
      }
      const routed = at('wsflow-routed', concurrency);
      const bare = at('wsflow', concurrency);
      targets.push({
        target: `handshake behind a Router of 50 routes, ${concurrency} loops: server CPU ≤ 1.1x serve()'s`,
        measured: ratio(routed.serverCpu, bare.serverCpu),
        met: routed.serverCpu <= 1.1 * bare.serverCpu,
      });
      const wsflow = at('wsflow', concurrency);
      targets.push({
        target: `handshakes/s, ${concurrency} concurrent: ≥ 1.5x ws`,
        measured: ratio(wsflow.rate, ws.rate),
        met: wsflow.rate >= 1.5 * ws.rate,
      });
    }
  }

  if (rss) {
    const requested = wantedRssConnections;
    const used = settings.rss.connections;
    if (used < requested) {
      console.log(
        `note: open-file limit ${settings.rss.fileLimit} (ulimit -n): ${used} idle connections ` +
          `instead of ${requested}`,
      );
    }
    console.log(`Memory per idle connection (${used} connections; server RSS after forced GC)`);
    const byName = new Map(rss.map((r) => [r.variant, r]));
    const tcp = byName.get('tcp')!.rssPerConnection;
    // The flow styles compare with plain ws; the deflate variants with ws's of the same kind.
    const wsOf = (name: string) => byName.get(name.replace('wsflow', 'ws')) ?? byName.get('ws')!;
    const mapRss = byName.get('wsflow')!.rssPerConnection;
    printTable(
      ['server', 'deflate', 'RSS/conn', 'heap+ext/conn', 'vs ws', 'vs tcp', 'vs map'],
      rss.map((r) => [
        r.variant,
        r.negotiated === undefined ? '-' : r.negotiated ? 'yes' : 'NOT negotiated',
        `${(r.rssPerConnection / 1024).toFixed(2)} KiB`,
        `${(r.heapPerConnection / 1024).toFixed(2)} KiB`,
        r.variant.startsWith('wsflow')
          ? ratio(r.rssPerConnection, wsOf(r.variant)!.rssPerConnection)
          : '-',
        ratio(r.rssPerConnection, tcp),
        r.variant.startsWith('wsflow') ? ratio(r.rssPerConnection, mapRss) : '-',
      ]),
    );
    console.log();
    for (const name of ['wsflow stream', 'wsflow sink']) {
      const style = byName.get(name)!.rssPerConnection;
      targets.push({
        target: `RSS per idle connection, ${name}: ≤ 1.2x map's`,
        measured: ratio(style, mapRss),
        met: style <= 1.2 * mapRss,
      });
    }
    for (const name of ['wsflow', 'wsflow deflate', 'wsflow deflate+msg']) {
      const wsflow = byName.get(name)!.rssPerConnection;
      const ws = wsOf(name)!.rssPerConnection;
      const bars = [{ series: 'wsflow', value: ws / wsflow }];
      if (name === 'wsflow') bars.push({ series: 'tcp ceiling', value: ws / tcp });
      groups.push({
        section: 'idle RSS',
        note: 'ws ÷ wsflow',
        label: name.replace('wsflow', '').trim() || 'plain',
        target: name === 'wsflow' ? ws / tcp : name === 'wsflow deflate+msg' ? 2 : undefined,
        bars,
      });
    }
    const plain = byName.get('wsflow')!.rssPerConnection;
    targets.push({
      target: 'RSS per idle connection ≤ plain TCP server',
      measured: `${(plain / 1024).toFixed(2)} KiB vs ${(tcp / 1024).toFixed(2)} KiB`,
      met: plain <= tcp,
    });
    for (const name of ['wsflow deflate', 'wsflow deflate+msg']) {
      const wsflow = byName.get(name)!.rssPerConnection;
      const ws = wsOf(name)!.rssPerConnection;
      targets.push({
        target: `RSS, ${name.replace('wsflow ', '')}: ≤ 0.5x ws with compression`,
        measured: ratio(wsflow, ws),
        met: wsflow <= 0.5 * ws,
      });
    }
  }

  if (client) {
    console.log(
      `Client echo throughput against a server in a child process (window 32; ` +
        `${settings.client.budgetMs} ms per client per size)`,
    );
    const rateOf = (server: string, size: number, name: string) =>
      client.find((r) => r.server === server && r.size === size && r.client === name)!.rate;
    printTable(
      ['server', 'size', 'client', 'msg/s', 'MB/s', 'vs ws'],
      client.map((r) => [
        r.server,
        formatSize(r.size),
        r.client,
        formatRate(r.rate),
        ((r.rate * r.size) / 1e6).toFixed(1),
        ratio(r.rate, rateOf(r.server, r.size, 'ws')),
      ]),
    );
    console.log();
    for (const server of settings.client.servers) {
      for (const size of settings.client.sizes) {
        const ws = rateOf(server, size, 'ws');
        const target = size <= 1024 ? 3 : 1;
        groups.push({
          section: `client (${server} server)`,
          note: '÷ ws client',
          label: formatSize(size),
          target,
          bars: [
            { series: 'wsflow', value: rateOf(server, size, 'wsflow listener') / ws },
            { series: 'wsflow socket', value: rateOf(server, size, 'wsflow socket') / ws },
          ],
        });
        const socket = rateOf(server, size, 'wsflow socket');
        targets.push({
          target: `client socket ${formatSize(size)}, ${server} server: ≥ ${target}x ws client`,
          measured: ratio(socket, ws),
          met: socket >= target * ws,
        });
      }
    }
  }

  if (fanout) {
    console.log(
      `Fan-out (1 publisher, ${settings.fanout.subscribers} subscribers, the publisher's ` +
        `messages in batches of ${settings.fanout.batch}, two batches in flight; delivered ` +
        `messages per second, all subscribers together)`,
    );
    printTable(FANOUT_HEADER, fanoutRows(fanout, settings.fanout.kinds));
    console.log();
    for (const cell of fanout) {
      const { rates, serverCpu } = cell;
      groups.push({
        section: 'fan-out',
        note: 'msg/s ÷ ws',
        label: formatSize(cell.size),
        target: cell.size === 32 ? 5 : undefined,
        bars: [
          { series: 'wsflow', value: rates.wsflow! / rates.ws! },
          { series: 'uws', value: rates.uws! / rates.ws! },
          { series: 'tcp ceiling', value: rates.tcp! / rates.ws! },
        ],
      });
      if (cell.size === 32) {
        targets.push({
          target: 'fan-out 32 B: delivered msg/s ≥ 5x ws',
          measured: ratio(rates.wsflow!, rates.ws!),
          met: rates.wsflow! >= 5 * rates.ws!,
        });
      }
      targets.push({
        target: `fan-out ${formatSize(cell.size)}: server CPU/msg ≤ 1.5x plain TCP`,
        measured: ratio(serverCpu.wsflow!, serverCpu.tcp!),
        met: serverCpu.wsflow! <= 1.5 * serverCpu.tcp!,
      });
    }
  }

  if (only.has('scaleout') && redisMissing !== undefined) {
    console.log(`Scale-out skipped: ${redisMissing}\n`);
  }
  if (scaleOut) {
    const { nodes, subscribersPerNode, batch } = settings.scaleOut;
    console.log(
      `Scale-out fan-out (${nodes} nodes × ${subscribersPerNode} subscribers, the single hub all ` +
        `${nodes * subscribersPerNode}; 1 publisher on the first node, batches of ${batch}, two ` +
        `in flight; nodes and Redis share one core; delivered messages per second, latency from ` +
        `publisher to a subscriber on each node)`,
    );
    printTable(SCALE_OUT_HEADER, scaleOutRows(scaleOut));
    console.log();
    for (const { size, results } of scaleOut) {
      const redis = results['wsflow-redis']!;
      const socketIo = results['socketio-redis']!;
      const hub = results['wsflow-hub']!;
      groups.push({
        section: 'scale-out',
        note: 'msg/s ÷ Socket.IO',
        label: formatSize(size),
        target: 3,
        bars: [
          { series: 'wsflow', value: redis.rate / socketIo.rate },
          { series: 'single hub', value: hub.rate / socketIo.rate },
        ],
      });
      targets.push(
        {
          target: `scale-out ${formatSize(size)}: delivered msg/s ≥ 3x Socket.IO (Redis Streams)`,
          measured: ratio(redis.rate, socketIo.rate),
          met: redis.rate >= 3 * socketIo.rate,
        },
        {
          target: `scale-out ${formatSize(size)}: p99 latency ≤ Socket.IO's`,
          measured: `${redis.p99Ms.toFixed(1)} vs ${socketIo.p99Ms.toFixed(1)} ms`,
          met: redis.p99Ms <= socketIo.p99Ms,
        },
        {
          target: `scale-out ${formatSize(size)}: delivered msg/s ≥ 0.5x the single-node hub`,
          measured: ratio(redis.rate, hub.rate),
          met: redis.rate >= 0.5 * hub.rate,
        },
      );
    }
  }

  if (targets.length > 0) {
    console.log('Targets');
    printTable(
      ['target', 'measured', 'met'],
      targets.map((t) => [t.target, t.measured, t.met ? 'yes' : 'NO']),
    );
  }

  mkdirSync(resultsDir, { recursive: true });
  const { cpuProfileDir: _, ...echoSettings } = settings.echo;
  const json = {
    date: new Date().toISOString(),
    machine,
    settings: { ...settings, echo: echoSettings },
    echo,
    latency,
    handshakes,
    rss,
    client,
    fanout,
    scaleOut,
    http2,
    targets,
  };
  writeFileSync(`${resultsDir}latest.json`, `${JSON.stringify(json, null, 2)}\n`);
  const svg = renderSvg(
    'wsflow vs ws: advantage per workload (higher favours wsflow; 1x = ws)',
    `${machine.cpu} x${machine.cores}, node ${machine.node}, ws ${machine.ws}, ` +
      `${new Date().toISOString().slice(0, 16)}Z; median of ${rounds}; log scale`,
    groups,
  );
  writeFileSync(`${resultsDir}latest.svg`, svg);
  console.log(`\nwrote ${resultsDir}latest.json and latest.svg`);
}

await main();
