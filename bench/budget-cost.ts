// What a memory budget costs a server connection, in one process: a map echo over an in-memory
// link, fed batches of masked binary frames, with and without a budget, the two interleaved round
// by round (each first every other round) so that machine noise hits both alike; the median CPU
// time per echoed message of each. The echo benchmark's `wsflow-budget` server measures the same
// over TCP, where a loaded machine's noise is larger than the cost.
//   node build/bench/budget-cost.js [--sizes 32,65536] [--rounds 8] [--messages 200000]

import { Connection } from '../src/connection/connection.js';
import { MemoryBudget } from '../src/connection/memory-budget.js';
import { withEngineExtras } from '../src/connection/options.js';
import { map } from '../src/flow/flow.js';
import { MemoryLink } from '../src/testkit/index.js';
import { formatSize, median, printTable } from './harness.js';

/** The length of a frame header without a mask, for a payload of `size` bytes. */
function headerBytes(size: number): number {
  return size < 126 ? 2 : size < 65536 ? 4 : 10;
}

/** A masked binary frame of `size` payload bytes, as a client sends it. */
function maskedFrame(size: number): Buffer {
  const key = [0x37, 0xfa, 0x21, 0x3d];
  const head = Buffer.alloc(headerBytes(size));
  head[0] = 0x82;
  if (size < 126) {
    head[1] = 0x80 | size;
  } else if (size < 65536) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(size, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(size), 2);
  }
  const payload = Buffer.alloc(size);
  for (let i = 0; i < size; i++) payload[i] = 7 ^ key[i % 4];
  return Buffer.concat([head, Buffer.from(key), payload]);
}

/** Echoes `messages` messages of `size` bytes; returns the CPU µs per message. */
async function echoCost(size: number, messages: number, budgeted: boolean): Promise<number> {
  const link = new MemoryLink({ highWaterMark: 1024 * 1024 });
  const extras = budgeted ? { memoryBudget: new MemoryBudget({ bytes: 64 * 1024 * 1024 }) } : {};
  const connection = new Connection(link.server, withEngineExtras({ side: 'server' }, extras));
  connection.runDetached(map((message) => message));
  const frame = maskedFrame(size);
  const perBatch = Math.max(1, Math.floor((64 * 1024) / frame.length));
  const batch = Buffer.concat(Array.from({ length: perBatch }, () => frame));
  let received = 0;
  link.client.on('data', (chunk: Buffer) => (received += chunk.length));
  await new Promise((resolve) => setImmediate(resolve));
  const start = process.cpuUsage();
  let sent = 0;
  for (let i = 0; sent < messages; i++) {
    link.client.write(Buffer.from(batch));
    sent += perBatch;
    if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
  }
  const echoedBytes = sent * (size + headerBytes(size));
  while (received < echoedBytes) await new Promise((resolve) => setImmediate(resolve));
  const cpu = process.cpuUsage(start);
  link.client.destroy();
  return (cpu.user + cpu.system) / sent;
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

const sizes = option('sizes', '32,65536').split(',').map(Number);
const rounds = Number(option('rounds', '8'));
const messages = Number(option('messages', '200000'));
const rows: string[][] = [];
for (const size of sizes) {
  const count = Math.max(200, Math.floor(messages / Math.max(1, size / 1024)));
  const off: number[] = [];
  const on: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Each goes first every other round: the second of a pair may pay for the first's garbage.
    if (round % 2 === 0) off.push(await echoCost(size, count, false));
    on.push(await echoCost(size, count, true));
    if (round % 2 === 1) off.push(await echoCost(size, count, false));
  }
  const [without, withBudget] = [median(off), median(on)];
  rows.push([
    formatSize(size),
    String(count),
    without.toFixed(3),
    withBudget.toFixed(3),
    `${(withBudget / without).toFixed(3)}x`,
  ]);
}
console.log(`node ${process.version}; map echo over a MemoryLink; median of ${rounds} rounds`);
printTable(['size', 'messages', 'µs/msg off', 'µs/msg budget', 'ratio'], rows);
