// The snippets of docs/scaling.md, run as written against a Redis server of the test's own
// (test/docs/snippets.test.ts checks that they are the page's), each followed by clients that
// check what the page says.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import WebSocket from 'ws';
import { Hub, Router, accept, map, resumeSubprotocol, serve } from '../../src/index.js';
import { fromIoredis, fromNodeRedis, redisBackend } from '../../src/redis/index.js';
import { needs, redisClusterMissing, redisServerMissing } from '../../interop/helpers/peers.js';
import { RedisCluster } from '../helpers/redis-cluster.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Subscriber, texts } from '../hub/support.js';

const TIMEOUT = { timeout: 30_000 };

/** A masked text frame, as a client sends it. */
function maskedText(value: string): Buffer {
  const payload = Buffer.from(value);
  const key = [9, 8, 7, 6];
  const masked = payload.map((byte, i) => byte ^ key[i % 4]);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), Buffer.from(key), masked]);
}

describe('docs/scaling.md', needs(redisServerMissing()), () => {
  it(
    'a chat room on node-redis: a line reaches the other members, then the node stops',
    TIMEOUT,
    async () => {
      const server0 = await RedisServer.start();
      process.env.REDIS_URL = server0.url;
      try {
        // #region docs/scaling.md
        const redis = await createClient({ url: process.env.REDIS_URL })
          .on('error', (error) => console.warn('redis:', error.message))
          .connect();
        const backend = redisBackend({ connection: fromNodeRedis(redis) });
        const hub = new Hub({ backend });

        const router = new Router().route('/chat/:room', (request) =>
          accept(
            hub.join((member) => {
              member.subscribe(request.params.room);
              return map((line) => member.publish(request.params.room, line));
            }),
          ),
        );
        const server = await serve({ port: 0, handler: router });
        // #endregion
        const port = server.address.port;
        const ada = await Subscriber.open(port, '/chat/lobby');
        const bob = await Subscriber.open(port, '/chat/lobby');
        for (let i = 0; i < 2000 && hub.subscriberCount('lobby') < 2; i++) {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        await backend.idle();
        ada.socket.write(maskedText('hello, room'));
        assert.deepEqual(texts(await bob.receive(1)), ['hello, room']);
        assert.equal(ada.frames.length, 0, 'the sender is left out');
        ada.close();
        bob.close();
        // #region docs/scaling.md
        await server.close();
        await hub.close();
        await redis.close();
        // #endregion
      } finally {
        await server0.stop();
      }
    },
  );

  it('the backend on ioredis', TIMEOUT, async () => {
    const server0 = await RedisServer.start();
    process.env.REDIS_URL = server0.url;
    try {
      // #region docs/scaling.md
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      const hub = new Hub({ backend: redisBackend({ connection: fromIoredis(redis) }) });
      // #endregion
      hub.publish('news', 'written to Redis');
      await hub.close();
      const [entry] = (await redis.xrange('wsflow:{news}', '-', '+')) as [string, string[]][];
      assert.deepEqual(entry[1].slice(-2), ['t', 'written to Redis']);
      redis.disconnect();
    } finally {
      await server0.stop();
    }
  });

  it('resumable sessions: the route, and a client in a few lines', TIMEOUT, async () => {
    const server0 = await RedisServer.start();
    const redis = await createClient({ url: server0.url }).connect();
    const backend = redisBackend({ connection: fromNodeRedis(redis) });
    const hub = new Hub({ backend });
    // #region docs/scaling.md
    const router = new Router().route('/news', (request) =>
      accept(
        hub.join((member) => {
          member.subscribe('news');
          return map(() => undefined);
        }),
        { subprotocol: resumeSubprotocol(request) },
      ),
    );
    // #endregion
    const server = await serve({ port: 0, handler: router });
    const ORIGIN = `ws://127.0.0.1:${server.address.port}`;
    const handled: string[] = [];
    const handle = (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) handled.push(data.toString());
    };
    const until = async (count: number) => {
      for (let i = 0; i < 5000 && handled.length < count; i++) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      assert.equal(handled.length, count);
    };
    try {
      // #region docs/scaling.md
      type Marker = {
        resume: 'ids' | 'gone';
        topic: string;
        entry: string;
        from: number;
        count: number;
      };
      const lastIds: Record<string, string> = {};
      let run = { topic: '', entry: '', next: 0, left: 0 };

      function open(url: URL): WebSocket {
        if (Object.keys(lastIds).length > 0) {
          const json = JSON.stringify(lastIds);
          url.searchParams.set('wsflow-resume', Buffer.from(json).toString('base64url'));
        }
        const socket = new WebSocket(url, 'wsflow.resume.v1');
        socket.on('message', (data, isBinary) => {
          const text = isBinary ? '' : data.toString();
          if (run.left === 0 && text.startsWith('{"resume":')) {
            const marker = JSON.parse(text) as Marker;
            if (marker.resume === 'ids') {
              run = {
                topic: marker.topic,
                entry: marker.entry,
                next: marker.from,
                left: marker.count,
              };
            } else console.warn(`${marker.topic}: what was published meanwhile is gone`);
            return;
          }
          if (run.left > 0) {
            lastIds[run.topic] = `${run.entry}.${run.next++}`;
            run.left--;
          }
          handle(data, isBinary);
        });
        return socket;
      }
      // #endregion
      const first = open(new URL(`${ORIGIN}/news`));
      for (let i = 0; i < 2000 && hub.subscriberCount('news') < 1; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await backend.idle();
      for (const line of ['a', 'b', 'c']) hub.publish('news', line);
      await until(3);
      first.terminate();
      for (let i = 0; i < 2000 && hub.subscriberCount('news') > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      for (const line of ['d', 'e']) hub.publish('news', line);
      await backend.idle();
      const second = open(new URL(`${ORIGIN}/news`));
      await until(5);
      assert.deepEqual(handled, ['a', 'b', 'c', 'd', 'e']);
      assert.match(lastIds.news ?? '', /^\d+-\d+\.1$/);
      second.terminate();
    } finally {
      await server.close();
      await hub.close();
      await redis.close();
      await server0.stop();
    }
  });
});

describe('docs/scaling.md on a Redis Cluster', needs(redisClusterMissing()), () => {
  it('a hub on a node-redis cluster client, its topics in three slot groups', TIMEOUT, async () => {
    const redisCluster = await RedisCluster.start();
    process.env.REDIS_CLUSTER_URLS = redisCluster.urls.join(',');
    try {
      // #region docs/scaling.md
      const cluster = await createCluster({
        rootNodes: (process.env.REDIS_CLUSTER_URLS ?? '').split(',').map((url) => ({ url })),
      })
        .on('error', (error) => console.warn('redis:', error.message))
        .connect();
      const backend = redisBackend({ connection: fromNodeRedis(cluster), slotGroups: 3 });
      const hub = new Hub({ backend });
      // #endregion
      const server = await serve({
        port: 0,
        handler: new Router().route('/t/:topic', (request) =>
          accept(
            hub.join((member) => {
              member.subscribe(request.params.topic);
              return map(() => undefined);
            }),
          ),
        ),
      });
      const subscriber = await Subscriber.open(server.address.port, '/t/news');
      for (let i = 0; i < 2000 && hub.subscriberCount('news') < 1; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await backend.idle();
      hub.publish('news', 'through the cluster');
      assert.deepEqual(texts(await subscriber.receive(1)), ['through the cluster']);
      subscriber.close();
      await server.close();
      await hub.close();
      await cluster.close();
    } finally {
      await redisCluster.stop();
    }
  });
});
