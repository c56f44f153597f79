// wsflow/redis: how many subscribers a topic has on every node together. Each node writes its
// own count when it changes; a node that vanished stops counting once its heartbeat expires.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { needs, redisServerMissing } from '../../interop/helpers/peers.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Subscriber } from '../hub/support.js';
import { CLIENTS, Node, until } from './support.js';

/** Asks `node` for the topic's count until it is `expected` (a bounded number of times). */
async function countBecomes(node: Node, topic: string, expected: number): Promise<number> {
  let count = -1;
  for (let i = 0; i < 500 && count !== expected; i++) {
    count = await node.backend.subscriberCount(topic);
    if (count !== expected) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return count;
}

async function open(node: Node, topic: string, count: number): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (let i = 0; i < count; i++) subscribers.push(await Subscriber.open(node.port, `/t/${topic}`));
  assert.ok(await until(() => node.hub.subscriberCount(topic) === count));
  return subscribers;
}

describe('Redis backend: subscribers across nodes', needs(redisServerMissing()), () => {
  let redis: RedisServer;
  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    await redis?.stop();
  });

  for (const kind of CLIENTS) {
    it(`counts every node's subscribers of a topic, as they come and go (${kind})`, async () => {
      const topic = `room-${kind}`;
      const nodes = await Promise.all([0, 1].map(() => Node.start(kind, redis.url)));
      try {
        const onA = await open(nodes[0], topic, 2);
        const onB = await open(nodes[1], topic, 3);
        await Promise.all(nodes.map((node) => node.backend.idle()));
        assert.equal(await nodes[0].backend.subscriberCount(topic), 5);
        assert.equal(await nodes[1].backend.subscriberCount(topic), 5);
        onB[0].close();
        assert.ok(await until(() => nodes[1].hub.subscriberCount(topic) === 2));
        await nodes[1].backend.idle();
        assert.equal(await nodes[0].backend.subscriberCount(topic), 4);
        for (const subscriber of onA) subscriber.close();
        assert.ok(await until(() => nodes[0].hub.subscriberCount(topic) === 0));
        await nodes[0].backend.idle();
        assert.equal(await nodes[1].backend.subscriberCount(topic), 2);
        assert.equal(await nodes[1].backend.subscriberCount(`none-${kind}`), 0);
        for (const subscriber of onB) subscriber.close();
      } finally {
        await Promise.all(nodes.map((node) => node.stop()));
      }
    });
  }

  it('stops counting a node that vanished, once its heartbeat expires', async () => {
    const fast = { presenceTtlMs: 300 };
    const nodes = await Promise.all([0, 1].map(() => Node.start('ioredis', redis.url, fast)));
    try {
      const onA = await open(nodes[0], 'lobby', 1);
      const onB = await open(nodes[1], 'lobby', 2);
      await Promise.all(nodes.map((node) => node.backend.idle()));
      assert.equal(await nodes[0].backend.subscriberCount('lobby'), 3);
      await nodes[1].loseRedis(); // it can neither beat nor take its count back
      assert.equal(await countBecomes(nodes[0], 'lobby', 1), 1);
      for (const subscriber of [...onA, ...onB]) subscriber.close();
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
    }
  });

  it('takes a closed node out of the count at once', async () => {
    const nodes = await Promise.all([0, 1].map(() => Node.start('node-redis', redis.url)));
    const [first, second] = nodes;
    try {
      await open(first, 'hall', 1);
      const onSecond = await open(second, 'hall', 1);
      await Promise.all(nodes.map((node) => node.backend.idle()));
      assert.equal(await first.backend.subscriberCount('hall'), 2);
      await second.hub.close(); // its members leave; its count and heartbeat are removed
      assert.equal(await first.backend.subscriberCount('hall'), 1);
      onSecond[0].close();
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
    }
  });
});
