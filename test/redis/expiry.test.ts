// wsflow/redis: a topic that nobody writes to or follows any more leaves Redis. Every write sets
// the expiry of the topic's stream and presence hash; a node that follows the topic renews it, so
// a followed topic stays however long it is quiet. A client that comes back after the expiry
// finds its last entry gone, as past trimming.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { needs, redisServerMissing } from '../../interop/helpers/peers.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Subscriber, texts } from '../hub/support.js';
import { CLIENTS, Node, connectClient, until } from './support.js';
import type { ClientConnection } from './support.js';

describe('Redis backend: unused topics expire', needs(redisServerMissing()), () => {
  let redis: RedisServer;
  let probe: ClientConnection;
  before(async () => {
    redis = await RedisServer.start();
    probe = await connectClient('ioredis', redis.url);
  });
  after(async () => {
    await probe?.close();
    await redis?.stop();
  });

  const send = (...args: string[]) => probe.connection.send(args);
  const lastEntryId = async (key: string): Promise<string> => {
    const entries = (await send('XREVRANGE', key, '+', '-', 'COUNT', '1')) as Buffer[][];
    return String(entries[0][0]);
  };
  /** Whether the stream still holds the entry (what a resume after it needs; else "gone"). */
  const holds = async (key: string, id: string): Promise<boolean> => {
    const entries = (await send('XRANGE', key, id, '+', 'COUNT', '1')) as Buffer[][];
    return entries.length > 0 && String(entries[0][0]) === id;
  };

  for (const kind of CLIENTS) {
    it(`removes the stream and presence hash of a topic once nobody uses it (${kind})`, async () => {
      const topicTtlMs = 400;
      const node = await Node.start(kind, redis.url, { topicTtlMs });
      const topic = `gone-${kind}`;
      const stream = `wsflow:{${topic}}`;
      const presence = `${stream}:nodes`;
      try {
        const subscriber = await Subscriber.open(node.port, `/t/${topic}`);
        assert.ok(await until(() => node.hub.subscriberCount(topic) === 1));
        await node.backend.idle();
        node.hub.publish(topic, 'one');
        assert.deepEqual(texts(await subscriber.receive(1)), ['one']);
        await node.backend.idle();
        for (const key of [stream, presence]) {
          const ttl = (await send('PTTL', key)) as number;
          assert.ok(ttl > 0 && ttl <= topicTtlMs, `${key} expires: PTTL ${ttl}`);
        }
        const id = await lastEntryId(stream);
        const resume = async () => (await node.backend.replay?.(topic, `${id}.0`))?.kind;
        assert.equal(await resume(), 'messages', 'a resume after the last message: nothing missed');
        subscriber.close();
        assert.ok(await until(() => node.hub.subscriberCount(topic) === 0));

        let exists = -1;
        for (let i = 0; i < 500 && exists !== 0; i++) {
          exists = (await send('EXISTS', stream, presence)) as number;
          if (exists !== 0) await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.equal(exists, 0, 'the stream and the presence hash expired');
        assert.equal(await holds(stream, id), false);
        assert.equal(await resume(), 'gone', 'a resume after the expiry: gone, as past trimming');

        // Written again, the topic starts a new stream (with an expiry), still without that entry.
        node.hub.publish(topic, 'two');
        await node.backend.idle();
        assert.equal(await holds(stream, id), false);
        assert.equal(await resume(), 'gone', 'a new stream does not hold the old entry');
        assert.ok(((await send('PTTL', stream)) as number) > 0);
      } finally {
        await node.stop();
      }
    });
  }

  it('keeps a followed topic however long it is quiet: each node that follows it renews it', async () => {
    const topicTtlMs = 1500;
    const node = await Node.start('node-redis', redis.url, { topicTtlMs });
    const topic = 'followed';
    const stream = `wsflow:{${topic}}`;
    try {
      const subscriber = await Subscriber.open(node.port, `/t/${topic}`);
      assert.ok(await until(() => node.hub.subscriberCount(topic) === 1));
      await node.backend.idle();
      node.hub.publish(topic, 'only');
      assert.deepEqual(texts(await subscriber.receive(1)), ['only']);
      await node.backend.idle();
      const id = await lastEntryId(stream);

      // No write from here on: every rise of the stream's PTTL is a renewal. Four of them, a
      // third of the expiry apart, span more than the expiry since the last write.
      let renewals = 0;
      let previous = (await send('PTTL', stream)) as number;
      for (let i = 0; i < 1000 && renewals < 4 && previous > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        const ttl = (await send('PTTL', stream)) as number;
        if (ttl > previous) renewals++;
        previous = ttl;
      }
      assert.equal(renewals, 4, `renewed while followed (PTTL now ${previous})`);
      assert.equal(await holds(stream, id), true, 'the entry is still there to resume after');
      subscriber.close();
    } finally {
      await node.stop();
    }
  });
});
