// wsflow/redis when the reading connection goes silent: no reset, no close, no reply (a peer or
// a network that vanished). Past twice the block time and a second, the node takes it for dead,
// reads on a new connection from its last entry, and delivers what was published meanwhile.

import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { needs, redisServerMissing } from '../../interop/helpers/peers.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Subscriber, texts } from '../hub/support.js';
import { CLIENTS, Node, until } from './support.js';

/** A TCP relay to Redis whose connections, in the order opened, can be made to go silent. */
class SilencingRelay {
  readonly server: Server;
  readonly links: { client: Socket; upstream: Socket }[] = [];

  constructor(target: number) {
    this.server = createServer((client) => {
      const upstream = connect({ port: target, host: '127.0.0.1' });
      for (const socket of [client, upstream]) socket.on('error', () => undefined);
      client.pipe(upstream);
      upstream.pipe(client);
      this.links.push({ client, upstream });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops relaying on a connection, both ways, without closing it. */
  silence(index: number): void {
    const { client, upstream } = this.links[index];
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  }

  async close(): Promise<void> {
    for (const { client, upstream } of this.links) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('Redis backend: a silent reading connection', needs(redisServerMissing()), () => {
  let redis: RedisServer;
  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    await redis?.stop();
  });

  for (const kind of CLIENTS) {
    it(`is replaced, and nothing published meanwhile is lost (${kind})`, async () => {
      const relay = new SilencingRelay(redis.port);
      const url = await relay.listen();
      const node = await Node.start(kind, url, { blockMs: 100 });
      try {
        const subscriber = await Subscriber.open(node.port, '/t/news');
        assert.ok(await until(() => node.hub.subscriberCount('news') === 1));
        await node.backend.idle();
        node.hub.publish('news', 'before');
        assert.ok(await until(() => subscriber.frames.length === 1));
        // The publishing connection first, then the reading one (a duplicate).
        assert.equal(relay.links.length, 2);
        relay.silence(1);
        node.hub.publish('news', 'meanwhile');
        await node.backend.idle();
        assert.ok(await until(() => subscriber.frames.length === 2, 10_000));
        assert.deepEqual(texts(subscriber.frames), ['before', 'meanwhile']);
        assert.ok(relay.links.length > 2, 'a new reading connection');
        assert.ok(node.backend.stats().failedCommands > 0);
        subscriber.close();
      } finally {
        await node.stop();
        await relay.close();
      }
    });
  }
});
