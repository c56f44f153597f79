// wsflow/redis across processes: three server processes, each a hub on the Redis backend with
// clients of its own on two topics, all publishing at once; every client receives every message
// of its topic, once, in one order shared by every client of that topic.

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { JsonLinesProcess, needs, redisServerMissing } from '../../interop/helpers/peers.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Subscriber, texts } from '../hub/support.js';
import { until } from './support.js';

const NODE_PROCESS = fileURLToPath(new URL('./node-process.js', import.meta.url));
const TOPICS = ['alpha', 'beta'];

describe('Redis backend: three server processes', needs(redisServerMissing()), () => {
  for (const kind of ['node-redis', 'ioredis']) {
    it(`every client gets every message of its topics, in one order (${kind})`, async () => {
      const redis = await RedisServer.start();
      const nodes: JsonLinesProcess[] = [];
      const subscribers: { topic: string; subscriber: Subscriber }[] = [];
      try {
        for (let n = 0; n < 3; n++) {
          const [node, { port }] = await JsonLinesProcess.start<{ port: number }>(
            process.execPath,
            [NODE_PROCESS, redis.url, kind],
          );
          nodes.push(node);
          // Two clients of alpha and one of beta on each node.
          for (const topic of ['alpha', 'alpha', 'beta']) {
            subscribers.push({ topic, subscriber: await Subscriber.open(port, `/t/${topic}`) });
          }
        }
        for (const node of nodes) {
          for (const [topic, count] of [
            ['alpha', 2],
            ['beta', 1],
          ] as const) {
            let seen = 0;
            for (let turn = 0; turn < 500 && seen !== count; turn++) {
              seen = (await node.request<{ subscribers: number }>({ subscribers: topic }))
                .subscribers;
            }
            assert.equal(seen, count, `node's ${topic} subscribers`);
          }
        }
        // Publishing nothing answers once the node follows its topics (backend.idle()).
        await Promise.all(
          nodes.map((node) => node.request({ publish: { topic: 'alpha', prefix: '', count: 0 } })),
        );
        const perNode = 300;
        await Promise.all(
          nodes.flatMap((node, n) =>
            TOPICS.map((topic) =>
              node.request({ publish: { topic, prefix: `${topic}-${n}`, count: perNode } }),
            ),
          ),
        );
        const total = perNode * nodes.length;
        assert.ok(
          await until(
            () => subscribers.every(({ subscriber }) => subscriber.frames.length >= total),
            10_000,
          ),
        );
        for (const topic of TOPICS) {
          const ofTopic = subscribers
            .filter((s) => s.topic === topic)
            .map((s) => texts(s.subscriber.frames));
          const order = ofTopic[0];
          assert.equal(order.length, total);
          for (const received of ofTopic) assert.deepEqual(received, order);
          for (let n = 0; n < 3; n++) {
            assert.deepEqual(
              order.filter((line) => line.startsWith(`${topic}-${n}:`)),
              Array.from({ length: perNode }, (_, i) => `${topic}-${n}:${i}`),
              `node ${n}'s ${topic} messages, in the order published`,
            );
          }
        }
      } finally {
        for (const { subscriber } of subscribers) subscriber.close();
        await Promise.all(nodes.map((node) => node.stop()));
        await redis.stop();
      }
    });
  }
});
