// Client CPU per echoed message: the clients of client-echo.ts (ws's, the listener, the socket),
// and optionally the socket of another build ("before"), side by side in one process against one
// echo server in a child process; rounds alternate between clients. The figure is the client
// process's CPU (user + system) over a round divided by its messages, median of rounds: what a
// client costs per message, which the rate on a loaded machine hides.
//   npx tsc -p tsconfig.json && node build/bench/client-cpu.js [--server wsflow|uws]
//     [--before path/to/other/build/bench/client-echo.js] [--rounds 25] [--sizes 32,65536,1048576]

import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { wsClient, wsflowListenerClient, wsflowSocketClient } from './client-echo.js';
import type { Client } from './client-echo.js';
import { formatSize, median, printTable } from './harness.js';
import { startServer } from './processes.js';
import type { ServerKind } from './server-kinds.js';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

const serverKind = (option('server') ?? 'wsflow') as ServerKind;
const rounds = Number(option('rounds') ?? 25);
const sizes = (option('sizes') ?? '32,65536,1048576').split(',').map(Number);
const before = option('before');
/** Messages per round: 20,000 small ones, 512 from 64 KiB, 64 from 1 MiB. */
const perRound = (size: number): number => (size >= 1 << 20 ? 64 : size >= 65536 ? 512 : 20_000);

/** Each client's CPU per message in µs, one entry per round. */
async function cpuPerMessage(clients: Client[], size: number): Promise<number[][]> {
  const payload = Buffer.alloc(size, 0x61);
  const total = perRound(size);
  const samples: number[][] = clients.map(() => []);
  for (const client of clients) await client.round(payload, Math.min(total, 1000)); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [i, client] of clients.entries()) {
      const start = process.cpuUsage();
      await client.round(payload, total);
      const used = process.cpuUsage(start);
      samples[i].push((used.user + used.system) / total);
    }
  }
  return samples;
}

async function main(): Promise<void> {
  const server = await startServer(serverKind, {});
  const url = `ws://127.0.0.1:${server.port}/`;
  try {
    const clients = [await wsClient(url), await wsflowListenerClient(url)];
    if (before !== undefined) {
      const module = (await import(pathToFileURL(resolve(before)).href)) as {
        wsflowSocketClient: (url: string) => Promise<Client>;
      };
      const socket = await module.wsflowSocketClient(url);
      clients.push({ ...socket, name: 'socket before' });
    }
    const after = await wsflowSocketClient(url);
    clients.push({ ...after, name: before === undefined ? after.name : 'socket after' });
    const rows: string[][] = [];
    for (const size of sizes) {
      const samples = await cpuPerMessage(clients, size);
      rows.push([
        formatSize(size),
        ...samples.map((s) => `${median(s).toFixed(size < 1024 ? 1 : 0)} µs`),
      ]);
    }
    console.log(`${serverKind} server; ${rounds} rounds; client CPU per echoed message, median`);
    printTable(['size', ...clients.map((c) => c.name)], rows);
    for (const client of clients) await client.close();
  } finally {
    await server.stop();
  }
}

void main();
