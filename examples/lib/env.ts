// Shared by the examples: where to listen (PORT, HOST) and a clean stop on Ctrl-C.

import type { WebSocketServer } from '../../src/index.js';

/** `PORT` (default 8080; 0 picks a free port) and `HOST` (default 127.0.0.1) from the environment. */
export function listenOptions(): { port: number; host: string } {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`PORT must be a port number, got ${process.env.PORT}`);
  }
  return { port, host: process.env.HOST ?? '127.0.0.1' };
}

/** A period from the environment, for the examples that tick (tests make it short). */
export function intervalFromEnv(name: string, defaultMs: number): number {
  const value = Number(process.env[name] ?? defaultMs);
  return value > 0 ? value : defaultMs;
}

/**
 * Prints where the example listens, then closes it (1001 to every client) on SIGINT or SIGTERM.
 *
 * @param name - The example's name.
 * @param server - What `serve()` resolved, or anything with a `url` and a `close()`.
 */
export function announce(name: string, server: Pick<WebSocketServer, 'url' | 'close'>): void {
  console.log(`${name}: listening on ${server.url}`);
  const stop = (): void => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
