// Shared by the examples: where to listen (PORT, HOST), a clean stop on Ctrl-C, and whether the
// example was started (`npm run example <name>`) or imported by a test.

import { pathToFileURL } from 'node:url';
import type { WebSocketServer } from '../../src/index.js';

/**
 * True when the module is the program node was started with; false when a test imports it to
 * run its flow in memory (test/testkit/examples.test.ts).
 *
 * @param moduleUrl - the module's `import.meta.url`.
 */
export function isEntryPoint(moduleUrl: string): boolean {
  const started = process.argv[1];
  return started !== undefined && pathToFileURL(started).href === moduleUrl;
}

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
