// wsflow/redis: several hubs in one process, each on its own Redis connection, share their
// topics through a Redis server of the test's own: every subscriber on every node receives every
// message of its topic, in one order, once; with node-redis and with ioredis.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { needs, redisServerMissing } from '../../interop/helpers/peers.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Subscriber, texts } from '../hub/support.js';
import { CLIENTS, Node, until } from './support.js';

describe('Redis backend: hubs in one process', needs(redisServerMissing()), () => {
  let redis: RedisServer;
  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    await redis?.stop();
  });

  for (const kind of CLIENTS) {
    describe(`over ${kind}`, () => {
      it('every subscriber on every node receives every message of its topic, in one order', async () => {
        const topic = `room-${kind}`;
        const nodes = await Promise.all([0, 1, 2].map(() => Node.start(kind, redis.url)));
        try {
          const subscribers = await subscribe(nodes, topic, 2);
          const other = await Subscriber.open(nodes[1].port, `/t/other-${kind}`);
          await settle(nodes);
          const perNode = 100;
          for (let i = 0; i < perNode; i++) {
            for (const [n, node] of nodes.entries()) node.hub.publish(topic, `${n}:${i}`);
          }
          const total = perNode * nodes.length;
          const received = await Promise.all(subscribers.map((s) => s.receive(total)));
          const first = texts(received[0]);
          assert.equal(first.length, total);
          for (const frames of received) assert.deepEqual(texts(frames), first);
          for (const n of [0, 1, 2]) {
            const own = first.filter((line) => line.startsWith(`${n}:`));
            assert.deepEqual(
              own,
              Array.from({ length: perNode }, (_, i) => `${n}:${i}`),
              `node ${n}'s messages in the order published`,
            );
          }
          assert.equal(other.frames.length, 0, 'a subscriber of another topic gets none');
          for (const node of nodes) assert.equal(node.backend.stats().droppedMessages, 0);
          for (const subscriber of [...subscribers, other]) subscriber.close();
        } finally {
          await Promise.all(nodes.map((node) => node.stop()));
        }
      });

      it('leaves out the member named in except, on whichever node it is', async () => {
        const topic = `except-${kind}`;
        const nodes = await Promise.all([0, 1].map(() => Node.start(kind, redis.url)));
        try {
          const [a, b] = await subscribe(nodes, topic, 1);
          await settle(nodes);
          const sender = [...nodes[1].hub.members()][0];
          nodes[0].hub.publish(topic, 'not to b', { except: sender });
          nodes[0].hub.publish(topic, 'to both');
          assert.deepEqual(texts(await a.receive(2)), ['not to b', 'to both']);
          assert.deepEqual(texts(await b.receive(1)), ['to both']);
          a.close();
          b.close();
        } finally {
          await Promise.all(nodes.map((node) => node.stop()));
        }
      });

      it('carries text and binary messages byte for byte', async () => {
        const topic = `bytes-${kind}`;
        const nodes = await Promise.all([0, 1].map(() => Node.start(kind, redis.url)));
        try {
          const [local, remote] = await subscribe(nodes, topic, 1);
          await settle(nodes);
          const binary = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff);
          nodes[0].hub.publish(topic, 'héllo, wörld ✓');
          nodes[0].hub.publish(topic, binary);
          nodes[0].hub.publish(topic, '');
          const frames = await remote.receive(3);
          assert.deepEqual(
            frames.map((frame) => frame.opcode),
            [1, 2, 1],
          );
          assert.equal(frames[0].payload.toString('utf8'), 'héllo, wörld ✓');
          assert.deepEqual(new Uint8Array(frames[1].payload), binary);
          assert.equal(frames[2].payload.length, 0);
          local.close();
          remote.close();
        } finally {
          await Promise.all(nodes.map((node) => node.stop()));
        }
      });

      it("a member that subscribes and publishes at once gets its node's message", async () => {
        const topic = `hello-${kind}`;
        const node = await Node.start(kind, redis.url);
        try {
          const subscriber = await Subscriber.open(node.port, `/hello/${topic}`);
          const [frame] = await subscriber.receive(1);
          assert.match(frame.payload.toString(), /^hello /);
          subscriber.close();
        } finally {
          await node.stop();
        }
      });
    });
  }
});

/** Opens `each` subscribers of `topic` on every node, and waits until every hub has them. */
async function subscribe(nodes: Node[], topic: string, each: number): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (const node of nodes) {
    for (let i = 0; i < each; i++)
      subscribers.push(await Subscriber.open(node.port, `/t/${topic}`));
  }
  assert.ok(await until(() => nodes.every((node) => node.hub.subscriberCount(topic) === each)));
  return subscribers;
}

/** Waits until every node follows its topics' streams (so a publish now reaches every node). */
async function settle(nodes: Node[]): Promise<void> {
  await Promise.all(nodes.map((node) => node.backend.idle()));
}
