// The snippets of docs/broadcast.md, run as written (test/docs/snippets.test.ts checks that they
// are the page's), and the README's chat room (test/docs/readme-chat.ts), each followed by
// clients that check what the page says.

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, it } from 'node:test';
import { constants, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { Hub, Router, accept, inProcessBackend, json, map, serve } from '../../src/index.js';
import type { HubBackend, PresenceEvent } from '../../src/index.js';
import { Subscriber, texts } from '../hub/support.js';
import { startReadmeChat } from './readme-chat.js';

const TIMEOUT = { timeout: 20_000 };

/** A masked text frame, as a client sends it. */
function maskedText(value: string): Buffer {
  const payload = Buffer.from(value);
  const key = [9, 8, 7, 6];
  const masked = payload.map((byte, i) => byte ^ key[i % 4]);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), Buffer.from(key), masked]);
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  assert.ok(condition());
}

describe('README.md: a chat room', () => {
  it('members of a room hear each other; the sender gets its own line back', TIMEOUT, async () => {
    const { server, hub } = await startReadmeChat();
    try {
      const port = server.address.port;
      const ada = await Subscriber.open(port, '/chat/lobby?name=ada');
      const bob = await Subscriber.open(port, '/chat/lobby?name=bob');
      const eve = await Subscriber.open(port, '/chat/attic?name=eve');
      await until(() => hub.subscriberCount('lobby') === 2 && hub.subscriberCount('attic') === 1);
      ada.socket.write(maskedText('{"text":"hi"}'));
      const line = '{"from":"ada","text":"hi"}';
      assert.deepEqual(texts(await bob.receive(1)), [line]);
      assert.deepEqual(texts(await ada.receive(1)), [line]);
      eve.socket.write(maskedText('{"text":1}'));
      assert.equal((await eve.closeFrame())?.payload.readUInt16BE(0), 1007);
      assert.equal(bob.frames.length, 1);
      for (const subscriber of [ada, bob, eve]) subscriber.close();
    } finally {
      await server.close({ timeoutMs: 200 });
    }
  });
});

describe('docs/broadcast.md', () => {
  it('a chat room', TIMEOUT, async () => {
    // #region docs/broadcast.md
    const Line = z.object({ text: z.string().max(500) });
    const chat = json<{ from: string; text: string }>().validate(Line);
    const hub = new Hub();

    const router = new Router().route('/chat/:room', (request) => {
      const { room } = request.params;
      const from = request.query.get('name') ?? 'anonymous';
      return accept(
        hub.join(chat, (member) => {
          member.subscribe(room);
          return map(({ text }) => {
            member.publish(room, { from, text }); // every other member of the room
            return { from, text }; // the sender, as the reply
          });
        }),
      );
    });
    const server = await serve({ port: 0, handler: router });
    // #endregion
    try {
      const port = server.address.port;
      const ada = await Subscriber.open(port, '/chat/x?name=ada');
      const bob = await Subscriber.open(port, '/chat/x');
      await until(() => hub.subscriberCount('x') === 2);
      bob.socket.write(maskedText('{"text":"yo"}'));
      const line = '{"from":"anonymous","text":"yo"}';
      assert.deepEqual(texts(await ada.receive(1)), [line]);
      assert.deepEqual(texts(await bob.receive(1)), [line]);
      ada.close();
      bob.close();
    } finally {
      await server.close({ timeoutMs: 200 });
    }
  });

  it('publishing from anywhere: an HTTP request and a timer', TIMEOUT, async () => {
    // #region docs/broadcast.md
    const hub = new Hub();
    const server = await serve({
      port: 0,
      handler: (upgrade) => {
        hub.subscribe(upgrade.handleMessages(map(() => undefined)), 'news');
      },
      httpHandler: (request, response) => {
        hub.publish('news', `news from ${request.url}`); // e.g. POST /deploy
        response.end(`${hub.subscriberCount('news')} readers\n`);
      },
    });
    const timer = setInterval(() => hub.publish('news', new Date().toISOString()), 60_000);
    // #endregion
    clearInterval(timer);
    try {
      const port = server.address.port;
      const reader = await Subscriber.open(port, '/');
      await until(() => hub.subscriberCount('news') === 1);
      const body = await new Promise<string>((resolve, reject) => {
        const request = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/deploy' });
        request.on('response', (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        });
        request.on('error', reject);
        request.end();
      });
      assert.equal(body, '1 readers\n');
      assert.deepEqual(texts(await reader.receive(1)), ['news from /deploy']);
      reader.close();
    } finally {
      await server.close({ timeoutMs: 200 });
    }
  });

  it('limits: the hub default and a route of its own', TIMEOUT, async () => {
    // #region docs/broadcast.md
    const hub = new Hub({ limits: { maxBufferedBytes: 256 * 1024, onLimit: 'close' } });
    const ticker = hub.join(
      (member) => (member.subscribe('prices'), map(() => undefined)),
      { limits: { maxBufferedBytes: 64 * 1024, onLimit: 'drop-oldest' } }, // this route's own
    );
    // #endregion
    const server = await serve({
      port: 0,
      handler: new Router()
        .route('/prices', () => accept(ticker))
        .route('/default', () => accept(hub.join(() => map(() => undefined)))),
    });
    try {
      const a = await Subscriber.open(server.address.port, '/prices');
      const b = await Subscriber.open(server.address.port, '/default');
      await until(() => hub.stats().members === 2);
      const [prices, other] = [...hub.members()].sort((x) => (x.isSubscribed('prices') ? -1 : 1));
      assert.deepEqual(prices.limits, {
        maxBufferedBytes: 64 * 1024,
        onLimit: 'drop-oldest',
        closeCode: 1013,
      });
      assert.deepEqual(other.limits, {
        maxBufferedBytes: 256 * 1024,
        onLimit: 'close',
        closeCode: 1013,
      });
      a.close();
      b.close();
    } finally {
      await server.close({ timeoutMs: 200 });
    }
  });

  it(
    'compression: one compressed frame for every subscriber without context takeover',
    TIMEOUT,
    async () => {
      // #region docs/broadcast.md
      const hub = new Hub();
      const server = await serve({
        port: 0,
        flow: hub.join((member) => (member.subscribe('feed'), map(() => undefined))),
        perMessageDeflate: { serverNoContextTakeover: true, threshold: 1024 },
      });
      // #endregion
      try {
        const port = server.address.port;
        const offer = { 'Sec-WebSocket-Extensions': 'permessage-deflate' };
        const deflating = await Promise.all(
          [1, 2].map(() => Subscriber.open(port, '/', { headers: offer })),
        );
        const plain = await Subscriber.open(port, '/');
        await until(() => hub.subscriberCount('feed') === 3);
        const big = 'compressible '.repeat(200);
        hub.publish('feed', big);
        hub.publish('feed', 'small');
        const [first, second] = await Promise.all(deflating.map((s) => s.receive(2)));
        assert.equal(first[0].rsv1, true, 'compressed');
        assert.ok(first[0].payload.length < 200);
        assert.deepEqual(first[0].payload, second[0].payload, 'the same compressed bytes');
        const inflated = inflateRawSync(
          Buffer.concat([first[0].payload, Buffer.from([0, 0, 0xff, 0xff])]),
          { finishFlush: constants.Z_SYNC_FLUSH },
        );
        assert.equal(inflated.toString(), big);
        assert.equal(first[1].rsv1, false, 'under the threshold');
        const plainFrames = await plain.receive(2);
        assert.deepEqual(texts(plainFrames), [big, 'small']);
        assert.equal(plainFrames[0].rsv1, false);
        for (const subscriber of [...deflating, plain]) subscriber.close();
      } finally {
        await server.close({ timeoutMs: 200 });
      }
    },
  );

  it('presence', TIMEOUT, async () => {
    // #region docs/broadcast.md
    const hub = new Hub();
    const log: string[] = [];
    const stop = hub.onPresence((event: PresenceEvent) => {
      if (event.type === 'subscribed' || event.type === 'unsubscribed') {
        log.push(`${event.topic}: ${event.subscribers}`);
      }
    });
    // #endregion
    const server = await serve({
      port: 0,
      flow: hub.join((member) => (member.subscribe('room'), map(() => undefined))),
    });
    try {
      const a = await Subscriber.open(server.address.port, '/');
      await until(() => log.length === 1);
      a.close();
      await until(() => log.length === 2);
      assert.deepEqual(log, ['room: 1', 'room: 0']);
      stop();
    } finally {
      await server.close({ timeoutMs: 200 });
    }
  });

  it('a backend that wraps another', TIMEOUT, async () => {
    // #region docs/broadcast.md
    const inner = inProcessBackend();
    const counted = { messages: 0 };
    const counting: HubBackend = {
      open: (sink) => inner.open(sink),
      publish: (topic, message) => {
        counted.messages++;
        inner.publish(topic, message);
      },
      subscribe: (topic) => inner.subscribe(topic),
      unsubscribe: (topic) => inner.unsubscribe(topic),
      close: () => inner.close(),
    };
    const hub = new Hub({ backend: counting });
    // #endregion
    const server = await serve({
      port: 0,
      flow: hub.join((member) => (member.subscribe('t'), map(() => undefined))),
    });
    try {
      const a = await Subscriber.open(server.address.port, '/');
      await until(() => hub.subscriberCount('t') === 1);
      hub.publish('t', 'one');
      hub.publish('t', 'two');
      assert.deepEqual(texts(await a.receive(2)), ['one', 'two']);
      assert.equal(counted.messages, 2);
      a.close();
      await hub.close();
    } finally {
      await server.close({ timeoutMs: 200 });
    }
  });
});
