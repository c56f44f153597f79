// Redis layer: the adapter for node-redis (the `redis` package), a client or a cluster. It calls
// the client's own methods and imports nothing from the library, which stays an optional peer of
// wsflow/redis.

import { asBuffer, commandKey } from './connection.js';
import type { RedisConnection, RedisReply } from './connection.js';
import { retryDelayMs } from './retry.js';
import { keySlot } from './slots.js';

/** What the backend uses of a node-redis client (`createClient(...)`). */
export interface NodeRedisClient {
  sendCommand(
    args: readonly (string | Buffer)[],
    options?: { typeMapping?: Record<number, unknown> },
  ): Promise<unknown>;
  /** The client's options (the backend's reading copy keeps its socket's, but reconnects sooner). */
  readonly options?: { readonly socket?: object };
  duplicate(overrides?: {
    socket?: { reconnectStrategy?: (retries: number) => number };
  }): NodeRedisClient;
  connect(): Promise<unknown>;
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** What the backend uses of a node-redis cluster client (`createCluster(...)`). */
export interface NodeRedisCluster {
  sendCommand(
    firstKey: string | Buffer | undefined,
    isReadonly: boolean | undefined,
    args: readonly (string | Buffer)[],
    options?: { typeMapping?: Record<number, unknown> },
  ): Promise<unknown>;
  /** The shards by slot, as the client knows them now (their master's client, once connected). */
  readonly slots: readonly ({ master: object } | undefined)[];
  nodeClient(node: never): Promise<NodeRedisClient>;
  duplicate(): NodeRedisCluster;
  connect(): Promise<unknown>;
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

// RESP type codes (node-redis' RESP_TYPES): bulk strings as Buffers, RESP3 maps as flat arrays.
const BLOB_STRING = 36;
const MAP = 37;
const TYPE_MAPPING = { typeMapping: { [BLOB_STRING]: Buffer, [MAP]: Array } };

/**
 * Adapts a node-redis client, or a cluster client, for {@link redisBackend}. Bulk strings are
 * read as Buffers whatever the client's own type mapping, RESP2 or RESP3. On a cluster, each
 * command goes to the master of its key's slot, and the backend reads each slot it follows on a
 * connection of its own to that slot's master (see the `slotGroups` option).
 *
 * @param client - A node-redis client (`await createClient(...).connect()`) or cluster client
 *   (`await createCluster(...).connect()`), connected, with an 'error' listener as node-redis
 *   asks; it stays the caller's to close.
 * @returns The connection the backend publishes on (it reads on duplicates of it).
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
export function fromNodeRedis(client: NodeRedisClient | NodeRedisCluster): RedisConnection {
  return isCluster(client) ? fromCluster(client) : fromClient(client);
}

function isCluster(client: NodeRedisClient | NodeRedisCluster): client is NodeRedisCluster {
  return 'slots' in client && 'nodeClient' in client;
}

function fromClient(client: NodeRedisClient): RedisConnection {
  return {
    send: (args) => client.sendCommand(args.map(asBuffer), TYPE_MAPPING) as Promise<RedisReply>,
    async duplicate() {
      // The backend's own connection reconnects on the backend's schedule, whatever the
      // client's backoff: its reads go on within a second of Redis' return.
      const copy = client.duplicate({
        socket: {
          ...client.options?.socket,
          reconnectStrategy: (retries) => retryDelayMs(retries + 1),
        },
      });
      // Errors of a lost connection are the backend's to retry; node-redis throws without a listener.
      copy.on('error', ignore);
      await copy.connect();
      return fromClient(copy);
    },
    async close() {
      client.destroy();
    },
  };
}

function fromCluster(cluster: NodeRedisCluster): RedisConnection {
  return {
    send: (args) =>
      cluster.sendCommand(
        commandKey(args),
        false,
        args.map(asBuffer),
        TYPE_MAPPING,
      ) as Promise<RedisReply>,
    async duplicate() {
      const copy = cluster.duplicate();
      copy.on('error', ignore);
      await copy.connect();
      return fromCluster(copy);
    },
    async close() {
      cluster.destroy();
    },
    cluster: {
      async masterFor(key) {
        const shard = cluster.slots[keySlot(key)];
        if (shard === undefined) throw new Error(`no master known for slot ${keySlot(key)}`);
        const master = await cluster.nodeClient(shard.master as never);
        return {
          send: (args) =>
            master.sendCommand(args.map(asBuffer), TYPE_MAPPING) as Promise<RedisReply>,
          open: async () => {
            const copy = master.duplicate();
            copy.on('error', ignore);
            await copy.connect();
            return fromClient(copy);
          },
        };
      },
    },
  };
}

function ignore(): void {}
