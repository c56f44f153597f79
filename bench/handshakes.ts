// Handshakes per second: `concurrency` loops, each opening a raw connection, sending the upgrade
// request, reading the 101, then closing (a masked close frame, and the socket once the server
// has ended it), for a fixed duration.

import { openRawWebSocket } from './load.js';

// FIN + Close, masked with a zero key, body: code 1000.
const CLOSE_FRAME = Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]);

/** One full connection life: handshake, close frame, wait for the server's end (≤ 1 s). */
async function oneHandshake(port: number): Promise<void> {
  const { socket } = await openRawWebSocket(port);
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    socket.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.write(CLOSE_FRAME);
  });
  socket.destroy();
}

/**
 * Completed handshakes per second over `durationMs`, with `concurrency` parallel loops, and the
 * share of one core this (load) process used meanwhile.
 */
export async function measureHandshakes(
  port: number,
  durationMs: number,
  concurrency: number,
): Promise<{ rate: number; completed: number; failed: number; loadCpu: number }> {
  let completed = 0;
  let failed = 0;
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();
  const deadline = startedAt + durationMs;
  const loop = async () => {
    while (performance.now() < deadline) {
      try {
        await oneHandshake(port);
        completed++;
      } catch {
        failed++;
        if (failed > 1000) return;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuAtStart);
  const loadCpu = (cpu.user + cpu.system) / 1000 / elapsed;
  return { rate: (completed / elapsed) * 1000, completed, failed, loadCpu };
}
