// Redis layer: the adapter for ioredis. It calls the client's own methods and imports nothing
// from the library, which stays an optional peer dependency of wsflow/redis.

import { asBuffer } from './connection.js';
import type { RedisConnection, RedisReply } from './connection.js';

/** What the backend uses of an ioredis client (`new Redis(...)`; a Cluster is not supported yet). */
export interface IoredisClient {
  callBuffer(command: string, ...args: (string | Buffer | number)[]): Promise<unknown>;
  duplicate(): IoredisClient;
  disconnect(reconnect?: boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Adapts an ioredis client for {@link redisBackend}. Give it a client that retries commands
 * while it reconnects (ioredis' default `enableOfflineQueue: true`); the backend retries those
 * that fail anyway.
 *
 * @param client - An ioredis `Redis` client, connected or connecting; it stays the caller's to
 *   close.
 * @returns The connection the backend publishes on (it reads on a duplicate of it).
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { Hub } from 'wsflow';
 * import { fromIoredis, redisBackend } from 'wsflow/redis';
 *
 * const redis = new Redis('redis://127.0.0.1:6379');
 * const hub = new Hub({ backend: redisBackend({ connection: fromIoredis(redis) }) });
 * ```
 */
export function fromIoredis(client: IoredisClient): RedisConnection {
  return {
    send: ([command, ...args]) =>
      client.callBuffer(String(command), ...args.map(asBuffer)) as Promise<RedisReply>,
    async duplicate() {
      const copy = client.duplicate();
      // Errors of a lost connection are the backend's to retry, not an unhandled 'error' event.
      copy.on('error', ignore);
      return fromIoredis(copy);
    },
    async close() {
      client.disconnect(false);
    },
  };
}

function ignore(): void {}
