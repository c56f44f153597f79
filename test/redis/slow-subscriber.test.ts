// wsflow/redis: a subscriber that stops reading on one node costs the others nothing. Its hub
// drops what it cannot take (its own bound); its node reads Redis on, and so does every other.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needs, redisServerMissing } from '../../interop/helpers/peers.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Subscriber } from '../hub/support.js';
import { Node, until } from './support.js';

describe('Redis backend: a slow subscriber', needs(redisServerMissing()), () => {
  it('does not slow the other subscribers, on its node or another', async () => {
    const redis = await RedisServer.start();
    const limits = { limits: { maxBufferedBytes: 256 * 1024 } };
    const nodes = await Promise.all([0, 1].map(() => Node.start('ioredis', redis.url, {}, limits)));
    try {
      const slow = await Subscriber.open(nodes[0].port, '/t/ticks', { paused: true });
      const others = [
        await Subscriber.open(nodes[0].port, '/t/ticks'),
        await Subscriber.open(nodes[1].port, '/t/ticks'),
        await Subscriber.open(nodes[1].port, '/t/ticks'),
      ];
      assert.ok(await until(() => nodes[0].hub.subscriberCount('ticks') === 2));
      assert.ok(await until(() => nodes[1].hub.subscriberCount('ticks') === 2));
      await Promise.all(nodes.map((node) => node.backend.idle()));
      // 8 MiB in all: more than the kernel's loopback buffers and the slow member's bound.
      const payload = Buffer.alloc(1024, 'x');
      const count = 8192;
      for (let i = 0; i < count; i++) {
        nodes[1].hub.publish('ticks', payload);
        if (i % 256 === 255) await nodes[1].backend.idle();
      }
      assert.ok(await until(() => others.every((other) => other.frames.length >= count), 20_000));
      for (const other of others) assert.equal(other.frames.length, count);
      assert.ok(nodes[0].hub.stats().droppedMessages > 0, 'the slow member lost messages');
      assert.ok(slow.frames.length < count);
      for (const subscriber of [slow, ...others]) subscriber.close();
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
      await redis.stop();
    }
  });
});
