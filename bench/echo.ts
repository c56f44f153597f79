// Echo throughput benchmark: wsflow (fast map and stream flow) vs ws vs a plain TCP echo, each
// server in its own process, the load generator in this one, pinned to other cores when taskset
// exists. Rounds interleave the servers so machine noise hits them alike; medians are reported.
//   node build/bench/echo.js [--sizes 32,65536] [--connections 50] [--inflight 64] [--seconds 2]

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SERVER_KINDS } from './server-kinds.js';
import type { ServerKind } from './server-kinds.js';
import { formatRate, formatSize, median, printTable } from './harness.js';
import { runLoad } from './load.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const sizes = option('sizes', '32,65536').split(',').map(Number);
const connectionCounts = option('connections', '50').split(',').map(Number);
const inflight = Number(option('inflight', '64'));
const seconds = Number(option('seconds', '2'));
const rounds = Number(option('rounds', '3'));
const kinds = option('servers', SERVER_KINDS.join(',')).split(',') as ServerKind[];
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

async function startServer(kind: ServerKind): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL('./echo-server.js', import.meta.url));
  const command = hasTaskset ? 'taskset' : process.execPath;
  const args = hasTaskset ? ['-c', '1', process.execPath, script, kind] : [script, kind];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, port: Number(line.toString().trim()) };
}

async function measure(kind: ServerKind, size: number, connections: number): Promise<number> {
  const { child, port } = await startServer(kind);
  try {
    return await runLoad({
      port,
      rawTcp: kind === 'tcp',
      connections,
      inflight,
      messageBytes: size,
      warmupMs: 500,
      measureMs: seconds * 1000,
    });
  } finally {
    child.kill();
    await once(child, 'exit');
  }
}

async function main(): Promise<void> {
  if (hasTaskset) spawnSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
  const rows: string[][] = [];
  const total = sizes.length * connectionCounts.length * rounds * kinds.length;
  let done = 0;
  for (const connections of connectionCounts) {
    for (const size of sizes) {
      const rates = new Map<ServerKind, number[]>(kinds.map((k) => [k, []]));
      for (let round = 0; round < rounds; round++) {
        for (const kind of kinds) {
          rates.get(kind)!.push(await measure(kind, size, connections));
          process.stderr.write(`\r${++done}/${total} measurements`);
        }
      }
      const ws = median(rates.get('ws') ?? [NaN]);
      const tcp = median(rates.get('tcp') ?? [NaN]);
      for (const kind of kinds) {
        const rate = median(rates.get(kind)!);
        rows.push([
          kind,
          String(connections),
          formatSize(size),
          formatRate(rate),
          `${(rate / ws).toFixed(2)}x`,
          `${((rate / tcp) * 100).toFixed(0)}%`,
        ]);
      }
    }
  }
  process.stderr.write('\n');
  console.log(
    `node ${process.version}; ${inflight} in flight per connection; median of ${rounds} rounds of ` +
      `${seconds}s; ${hasTaskset ? 'server on core 1, load on core 0' : 'no taskset: unpinned'}`,
  );
  printTable(['server', 'conns', 'size', 'msg/s', 'vs ws', 'vs tcp'], rows);
}

await main();
