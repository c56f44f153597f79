// Redis layer: the adapter for ioredis, a client or a cluster. It calls the client's own methods
// and imports nothing from the library, which stays an optional peer dependency of wsflow/redis.

import { asBuffer } from './connection.js';
import type { RedisConnection, RedisReply } from './connection.js';
import { retryDelayMs } from './retry.js';
import { keySlot } from './slots.js';

/** What the backend uses of an ioredis client (`new Redis(...)`). */
export interface IoredisClient {
  callBuffer(command: string, ...args: (string | Buffer | number)[]): Promise<unknown>;
  duplicate(override?: { retryStrategy?: (times: number) => number | null }): IoredisClient;
  disconnect(reconnect?: boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** What the backend uses of an ioredis cluster client (`new Cluster(...)`). */
export interface IoredisCluster {
  readonly isCluster: boolean;
  callBuffer(command: string, ...args: (string | Buffer | number)[]): Promise<unknown>;
  /** Per slot, the addresses (`host:port`) of its nodes, master first, as the client knows them. */
  readonly slots: readonly (readonly string[] | undefined)[];
  nodes(role: 'master'): (IoredisClient & { readonly options: { host?: string; port?: number } })[];
  duplicate(): IoredisCluster;
  disconnect(reconnect?: boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Adapts an ioredis client, or a cluster client, for {@link redisBackend}. Give it a client that
 * retries commands while it reconnects (ioredis' default `enableOfflineQueue: true`); the
 * backend retries those that fail anyway. On a cluster, ioredis sends each command to the master
 * of its key's slot, and the backend reads each slot it follows on a connection of its own to
 * that slot's master (see the `slotGroups` option).
 *
 * @param client - An ioredis `Redis` or `Cluster` client, connected or connecting; it stays the
 *   caller's to close.
 * @returns The connection the backend publishes on (it reads on duplicates of it).
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
export function fromIoredis(client: IoredisClient | IoredisCluster): RedisConnection {
  const connection: RedisConnection = {
    send: ([command, ...args]) =>
      client.callBuffer(String(command), ...args.map(asBuffer)) as Promise<RedisReply>,
    async duplicate() {
      // The backend's own connection reconnects on the backend's schedule, whatever the
      // client's backoff (ioredis' default waits up to 5 s between tries): its reads go on
      // within a second of Redis' return.
      const copy = isCluster(client)
        ? client.duplicate()
        : client.duplicate({ retryStrategy: retryDelayMs });
      // Errors of a lost connection are the backend's to retry, not an unhandled 'error' event.
      copy.on('error', ignore);
      return fromIoredis(copy);
    },
    async close() {
      client.disconnect(false);
    },
  };
  if (!isCluster(client)) return connection;
  return {
    ...connection,
    cluster: {
      async masterFor(key) {
        const address = client.slots[keySlot(key)]?.[0];
        const master = client
          .nodes('master')
          .find(({ options }) => `${options.host}:${options.port}` === address);
        if (master === undefined) throw new Error(`no master known for slot ${keySlot(key)}`);
        return {
          send: ([command, ...args]) =>
            master.callBuffer(String(command), ...args.map(asBuffer)) as Promise<RedisReply>,
          open: async () => {
            const copy = master.duplicate();
            copy.on('error', ignore);
            return fromIoredis(copy);
          },
        };
      },
    },
  };
}

function isCluster(client: IoredisClient | IoredisCluster): client is IoredisCluster {
  return (client as Partial<IoredisCluster>).isCluster === true;
}

function ignore(): void {}
