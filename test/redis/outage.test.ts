// wsflow/redis through a Redis outage: the server is killed (SIGKILL) while nodes publish and
// restarted on its append-only file (written before every reply: `appendfsync always`); every
// node writes what was published meanwhile and reads on from its last entry, so every subscriber
// gets every message once, in one order. Without persistence a restart loses the streams, but
// what is published after it still arrives.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needs, redisServerMissing } from '../../interop/helpers/peers.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Subscriber, texts } from '../hub/support.js';
import { CLIENTS, Node, connectClient, until } from './support.js';

describe('Redis backend: Redis killed and restarted', needs(redisServerMissing()), () => {
  for (const kind of CLIENTS) {
    it(`loses nothing within retention, with the append-only file (${kind})`, async () => {
      const redis = await RedisServer.start({ appendOnly: true });
      const nodes = await Promise.all([0, 1, 2].map(() => Node.start(kind, redis.url)));
      try {
        const subscribers = await subscribeAll(nodes, 'feed', 2);
        const perNode = 150;
        let sent = 0;
        const publishRound = (i: number): void => {
          for (const [n, node] of nodes.entries()) node.hub.publish('feed', `${n}:${i}`);
          sent += nodes.length;
        };
        for (let i = 0; i < perNode; i++) {
          if (i === 50) await redis.kill(); // mid-stream: writes and reads are under way
          if (i === 100) {
            const queued = nodes.map((node) => node.backend.stats().queuedMessages);
            assert.ok(
              queued.every((count) => count > 0),
              `every node holds what it published meanwhile: ${queued.join(', ')}`,
            );
            await redis.restart();
          }
          publishRound(i);
          if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 1));
        }
        // Up to a minute: on a loaded machine the clients' reconnection backoff can stretch.
        await until(() => subscribers.every((s) => s.frames.length >= sent), 30_000);
        const received = subscribers.map((s) => s.frames);
        const first = texts(received[0]);
        // What each subscriber got and each node counted: tells a stall (queued) from a loss.
        const state = JSON.stringify({
          received: received.map((frames) => frames.length),
          stats: nodes.map((node) => node.backend.stats()),
        });
        assert.equal(first.length, sent, state);
        assert.equal(new Set(first).size, sent, 'no message twice');
        for (const frames of received) assert.deepEqual(texts(frames), first);
        for (const n of [0, 1, 2]) {
          assert.deepEqual(
            first.filter((line) => line.startsWith(`${n}:`)),
            Array.from({ length: perNode }, (_, i) => `${n}:${i}`),
          );
        }
        // A node's last write is acknowledged once both its XADD and PEXPIRE are answered: the
        // readers may deliver the entry before the PEXPIRE's reply arrives.
        await Promise.all(nodes.map((node) => node.backend.idle()));
        for (const node of nodes) assert.equal(node.backend.stats().queuedMessages, 0);
        for (const subscriber of subscribers) subscriber.close();
      } finally {
        await Promise.all(nodes.map((node) => node.stop()));
        await redis.stop();
      }
    });
  }

  for (const kind of CLIENTS) {
    it(`reads again as soon as Redis is back, whatever the client's backoff (${kind})`, async () => {
      const redis = await RedisServer.start({ appendOnly: true });
      // The reading node's client never reconnects (as one with a long backoff would not soon),
      // and its read would be taken for silent only after twice a minute: the backend's reading
      // connection must not wait for either.
      const reading = await Node.startOn(await connectClient(kind, redis.url, false), {
        blockMs: 60_000,
      });
      const probe = await connectClient('ioredis', redis.url);
      const blockedReads = async (): Promise<number> => {
        const list = (await probe.connection.send(['CLIENT', 'LIST'])) as Buffer;
        return String(list)
          .split('\n')
          .filter((line) => / cmd=xread /.test(line) && / flags=b /.test(line)).length;
      };
      const readAgain = async (): Promise<boolean> => {
        for (let i = 0; i < 400; i++) {
          if ((await blockedReads().catch(() => 0)) === 1) return true;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return false;
      };
      let writing: Node | undefined;
      try {
        const subscriber = await Subscriber.open(reading.port, '/t/news');
        assert.ok(await until(() => reading.hub.subscriberCount('news') === 1));
        await reading.backend.idle();
        assert.ok(await readAgain(), 'the node reads');
        await redis.kill();
        await redis.restart();
        assert.ok(await readAgain(), 'the node reads again, before anything is published');
        writing = await Node.start(kind, redis.url);
        writing.hub.publish('news', 'after the restart');
        assert.deepEqual(texts(await subscriber.receive(1)), ['after the restart']);
        subscriber.close();
      } finally {
        await writing?.stop();
        await reading.stop();
        await probe.close();
        await redis.stop();
      }
    });
  }

  it('delivers what is published after a restart that lost the streams (no persistence)', async () => {
    const redis = await RedisServer.start();
    const nodes = await Promise.all([0, 1].map(() => Node.start('ioredis', redis.url)));
    try {
      const subscribers = await subscribeAll(nodes, 'news', 1);
      nodes[0].hub.publish('news', 'before');
      assert.ok(await until(() => subscribers.every((s) => s.frames.length === 1)));
      await redis.kill();
      await redis.restart();
      await Promise.all(nodes.map((node) => node.backend.idle()));
      nodes[1].hub.publish('news', 'after');
      for (const subscriber of subscribers) {
        assert.deepEqual(texts(await subscriber.receive(2)), ['before', 'after']);
        subscriber.close();
      }
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
      await redis.stop();
    }
  });
});

/** Opens `each` subscribers of `topic` on every node; waits until every node follows it. */
async function subscribeAll(nodes: Node[], topic: string, each: number): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (const node of nodes) {
    for (let i = 0; i < each; i++)
      subscribers.push(await Subscriber.open(node.port, `/t/${topic}`));
  }
  assert.ok(await until(() => nodes.every((node) => node.hub.subscriberCount(topic) === each)));
  await Promise.all(nodes.map((node) => node.backend.idle()));
  return subscribers;
}
