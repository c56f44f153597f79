// A child process for the memory budget test: a server sends to 1,000 readers that stopped
// reading (in-memory links, so no kernel buffer takes megabytes for them first) and to a few fast
// TCP readers, with or without a 64 MiB budget. Prints one JSON line: what the server accounted,
// its RSS, who was shed and what the fast readers got.
//   node --expose-gc build/test/server/memory-budget-load.js on|off

import { once } from 'node:events';
import { ErrorCode, map, serve } from '../../src/index.js';
import type { Connection, WebSocketServer } from '../../src/index.js';
import { MemoryLink } from '../../src/testkit/index.js';
import { Subscriber, texts } from '../hub/support.js';
import { upgradeRequest } from './support.js';

export const SLOW_READERS = 1000;
export const FAST_READERS = 4;
export const BUDGET_BYTES = 64 * 1024 * 1024;
/** Messages the server sends to every connection. */
export const ROUNDS = 48;
const MESSAGE_CHARS = 8 * 1024;

/** What the child prints. */
export interface LoadReport {
  /** The budget's figures, or undefined without one. */
  budget: { peak: number; mostSampled: number; shed: number } | undefined;
  /** RSS before sending, at its peak, and after the sends and a collection, in bytes. */
  rss: { before: number; peak: number; settled: number };
  /** Connections that ended with the budget's error (1013), fast and slow. */
  shed: { slow: number; fast: number; closeCodes: number[] };
  /** The sequence numbers each fast reader received, in order. */
  fastReceived: number[][];
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Opens a WebSocket over an in-memory link to `server`, then stops reading on the client end. */
async function openStalled(server: WebSocketServer): Promise<MemoryLink> {
  const link = new MemoryLink({ highWaterMark: 16 * 1024 });
  link.client.on('error', () => undefined);
  server.httpServer.emit('connection', link.server);
  link.client.write(upgradeRequest({}, 'GET /slow HTTP/1.1'));
  let head = '';
  while (!head.includes('\r\n\r\n')) {
    const [chunk] = (await once(link.client, 'data')) as [Buffer];
    head += chunk.toString('latin1');
  }
  link.client.pause();
  link.stall('client');
  return link;
}

async function main(withBudget: boolean): Promise<LoadReport> {
  const slow = new Set<Connection>();
  const fast = new Set<Connection>();
  const shed = { slow: 0, fast: 0, closeCodes: [] as number[] };
  const server = await serve({
    port: 0,
    memoryBudget: withBudget ? { bytes: BUDGET_BYTES } : undefined,
    handler: (upgrade) => {
      const connection = upgrade.handleMessages(map(() => undefined));
      (upgrade.request.url === '/slow' ? slow : fast).add(connection);
      connection.onEnd((error) => {
        const cause = error?.cause as { code?: string; closeCode?: number } | undefined;
        if (cause?.code !== ErrorCode.MemoryBudget) return;
        shed.closeCodes.push(cause.closeCode as number);
        if (slow.has(connection)) shed.slow++;
        else shed.fast++;
      });
    },
  });
  const links: MemoryLink[] = [];
  for (let i = 0; i < SLOW_READERS; i++) links.push(await openStalled(server));
  const readers: Subscriber[] = [];
  for (let i = 0; i < FAST_READERS; i++) {
    readers.push(await Subscriber.open(server.address.port, '/fast'));
  }
  while (server.connections.size < SLOW_READERS + FAST_READERS) await tick();
  gc();
  const before = process.memoryUsage().rss;
  const budget = server.memoryBudget;
  let mostSampled = 0;
  const pad = 'x'.repeat(MESSAGE_CHARS);
  for (let round = 0; round < ROUNDS; round++) {
    const text = `${round} ${pad}`;
    for (const connection of server.connections) {
      connection.send(text).catch(() => undefined);
    }
    if (budget !== undefined) mostSampled = Math.max(mostSampled, budget.bufferedBytes);
    await tick();
  }
  const fastReceived: number[][] = [];
  for (const reader of readers) {
    const frames = await reader.receive(ROUNDS);
    fastReceived.push(texts(frames).map((text) => Number(text.slice(0, text.indexOf(' ')))));
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  gc();
  const settled = process.memoryUsage().rss;
  for (const reader of readers) reader.close();
  for (const link of links) link.client.destroy();
  await server.close({ timeoutMs: 100 });
  return {
    budget:
      budget === undefined
        ? undefined
        : { peak: budget.peakBufferedBytes, mostSampled, shed: budget.shedConnections },
    rss: { before, peak, settled },
    shed,
    fastReceived,
  };
}

if (process.argv[2] === 'on' || process.argv[2] === 'off') {
  const report = await main(process.argv[2] === 'on');
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exit(0);
}
