// Test support for wsflow/redis: a connection through either client library, and a node (a hub
// on the Redis backend, served on a free port, with a route that subscribes to a topic).

import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import { Hub, Router, accept, map, resumeSubprotocol, serve } from '../../src/index.js';
import type { WebSocketServer } from '../../src/index.js';
import { fromIoredis, fromNodeRedis, redisBackend } from '../../src/redis/index.js';
import type { RedisBackend, RedisBackendOptions, RedisConnection } from '../../src/redis/index.js';

/** The client libraries the backend is tested with. */
export const CLIENTS = ['node-redis', 'ioredis'] as const;
export type ClientKind = (typeof CLIENTS)[number];

/** A connection to Redis through a client library, and how to close the client. */
export interface ClientConnection {
  readonly connection: RedisConnection;
  close(): Promise<void>;
}

/**
 * Connects to `url` with `kind`, retrying commands while it reconnects (both libraries' default;
 * node-redis soon: 20 ms doubling up to 500 ms). With `reconnects` false, a client that never
 * reconnects after losing its connection.
 */
export async function connectClient(
  kind: ClientKind,
  url: string,
  reconnects = true,
): Promise<ClientConnection> {
  if (kind === 'ioredis') {
    const client = new Redis(url, {
      maxRetriesPerRequest: null,
      ...(reconnects ? {} : { retryStrategy: () => null }),
    });
    client.on('error', () => {});
    return {
      connection: fromIoredis(client),
      close: async () => client.disconnect(false), // twice is harmless
    };
  }
  const client = createClient({
    url,
    socket: { reconnectStrategy: (retries) => reconnects && Math.min(20 * 2 ** retries, 500) },
  });
  client.on('error', () => {});
  await client.connect();
  return {
    connection: fromNodeRedis(client),
    close: async () => {
      if (client.isOpen) client.destroy();
    },
  };
}

/** Connects to a Redis Cluster (its masters' URLs) with `kind`'s cluster client. */
export async function connectCluster(kind: ClientKind, urls: string[]): Promise<ClientConnection> {
  if (kind === 'ioredis') {
    const nodes = urls.map((url) => ({ host: '127.0.0.1', port: Number(new URL(url).port) }));
    const cluster = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: null } });
    cluster.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      cluster.once('ready', resolve);
      cluster.once('end', () => reject(new Error('the cluster client ended')));
    });
    return {
      connection: fromIoredis(cluster),
      close: async () => cluster.disconnect(false),
    };
  }
  const cluster = createCluster({
    rootNodes: urls.map((url) => ({ url })),
    defaults: { socket: { reconnectStrategy: (retries) => Math.min(20 * 2 ** retries, 500) } },
  });
  cluster.on('error', () => {});
  await cluster.connect();
  let open = true;
  return {
    connection: fromNodeRedis(cluster),
    close: async () => {
      if (open) cluster.destroy();
      open = false;
    },
  };
}

/** A hub on the Redis backend, served: `/t/<topic>` subscribes a connection to `<topic>`. */
export class Node {
  readonly hub: Hub;
  readonly backend: RedisBackend;
  readonly server: WebSocketServer;
  readonly #client: ClientConnection;

  private constructor(
    hub: Hub,
    backend: RedisBackend,
    server: WebSocketServer,
    client: ClientConnection,
  ) {
    this.hub = hub;
    this.backend = backend;
    this.server = server;
    this.#client = client;
  }

  static async start(
    kind: ClientKind,
    url: string,
    options: Partial<RedisBackendOptions> = {},
    limits?: ConstructorParameters<typeof Hub>[0],
  ): Promise<Node> {
    return Node.startOn(await connectClient(kind, url), options, limits);
  }

  /** A node on a client of the caller's (closed when the node stops). */
  static async startOn(
    client: ClientConnection,
    options: Partial<RedisBackendOptions> = {},
    limits?: ConstructorParameters<typeof Hub>[0],
  ): Promise<Node> {
    const backend = redisBackend({ ...options, connection: client.connection });
    const hub = new Hub({ ...limits, backend });
    const router = new Router()
      .route('/t/:topic', (request) =>
        accept(
          hub.join((member) => {
            member.subscribe(request.params.topic);
            return map(() => undefined);
          }),
          { subprotocol: resumeSubprotocol(request) },
        ),
      )
      // Subscribes, then publishes at once: the message must reach the subscriber itself.
      .route('/hello/:topic', (request) =>
        accept(
          hub.join((member) => {
            member.subscribe(request.params.topic);
            hub.publish(request.params.topic, `hello ${member.id}`);
            return map(() => undefined);
          }),
        ),
      );
    const server = await serve({ port: 0, handler: router });
    return new Node(hub, backend, server, client);
  }

  get port(): number {
    return this.server.address.port;
  }

  /** Closes the node's Redis client under it, as if the node had vanished for Redis. */
  async loseRedis(): Promise<void> {
    await this.#client.close();
  }

  async stop(): Promise<void> {
    await this.server.close({ timeoutMs: 200 });
    await this.hub.close();
    await this.#client.close();
  }
}

/** Waits (a bounded number of turns) until `condition` holds; false if it never did. */
export async function until(condition: () => boolean, turns = 5000): Promise<boolean> {
  for (let i = 0; i < turns && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return condition();
}
