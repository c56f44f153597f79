// wsflow/redis on a Redis Cluster of three masters, started by the test: hubs on cluster clients
// share topics whose streams lie on every master; every subscriber gets every message of its
// topic in one order; each node reads with one blocking XREAD per slot group it follows; counts
// span the nodes; and a slot moved to another master (a resharding) is read on there.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { needs, redisClusterMissing } from '../../interop/helpers/peers.js';
import { TopicKeys } from '../../src/redis/keys.js';
import { keySlot } from '../../src/redis/slots.js';
import { RedisCluster } from '../helpers/redis-cluster.js';
import { Subscriber, texts } from '../hub/support.js';
import { CLIENTS, Node, connectCluster, until } from './support.js';

describe('Redis backend on a Redis Cluster', needs(redisClusterMissing()), () => {
  let cluster: RedisCluster;
  before(async () => {
    cluster = await RedisCluster.start();
  });
  after(async () => {
    await cluster?.stop();
  });

  for (const kind of CLIENTS) {
    it(`delivers every topic, its streams on every master, in one order (${kind})`, async () => {
      const slotGroups = 3;
      const keys = new TopicKeys('wsflow:', slotGroups);
      const topics = Array.from({ length: 6 }, (_, i) => `${kind}-room-${i}`);
      const masters = await Promise.all(
        topics.map((topic) => cluster.masterOf(keys.stream(topic))),
      );
      assert.deepEqual(new Set(masters), new Set([0, 1, 2]), `the topics' masters: ${masters}`);

      const nodes = await Promise.all(
        [0, 1, 2].map(async () =>
          Node.startOn(await connectCluster(kind, cluster.urls), { slotGroups }),
        ),
      );
      try {
        const subscribers = new Map<string, Subscriber[]>();
        for (const topic of topics) {
          const each = [];
          for (const node of nodes) each.push(await Subscriber.open(node.port, `/t/${topic}`));
          subscribers.set(topic, each);
        }
        assert.ok(
          await until(() =>
            nodes.every((node) => topics.every((topic) => node.hub.subscriberCount(topic) === 1)),
          ),
        );
        await Promise.all(nodes.map((node) => node.backend.idle()));

        // One blocking reading connection per master for each node: a slot group per master.
        const blocked = async (): Promise<number[]> =>
          Promise.all(
            [0, 1, 2].map(
              async (m) =>
                (await cluster.command(m, 'CLIENT', 'LIST'))
                  .split('\n')
                  .filter((line) => / cmd=xread /.test(line) && / flags=b /.test(line)).length,
            ),
          );
        let reading: number[] = [];
        for (let i = 0; i < 200; i++) {
          reading = await blocked();
          if (reading.every((count) => count === nodes.length)) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.deepEqual(reading, [3, 3, 3], 'blocked XREADs on each master');

        const perNode = 40;
        for (let i = 0; i < perNode; i++) {
          for (const [n, node] of nodes.entries()) {
            for (const topic of topics) node.hub.publish(topic, `${n}:${i}`);
          }
          if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
        }
        const total = perNode * nodes.length;
        for (const topic of topics) {
          const received = await Promise.all(
            (subscribers.get(topic) ?? []).map((s) => s.receive(total)),
          );
          const first = texts(received[0]);
          assert.equal(first.length, total);
          for (const frames of received) assert.deepEqual(texts(frames), first, topic);
          for (const n of [0, 1, 2]) {
            assert.deepEqual(
              first.filter((line) => line.startsWith(`${n}:`)),
              Array.from({ length: perNode }, (_, i) => `${n}:${i}`),
            );
          }
        }
        const held = await cluster.keysByMaster();
        for (const [m, names] of held.entries()) {
          assert.ok(
            names.some((name) => topics.some((topic) => name === keys.stream(topic))),
            `master ${m} holds a topic's stream: ${names.join(' ')}`,
          );
        }

        for (const topic of topics) {
          for (const node of nodes) {
            let count = -1;
            for (let i = 0; i < 200 && count !== 3; i++) {
              count = await node.backend.subscriberCount(topic);
              if (count !== 3) await new Promise((resolve) => setTimeout(resolve, 10));
            }
            assert.equal(count, 3, `${topic}'s subscribers on every node`);
          }
        }
        for (const node of nodes) assert.equal(node.backend.stats().droppedMessages, 0);
        for (const each of subscribers.values()) for (const s of each) s.close();
      } finally {
        await Promise.all(nodes.map((node) => node.stop()));
      }
    });

    it(`reads on after the topic's slot moved to another master (${kind})`, async () => {
      const topic = `${kind}-moving`;
      const key = new TopicKeys('wsflow:').stream(topic);
      const nodes = await Promise.all(
        [0, 1].map(async () => Node.startOn(await connectCluster(kind, cluster.urls))),
      );
      try {
        const subscribers = [];
        for (const node of nodes) subscribers.push(await Subscriber.open(node.port, `/t/${topic}`));
        assert.ok(await until(() => nodes.every((node) => node.hub.subscriberCount(topic) === 1)));
        await Promise.all(nodes.map((node) => node.backend.idle()));
        const publish = (from: number, to: number): void => {
          for (let i = from; i < to; i++) {
            for (const [n, node] of nodes.entries()) node.hub.publish(topic, `${n}:${i}`);
          }
        };
        publish(0, 20);
        for (const s of subscribers) await s.receive(40);

        const before = await cluster.masterOf(key);
        await cluster.moveSlot(keySlot(key), (before + 1) % 3);
        assert.equal(await cluster.masterOf(key), (before + 1) % 3);

        publish(20, 40);
        const received = await Promise.all(subscribers.map((s) => s.receive(80)));
        const first = texts(received[0]);
        assert.equal(first.length, 80);
        for (const frames of received) assert.deepEqual(texts(frames), first);
        for (const n of [0, 1]) {
          assert.deepEqual(
            first.filter((line) => line.startsWith(`${n}:`)),
            Array.from({ length: 40 }, (_, i) => `${n}:${i}`),
          );
        }
        assert.ok(
          nodes.every((node) => node.backend.stats().failedCommands > 0),
          'each node read on after its read was refused on the old master',
        );
        for (const s of subscribers) s.close();
      } finally {
        await Promise.all(nodes.map((node) => node.stop()));
      }
    });
  }
});
