// wsflow/redis, resumable sessions: a client that offered `wsflow.resume.v1` and comes back (to
// another node) with the last message ID of its topic gets what it missed, then live messages,
// nothing lost and nothing twice, even while messages are published during the replay; past
// retention it is told `gone`. Two hubs in one process on one Redis, with either client library.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { needs, redisServerMissing } from '../../interop/helpers/peers.js';
import { RedisServer } from '../helpers/redis-server.js';

import WebSocket from 'ws';
import { ReconnectingSocket } from '../../src/browser/index.js';
import { isPast, positionOf } from '../../src/resume-wire.js';
import { Subscriber, texts } from '../hub/support.js';
import { ResumingClient } from './resuming-client.js';
import { CLIENTS, Node, connectClient, until } from './support.js';

function numbered(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `m${from + i}`);
}

function assertIncreasing(ids: readonly string[]): void {
  for (let i = 1; i < ids.length; i++) {
    const [a, b] = [positionOf(ids[i]), positionOf(ids[i - 1])];
    assert.ok(a !== undefined && b !== undefined && isPast(a, b), `${ids[i]} after ${ids[i - 1]}`);
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('Redis backend: resumable sessions', needs(redisServerMissing()), () => {
  let redis: RedisServer;
  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    await redis?.stop();
  });

  for (const kind of CLIENTS) {
    it(`a client that comes back to another node gets what it missed, then live, once each (${kind})`, async () => {
      const topic = `resume-${kind}`;
      const [a, b] = await Promise.all([Node.start(kind, redis.url), Node.start(kind, redis.url)]);
      const client = new ResumingClient();
      try {
        await client.open(a.port, topic);
        const plain = await Subscriber.open(b.port, `/t/${topic}`);
        assert.ok(await until(() => a.hub.subscriberCount(topic) === 1));
        assert.ok(await until(() => b.hub.subscriberCount(topic) === 1));
        await Promise.all([a.backend.idle(), b.backend.idle()]);
        for (const line of numbered(0, 10)) b.hub.publish(topic, line); // one entry
        for (const line of numbered(10, 20)) {
          b.hub.publish(topic, line);
          await turn();
        }
        assert.deepEqual(await client.receive(20), numbered(0, 20));
        assert.equal(client.ids.length, 20, 'every message numbered');
        client.close();
        assert.ok(await until(() => a.hub.subscriberCount(topic) === 0));

        // Missed while away: one entry, then one message per tick.
        for (const line of numbered(20, 30)) a.hub.publish(topic, line);
        for (const line of numbered(30, 40)) {
          a.hub.publish(topic, line);
          await turn();
        }
        await a.backend.idle();
        // Back on the other node, while more is published on the first, one per tick.
        let next = 40;
        let publishing = true;
        const racing = (async () => {
          while (publishing && next < 200) {
            a.hub.publish(topic, `m${next++}`);
            await turn();
          }
        })();
        await client.open(b.port, topic);
        await client.receive(60);
        publishing = false;
        await racing;
        const last = next;
        assert.deepEqual(await client.receive(last), numbered(0, last));
        assert.equal(client.ids.length, last);
        assertIncreasing(client.ids);
        assert.ok(
          client.markers.every((marker) => marker.includes('"resume":"ids"')),
          'no gone marker',
        );
        // The plain subscriber saw every message as it was published, and no marker.
        assert.deepEqual(texts(await plain.receive(last)), numbered(0, last));
        assert.equal(plain.frames.length, last);
        plain.close();
      } finally {
        client.close();
        await Promise.all([a.stop(), b.stop()]);
      }
    });
  }

  it('ReconnectingSocket with resume: its node stops mid-stream, it resumes on the other, nothing lost or twice', async () => {
    const topic = 'resume-socket';
    const [a, b] = await Promise.all([
      Node.start('ioredis', redis.url),
      Node.start('ioredis', redis.url),
    ]);
    const urls = [`ws://127.0.0.1:${a.port}/t/${topic}`];
    const received: string[] = [];
    const gone: string[] = [];
    const nextNode = () => urls.shift() ?? `ws://127.0.0.1:${b.port}/t/${topic}`;
    const globals = globalThis as { WebSocket?: unknown };
    const hadWebSocket = 'WebSocket' in globals;
    globals.WebSocket ??= WebSocket; // Node 20 has none; a page and Node 22 have their own
    // #region docs/scaling.md
    const socket = new ReconnectingSocket(nextNode, { resume: true });
    socket.on('message', ({ data }) => received.push(String(data))); // never a marker
    socket.on('gone', ({ topic }) => gone.push(topic)); // past retention: the app decides
    // #endregion
    if (!hadWebSocket) delete globals.WebSocket;
    let stopped = false;
    try {
      assert.ok(await until(() => a.hub.subscriberCount(topic) === 1));
      await Promise.all([a.backend.idle(), b.backend.idle()]);
      const total = 300;
      for (let i = 0; i < total; i++) {
        b.hub.publish(topic, `m${i}`);
        if (i === 100) {
          assert.ok(await until(() => received.length > 0));
          await a.stop(); // its client reconnects to b, naming the last message it had
          stopped = true;
        }
        await turn();
      }
      assert.ok(await until(() => received.length >= total, 15_000));
      assert.deepEqual(received, numbered(0, total));
      assert.deepEqual(gone, []);
      assert.equal(b.hub.subscriberCount(topic), 1);
      assert.match(socket.lastIds[topic] ?? '', /^\d+-\d+\.\d+$/);
    } finally {
      socket.close();
      await Promise.all([stopped ? undefined : a.stop(), b.stop()]);
    }
  });

  it("a backlog many times the member's bound reaches it whole, as it reads", async () => {
    const topic = 'resume-backlog';
    const limits = { limits: { maxBufferedBytes: 16 * 1024 } };
    const node = await Node.start('node-redis', redis.url, {}, limits);
    const client = new ResumingClient();
    try {
      await client.open(node.port, topic);
      assert.ok(await until(() => node.hub.subscriberCount(topic) === 1));
      await node.backend.idle();
      node.hub.publish(topic, 'm0');
      assert.deepEqual(await client.receive(1), ['m0']);
      client.close();
      assert.ok(await until(() => node.hub.subscriberCount(topic) === 0));
      const pad = '.'.repeat(200);
      const total = 3000; // 600 KB: 40 times the bound
      for (let i = 1; i < total; i++) {
        node.hub.publish(topic, `m${i}${pad}`);
        if (i % 100 === 0) await turn();
      }
      await node.backend.idle();
      await client.open(node.port, topic);
      const reading = client.receive(total);
      const dropped = () => node.hub.stats().droppedMessages;
      assert.ok(await until(() => client.messages.length >= total || dropped() > 0, 15_000));
      assert.equal(dropped(), 0, 'nothing dropped by the bound');
      const received = await reading;
      assert.equal(received.length, total);
      assert.deepEqual(
        received.map((line) => line.replace(pad, '')),
        numbered(0, total),
      );
      assertIncreasing(client.ids);
      assert.equal(node.hub.stats().droppedMessages, 0);
    } finally {
      client.close();
      await node.stop();
    }
  });

  it('past retention the client is told gone, then gets live messages', async () => {
    const topic = 'resume-gone';
    const node = await Node.start('node-redis', redis.url);
    const direct = await connectClient('node-redis', redis.url);
    const client = new ResumingClient();
    try {
      await client.open(node.port, topic);
      assert.ok(await until(() => node.hub.subscriberCount(topic) === 1));
      await node.backend.idle();
      node.hub.publish(topic, 'm0');
      assert.deepEqual(await client.receive(1), ['m0']);
      client.close();
      assert.ok(await until(() => node.hub.subscriberCount(topic) === 0));
      node.hub.publish(topic, 'lost');
      await node.backend.idle();
      await turn();
      node.hub.publish(topic, 'kept');
      await node.backend.idle();
      // Trim the stream to its last entry: the entry of the client's m0 is gone.
      await direct.connection.send(['XTRIM', `wsflow:{${topic}}`, 'MAXLEN', '1']);
      await client.open(node.port, topic);
      assert.ok(await until(() => node.hub.subscriberCount(topic) === 1));
      await node.backend.idle();
      node.hub.publish(topic, 'live');
      assert.deepEqual(await client.receive(2), ['m0', 'live']);
      assert.deepEqual(
        JSON.parse(client.markers.find((m) => m.includes('"resume":"gone"')) ?? '{}'),
        {
          resume: 'gone',
          topic,
        },
      );
    } finally {
      client.close();
      await direct.close();
      await node.stop();
    }
  });
});
