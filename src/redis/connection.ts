// Redis layer: the seam between the Redis hub backend and a Redis client library. The backend
// sends a few commands (XADD, XREAD, XREVRANGE, CLIENT ID, CLIENT UNBLOCK) as argument lists and
// reads replies with bulk strings as bytes; an adapter maps that onto node-redis or ioredis.

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
  /** A new connection to the same server, with the same options, ready for commands. */
  duplicate(): Promise<RedisConnection>;
  /** Closes this connection at once: commands not answered yet are rejected. */
  close(): Promise<void>;
}

/** A byte argument as a Buffer (a view on the same memory), for the clients that want one. */
export function asBuffer(arg: string | Uint8Array): string | Buffer {
  if (typeof arg === 'string' || Buffer.isBuffer(arg)) return arg;
  return Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength);
}
