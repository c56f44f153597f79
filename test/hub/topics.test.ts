// The hub over real sockets: topics and publish (frame once, every subscriber in order, the
// sender left out on request), publishing from a handler and from a timer, order with the
// connection's own messages, typed members over a transformer, and the rules of joining.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Connection, Hub, Router, accept, echo, json, map, text } from '../../src/index.js';
import { duplexPair } from '../helpers/duplex-pair.js';
import type { HubMember, Message, StandardSchemaV1 } from '../../src/index.js';
import { Subscriber, texts, withRoutes } from './support.js';

/** A router whose `/room/:room` joins the hub and subscribes to its room; text is published. */
function roomRouter(hub: Hub, members: HubMember[] = []): Router {
  return new Router().route('/room/:room', (request) =>
    accept(
      hub.join((member) => {
        members.push(member);
        member.subscribe(request.params.room);
        return map((m: Message) => {
          if (m.isText && m.isStrict) member.publish(request.params.room, m.text);
        });
      }),
    ),
  );
}

/** Waits until `hub` has `count` subscribers of `topic` (joining is asynchronous to the client). */
async function subscribers(hub: Hub, topic: string, count: number): Promise<void> {
  for (let i = 0; i < 1000 && hub.subscriberCount(topic) < count; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(hub.subscriberCount(topic), count);
}

describe('Hub: topics', () => {
  it('writes a published message to every subscriber of its topic, in order, and to no one else', async () => {
    const hub = new Hub();
    await withRoutes(roomRouter(hub), async (_server, port) => {
      const lobby = await Promise.all([1, 2, 3].map(() => Subscriber.open(port, '/room/lobby')));
      const other = await Subscriber.open(port, '/room/other');
      await subscribers(hub, 'lobby', 3);
      await subscribers(hub, 'other', 1);
      for (let i = 0; i < 100; i++) hub.publish('lobby', `message ${i}`);
      hub.publish('other', 'for the other room');
      const expected = Array.from({ length: 100 }, (_, i) => `message ${i}`);
      for (const subscriber of lobby)
        assert.deepEqual(texts(await subscriber.receive(100)), expected);
      assert.deepEqual(texts(await other.receive(1)), ['for the other room']);
      for (const subscriber of [...lobby, other]) subscriber.close();
    });
    await hub.close();
  });

  it('leaves the sender out of member.publish, and publishes binary messages as binary', async () => {
    const hub = new Hub();
    await withRoutes(roomRouter(hub), async (_server, port) => {
      const [sender, listener] = await Promise.all([
        Subscriber.open(port, '/room/a'),
        Subscriber.open(port, '/room/a'),
      ]);
      await subscribers(hub, 'a', 2);
      sender.socket.write(maskedText('from the sender'));
      const [frame] = await listener.receive(1);
      assert.equal(frame.payload.toString(), 'from the sender');
      hub.publish('a', Uint8Array.of(1, 2, 3));
      const frames = await sender.receive(1);
      assert.deepEqual(
        frames.map((f) => [f.opcode, [...f.payload]]),
        [[2, [1, 2, 3]]],
      );
      sender.close();
      listener.close();
    });
    await hub.close();
  });

  it('publishes from outside any handler: a timer', async () => {
    const hub = new Hub();
    await withRoutes(roomRouter(hub), async (_server, port) => {
      const subscriber = await Subscriber.open(port, '/room/ticks');
      await subscribers(hub, 'ticks', 1);
      let n = 0;
      const timer = setInterval(() => hub.publish('ticks', `tick ${++n}`), 1);
      const frames = await subscriber.receive(3);
      clearInterval(timer);
      assert.deepEqual(texts(frames).slice(0, 3), ['tick 1', 'tick 2', 'tick 3']);
      subscriber.close();
    });
    await hub.close();
  });

  it("keeps a topic's messages in order with the connection's own messages", async () => {
    const hub = new Hub();
    const router = new Router().route('/ordered', () =>
      accept(
        hub.join((member) => {
          member.subscribe('t');
          return map((m: Message) => {
            if (!m.isText || !m.isStrict) return undefined;
            void member.send(`own 1`);
            hub.publish('t', `topic 1`);
            void member.send(`own 2`);
            hub.publish('t', 'x'.repeat(10_000)); // a frame queued by reference, not copied
            return 'reply';
          });
        }),
      ),
    );
    await withRoutes(router, async (_server, port) => {
      const subscriber = await Subscriber.open(port, '/ordered');
      subscriber.socket.write(maskedText('go'));
      const got = texts(await subscriber.receive(5)).map((t) => (t.length > 20 ? 'big' : t));
      assert.deepEqual(got, ['own 1', 'topic 1', 'own 2', 'big', 'reply']);
      subscriber.close();
    });
    await hub.close();
  });

  it('types a member by its transformer: values are validated in, encoded once out', async () => {
    const ChatLine: StandardSchemaV1<unknown, { text: string }> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value) =>
          typeof value === 'object' &&
          value !== null &&
          typeof (value as { text?: unknown }).text === 'string'
            ? { value: { text: (value as { text: string }).text } }
            : { issues: [{ message: 'expected { text: string }', path: ['text'] }] },
      },
    };
    const hub = new Hub();
    const chat = json<{ from: string; text: string }>().validate(ChatLine);
    const router = new Router().route('/chat/:room', (request) => {
      const name = request.query.get('name') ?? 'anonymous';
      return accept(
        hub.join(chat, (member) => {
          member.subscribe(request.params.room);
          return map(({ text }) =>
            hub.publish(request.params.room, chat.encode({ from: name, text })),
          );
        }),
      );
    });
    await withRoutes(router, async (_server, port) => {
      const ada = await Subscriber.open(port, '/chat/kitchen?name=ada');
      const bob = await Subscriber.open(port, '/chat/kitchen?name=bob');
      await subscribers(hub, 'kitchen', 2);
      ada.socket.write(maskedText(JSON.stringify({ text: 'hello' })));
      const expected = [JSON.stringify({ from: 'ada', text: 'hello' })];
      assert.deepEqual(texts(await bob.receive(1)), expected);
      assert.deepEqual(texts(await ada.receive(1)), expected);
      bob.socket.write(maskedText(JSON.stringify({ txt: 'typo' })));
      const close = await bob.closeFrame();
      assert.equal(close?.payload.readUInt16BE(0), 1007);
      ada.close();
    });
    await hub.close();
  });
});

describe('Hub: joining', () => {
  it('refuses a client connection, a Streamed message and a publish after close', async () => {
    const hub = new Hub();
    const { TextMessage } = await import('../../src/index.js');
    const streamed = TextMessage.streamed(
      (async function* () {
        yield 'a';
      })(),
    );
    assert.throws(() => hub.publish('t', streamed), TypeError);
    assert.throws(() => hub.publish('t', 42 as unknown as string), TypeError);
    const [end] = duplexPair();
    const client = new Connection(end, { side: 'client' });
    assert.throws(() => hub.member(client), /only server connections/);
    client.terminate();
    await hub.close();
    assert.throws(() => hub.publish('t', 'late'), /the hub is closed/);
  });

  it('a join flow is not a stream of its own: outside a connection it says where it belongs', () => {
    const hub = new Hub();
    const flow = hub.join(() => echo()) as { readable: unknown };
    assert.throws(() => flow.readable, /made for each connection/);
  });

  it('a join whose make throws closes that connection with 1011', async () => {
    const hub = new Hub();
    const router = new Router()
      .route('/broken', () =>
        accept(
          hub.join(() => {
            throw new Error('no flow');
          }),
        ),
      )
      .route('/fine', () => accept(hub.join(() => map(() => undefined))));
    await withRoutes(router, async (_server, port) => {
      const broken = await Subscriber.open(port, '/broken');
      const close = await broken.closeFrame();
      assert.equal(close?.payload.readUInt16BE(0), 1011);
      broken.close();
    });
    await hub.close();
  });

  it('joins with text() as well: members publish strings', async () => {
    const hub = new Hub();
    const router = new Router().route('/t', () =>
      accept(
        hub.join(text(), (member) => {
          member.subscribe('t');
          return map((line) => hub.publish('t', line.toUpperCase()));
        }),
      ),
    );
    await withRoutes(router, async (_server, port) => {
      const subscriber = await Subscriber.open(port, '/t');
      await subscribers(hub, 't', 1);
      subscriber.socket.write(maskedText('shout'));
      assert.deepEqual(texts(await subscriber.receive(1)), ['SHOUT']);
      subscriber.close();
    });
    await hub.close();
  });
});

/** A masked text frame from a client. */
function maskedText(value: string): Buffer {
  const payload = Buffer.from(value);
  const key = [1, 2, 3, 4];
  const head =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = payload.map((byte, i) => byte ^ key[i % 4]);
  return Buffer.concat([head, Buffer.from(key), masked]);
}

describe("Hub: a tick's messages go out together, in order", () => {
  /** Joins `count` subscribers on /t (each subscribed to nothing yet); returns both ends. */
  async function joined(
    hub: Hub,
    port: number,
    members: HubMember[],
    count: number,
  ): Promise<Subscriber[]> {
    const subscribers: Subscriber[] = [];
    for (let i = 0; i < count; i++) {
      subscribers.push(await Subscriber.open(port, '/t'));
      while (members.length <= i) await new Promise((resolve) => setImmediate(resolve));
    }
    return subscribers;
  }

  const tickRouter = (hub: Hub, members: HubMember[]) =>
    new Router().route('/t', () =>
      accept(
        hub.join((member) => {
          members.push(member);
          return map(() => undefined);
        }),
      ),
    );

  it('keeps the order across topics, subscribes and unsubscribes within a tick, and before a Close', async () => {
    const hub = new Hub();
    const members: HubMember[] = [];
    await withRoutes(tickRouter(hub, members), async (_server, port) => {
      const [both, late, leaving, closing] = await joined(hub, port, members, 4);
      const [mBoth, mLate, mLeaving, mClosing] = members;
      mBoth.subscribe('a');
      mBoth.subscribe('b');
      mLeaving.subscribe('a');
      mClosing.subscribe('a');
      hub.publish('a', 'a1');
      hub.publish('b', 'b1');
      mLate.subscribe('a'); // from here on
      hub.publish('a', 'a2');
      mLeaving.unsubscribe('a'); // it still gets what came before
      hub.publish('a', 'a3');
      void mClosing.connection.close(4000, 'bye'); // after what was published before
      assert.deepEqual(texts(await both.receive(4)), ['a1', 'b1', 'a2', 'a3']);
      assert.deepEqual(texts(await late.receive(2)), ['a2', 'a3']);
      assert.deepEqual(texts(await leaving.receive(2)), ['a1', 'a2']);
      const close = await closing.closeFrame();
      assert.deepEqual(texts(closing.frames), ['a1', 'a2', 'a3']);
      assert.equal(close?.payload.readUInt16BE(0), 4000);
      hub.publish('a', 'after');
      assert.deepEqual(texts(await late.receive(3)), ['a2', 'a3', 'after']);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(texts(leaving.frames), ['a1', 'a2'], 'nothing after it left');
      for (const subscriber of [both, late, leaving, closing]) subscriber.close();
    });
    await hub.close();
  });

  it('leaves the sender out of its own messages in a tick shared with others', async () => {
    const hub = new Hub();
    const members: HubMember[] = [];
    await withRoutes(tickRouter(hub, members), async (_server, port) => {
      const subscribers = await joined(hub, port, members, 3);
      for (const member of members) member.subscribe('room');
      members[0].publish('room', 'from 0');
      members[1].publish('room', 'from 1');
      hub.publish('room', 'to all');
      assert.deepEqual(texts(await subscribers[0].receive(2)), ['from 1', 'to all']);
      assert.deepEqual(texts(await subscribers[1].receive(2)), ['from 0', 'to all']);
      assert.deepEqual(texts(await subscribers[2].receive(3)), ['from 0', 'from 1', 'to all']);
      for (const subscriber of subscribers) subscriber.close();
    });
    await hub.close();
  });
});
