// Redis layer: the seam between the Redis hub backend and a Redis client library. The backend
// sends a few commands (XADD, XREAD, XREVRANGE, PEXPIRE, CLIENT ID, CLIENT UNBLOCK, ...) as
// argument lists and reads replies with bulk strings as bytes; an adapter maps that onto
// node-redis or ioredis, a single Redis or a Redis Cluster.

/**
 * A reply from Redis as the backend reads it: bulk strings as bytes (never decoded as text),
 * integers as numbers, status replies as strings, nil as null, arrays (and RESP3 maps, flat:
 * key, value, key, value) as arrays.
 */
export type RedisReply = null | number | string | Uint8Array | readonly RedisReply[];

/**
 * One connection to Redis, through a client library. The backend uses the one it is given for
 * publishing (and never closes it: it is the application's), and a {@link duplicate} of it for
 * its blocking reads (which it closes).
 *
 * The client is expected to reconnect by itself after a lost connection (both node-redis and
 * ioredis do by default); a command that fails meanwhile is retried by the backend.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { fromIoredis } from 'wsflow/redis';
 *
 * const connection: RedisConnection = fromIoredis(new Redis(6379, '127.0.0.1'));
 * await connection.send(['PING']); // 'PONG'
 * ```
 */
export interface RedisConnection {
  /** Sends one command (its name first); resolves with the reply, rejects on an error. */
  send(args: readonly (string | Uint8Array)[]): Promise<RedisReply>;
  /**
   * A new connection to the same server, with the same options, ready for commands; it may
   * reconnect sooner than the client does (the backend reads on it).
   */
  duplicate(): Promise<RedisConnection>;
  /** Closes this connection at once: commands not answered yet are rejected. */
  close(): Promise<void>;
  /**
   * Present when the client is a Redis Cluster client: it sends each command to the master of
   * its key's slot (the key is the command's second argument), and this tells which master that
   * is, for the backend's blocking reads, which need a connection of their own on it.
   */
  readonly cluster?: RedisClusterRouting;
}

/** How a cluster client reaches the master of a key's slot. */
export interface RedisClusterRouting {
  /**
   * The master serving `key`'s slot, as the client knows it now. After a read was refused with
   * MOVED, the backend sends a command on the key through the cluster client first, which
   * follows the redirection and learns the new slot map.
   *
   * @throws When the client does not know the slot's master yet.
   */
  masterFor(key: string): Promise<RedisClusterNode>;
}

/** One master of a cluster. */
export interface RedisClusterNode {
  /** Sends a command to this master, on the cluster client's own connection to it. */
  send(args: readonly (string | Uint8Array)[]): Promise<RedisReply>;
  /** A new connection to this master alone, ready for commands (the backend closes it). */
  open(): Promise<RedisConnection>;
}

/** A byte argument as a Buffer (a view on the same memory), for the clients that want one. */
export function asBuffer(arg: string | Uint8Array): string | Buffer {
  if (typeof arg === 'string' || Buffer.isBuffer(arg)) return arg;
  return Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength);
}

/** Commands that name no key: a cluster client sends them to any node. */
const KEYLESS = new Set(['CLIENT', 'CLUSTER', 'ECHO', 'INFO', 'PING']);

/** The key a command is routed by on a cluster: its second argument, unless it names none. */
export function commandKey(args: readonly (string | Uint8Array)[]): string | Buffer | undefined {
  if (args.length < 2 || KEYLESS.has(String(args[0]).toUpperCase())) return undefined;
  return asBuffer(args[1]);
}
