// Ping-pong latency: one raw-socket connection, one 32-byte message in flight, each round trip
// timed with process.hrtime.bigint(); reports percentiles over a bounded number of round trips.

import type { Socket } from 'node:net';
import { serializeFrame } from '../src/protocol/serializer.js';
import { encodedHeaderLength } from '../src/codec/frame-header.js';
import { Opcode } from '../src/codec/opcode.js';
import { openRawWebSocket } from './load.js';

/** Round-trip percentiles, in microseconds. */
export interface LatencyResult {
  p50: number;
  p99: number;
  p999: number;
  mean: number;
  roundTrips: number;
}

/** The value at quantile `q` (0..1) of ascending `sorted`. */
function quantile(sorted: BigUint64Array, q: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return Number(sorted[Math.max(0, index)]) / 1000;
}

/** Sends `count` messages one at a time, resolving each echo's nanoseconds. */
function pingPong(socket: Socket, frame: Uint8Array, replyBytes: number, count: number) {
  const times = new BigUint64Array(count);
  return new Promise<BigUint64Array>((resolve, reject) => {
    let received = 0;
    let done = 0;
    let sentAt = process.hrtime.bigint();
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received < replyBytes) return;
      const now = process.hrtime.bigint();
      received -= replyBytes;
      times[done++] = now - sentAt;
      if (done === count) {
        socket.off('data', onData);
        resolve(times);
        return;
      }
      sentAt = process.hrtime.bigint();
      socket.write(frame);
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(frame);
  });
}

/** Measures `count` round trips of `size`-byte binary messages after `warmup` untimed ones. */
export async function measureLatency(
  port: number,
  count: number,
  warmup = 2000,
  size = 32,
): Promise<LatencyResult> {
  const { socket } = await openRawWebSocket(port);
  try {
    const frame = serializeFrame(Opcode.Binary, Buffer.alloc(size, 0x61), { maskKey: 0x0badf00d });
    const replyBytes = encodedHeaderLength(size, false) + size;
    await pingPong(socket, frame, replyBytes, warmup);
    const times = (await pingPong(socket, frame, replyBytes, count)).sort();
    let total = 0n;
    for (const t of times) total += t;
    return {
      p50: quantile(times, 0.5),
      p99: quantile(times, 0.99),
      p999: quantile(times, 0.999),
      mean: Number(total / BigInt(count)) / 1000,
      roundTrips: count,
    };
  } finally {
    socket.on('error', () => undefined);
    socket.destroy();
  }
}
