// Redis layer: the adapter for node-redis (the `redis` package). It calls the client's own
// methods and imports nothing from the library, which stays an optional peer of wsflow/redis.

import { asBuffer } from './connection.js';
import type { RedisConnection, RedisReply } from './connection.js';

/** What the backend uses of a node-redis client (`createClient(...)`; not a cluster yet). */
export interface NodeRedisClient {
  sendCommand(
    args: readonly (string | Buffer)[],
    options?: { typeMapping?: Record<number, unknown> },
  ): Promise<unknown>;
  duplicate(): NodeRedisClient;
  connect(): Promise<unknown>;
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

// RESP type codes (node-redis' RESP_TYPES): bulk strings as Buffers, RESP3 maps as flat arrays.
const BLOB_STRING = 36;
const MAP = 37;
const TYPE_MAPPING = { typeMapping: { [BLOB_STRING]: Buffer, [MAP]: Array } };

/**
 * Adapts a node-redis client for {@link redisBackend}. Bulk strings are read as Buffers whatever
 * the client's own type mapping, RESP2 or RESP3.
 *
 * @param client - A node-redis client, connected (`await createClient(...).connect()`), with an
 *   'error' listener as node-redis asks; it stays the caller's to close.
 * @returns The connection the backend publishes on (it reads on a duplicate of it).
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { Hub } from 'wsflow';
 * import { fromNodeRedis, redisBackend } from 'wsflow/redis';
 *
 * const redis = await createClient({ url: 'redis://127.0.0.1:6379' })
 *   .on('error', (error) => console.warn(error))
 *   .connect();
 * const hub = new Hub({ backend: redisBackend({ connection: fromNodeRedis(redis) }) });
 * ```
 */
export function fromNodeRedis(client: NodeRedisClient): RedisConnection {
  return {
    send: (args) => client.sendCommand(args.map(asBuffer), TYPE_MAPPING) as Promise<RedisReply>,
    async duplicate() {
      const copy = client.duplicate();
      // Errors of a lost connection are the backend's to retry; node-redis throws without a listener.
      copy.on('error', ignore);
      await copy.connect();
      return fromNodeRedis(copy);
    },
    async close() {
      client.destroy();
    },
  };
}

function ignore(): void {}
