// Tests: Pings and Pongs as messages. A flow wrapped in withControlMessages receives them in wire
// order among the data messages (on every split of the input, in every handler style), with
// auto-pong on or off; every flow can send them, in order with its other output.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import {
  PingMessage,
  PongMessage,
  fromSinkAndSource,
  map,
  maybe,
  serve,
  withControlMessages,
} from '../../src/index.js';
import type {
  Connection,
  ControlMessage,
  Message,
  MessageFlow,
  MessageLike,
} from '../../src/index.js';
import { connectionWithPeer, settle } from '../helpers/connection-setup.js';
import { peerFrame } from '../helpers/peer-frames.js';
import { chunkings } from '../helpers/split-feed.js';
import type { RawPeer } from '../helpers/raw-peer.js';

/** A message as a short label: `text a`, `binary 2`, `ping p1`, `pong q1`. */
function label(message: Message | ControlMessage): string {
  if (message instanceof PingMessage) return `ping ${Buffer.from(message.data).toString()}`;
  if (message instanceof PongMessage) return `pong ${Buffer.from(message.data).toString()}`;
  if (!message.isStrict) return 'streamed';
  return message.isText ? `text ${message.text}` : `binary ${message.data.byteLength}`;
}

type Handler = (message: Message | ControlMessage) => MessageLike | undefined;

/** The same handler in each style a flow can take. */
const STYLES: [string, (handle: Handler) => MessageFlow][] = [
  ['map', (handle) => withControlMessages(map(handle))],
  [
    'an async generator',
    (handle) =>
      withControlMessages(async function* (incoming) {
        for await (const message of incoming) {
          const out = handle(message);
          if (out !== undefined) yield out;
        }
      }),
  ],
  [
    'fromSinkAndSource with a function sink',
    (handle) =>
      withControlMessages(
        fromSinkAndSource((m: Message | ControlMessage) => void handle(m), maybe<string>().source),
      ),
  ],
  [
    'a TransformStream pair',
    (handle) =>
      withControlMessages(
        new TransformStream<Message | ControlMessage, MessageLike>({
          transform(message, controller) {
            const out = handle(message);
            if (out !== undefined) controller.enqueue(out);
          },
        }),
      ),
  ],
];

/**
 * Text, Ping, binary, Pong and text, as a client puts them on the wire (fresh bytes each time:
 * the parser unmasks in place).
 */
const input = (): Buffer =>
  Buffer.concat([
    peerFrame('server', 0x81, 'a'),
    peerFrame('server', 0x89, 'p1'),
    peerFrame('server', 0x82, Uint8Array.of(1, 2)),
    peerFrame('server', 0x8a, 'q1'),
    peerFrame('server', 0x81, 'b'),
  ]);

/** Lets the handler take and answer what was written, then closes from the peer's side. */
async function closeFromPeer(peer: RawPeer, connection: Connection): Promise<void> {
  await settle();
  peer.close(1000);
  await connection.closed;
}

/** The Pings and Pongs the raw peer received, as labels. */
function controlsSeen(peer: RawPeer): string[] {
  return peer.events.flatMap((event) =>
    event.type === 'ping' || event.type === 'pong'
      ? [`${event.type} ${event.data.toString()}`]
      : [],
  );
}

describe('withControlMessages: receiving', () => {
  for (const [style, makeFlow] of STYLES) {
    it(`hands Pings and Pongs over in wire order on every split, with ${style}`, async () => {
      for (const { name, chunks } of chunkings(input())) {
        const { connection, peer } = connectionWithPeer();
        const seen: string[] = [];
        connection.runDetached(makeFlow((message) => void seen.push(label(message))));
        for (const chunk of chunks) peer.socket.write(chunk);
        await closeFromPeer(peer, connection);
        assert.deepEqual(
          seen,
          ['text a', 'ping p1', 'binary 2', 'pong q1', 'text b'],
          `split: ${name}`,
        );
        // Auto-pong stays on: the Ping was answered once, by the connection.
        assert.deepEqual(controlsSeen(peer), ['pong p1'], `split: ${name}`);
      }
    });
  }

  it('with autoPong off, the flow answers the Ping itself, in order with its replies', async () => {
    const { connection, peer } = connectionWithPeer();
    const answer = (message: Message | ControlMessage): MessageLike | undefined =>
      message instanceof PingMessage
        ? new PongMessage(message.data)
        : message.isText && message.isStrict
          ? `got ${message.text}`
          : undefined;
    connection.runDetached(withControlMessages(map(answer), { autoPong: false }));
    peer.socket.write(input());
    await closeFromPeer(peer, connection);
    const seen = peer.events.flatMap((event) =>
      event.type === 'message'
        ? [event.data.toString()]
        : event.type === 'pong'
          ? [`pong ${event.data.toString()}`]
          : [],
    );
    assert.deepEqual(seen, ['got a', 'pong p1', 'got b']);
  });

  it('with autoPong off and a flow that does not answer, no Pong is sent', async () => {
    const { connection, peer } = connectionWithPeer();
    connection.runDetached(
      withControlMessages(
        map(() => undefined),
        { autoPong: false },
      ),
    );
    peer.socket.write(input());
    await closeFromPeer(peer, connection);
    assert.deepEqual(controlsSeen(peer), []);
  });

  it('a flow without the wrapper never sees them, and Pings are still answered', async () => {
    const { connection, peer } = connectionWithPeer();
    const seen: string[] = [];
    connection.runDetached(map((message: Message) => void seen.push(label(message))));
    peer.socket.write(input());
    await closeFromPeer(peer, connection);
    assert.deepEqual(seen, ['text a', 'binary 2', 'text b']);
    assert.deepEqual(controlsSeen(peer), ['pong p1']);
  });

  it('a Ping inside a fragmented message comes before the message it interrupted', async () => {
    const { connection, peer } = connectionWithPeer();
    const seen: string[] = [];
    connection.runDetached(withControlMessages(map((m) => void seen.push(label(m)))));
    peer.socket.write(
      Buffer.concat([
        peerFrame('server', 0x01, 'he'), // text, not final
        peerFrame('server', 0x89, 'mid'),
        peerFrame('server', 0x80, 'llo'), // final continuation
      ]),
    );
    await closeFromPeer(peer, connection);
    assert.deepEqual(seen, ['ping mid', 'text hello']);
  });

  it('received payloads are copies the flow may keep', async () => {
    const { connection, peer } = connectionWithPeer();
    const kept: Uint8Array[] = [];
    connection.runDetached(
      withControlMessages(map((m) => void (m instanceof PingMessage && kept.push(m.data)))),
    );
    peer.socket.write(peerFrame('server', 0x89, 'first'));
    await settle();
    peer.socket.write(Buffer.concat([peerFrame('server', 0x89, 'other'), input()]));
    await closeFromPeer(peer, connection);
    assert.deepEqual(
      kept.map((data) => Buffer.from(data).toString()),
      ['first', 'other', 'p1'],
    );
  });
});

describe('control messages: sending', () => {
  it('a flow sends Pings and Pongs in order with its messages', async () => {
    const { connection, peer } = connectionWithPeer();
    connection.runDetached(async function* () {
      yield 'x';
      yield new PingMessage('hi');
      yield 'y';
      yield new PongMessage(Uint8Array.of(0x6f, 0x6b));
      yield 'z';
    });
    await connection.closed;
    const seen = peer.events.flatMap((event) =>
      event.type === 'message'
        ? [event.data.toString()]
        : event.type === 'ping' || event.type === 'pong'
          ? [`${event.type} ${event.data.toString()}`]
          : [],
    );
    assert.deepEqual(seen, ['x', 'ping hi', 'y', 'pong ok', 'z']);
  });

  it('connection.send takes them too; a payload over 125 bytes is refused', async () => {
    const { connection, peer } = connectionWithPeer();
    await connection.send('before');
    await connection.send(new PingMessage());
    assert.throws(() => new PingMessage('x'.repeat(126)), RangeError);
    assert.throws(() => new PongMessage(42 as unknown as string), TypeError);
    await connection.close();
    const seen = peer.events.flatMap((event) =>
      event.type === 'message' ? ['before'] : event.type === 'ping' ? ['ping'] : [],
    );
    assert.deepEqual(seen, ['before', 'ping']);
  });
});

describe('control messages with ws as the peer', () => {
  it('keep their place among compressed messages, and a flow pings ws', async () => {
    const seen: string[] = [];
    const server = await serve({
      port: 0,
      host: '127.0.0.1',
      perMessageDeflate: true,
      flow: withControlMessages(
        map((message: Message | ControlMessage) => {
          seen.push(label(message));
          return message instanceof PongMessage ? new PingMessage('your turn') : undefined;
        }),
      ),
    });
    try {
      const ws = new WebSocket(server.url, { perMessageDeflate: { threshold: 0 } });
      await once(ws, 'open');
      const autoPong = once(ws, 'pong');
      const pinged = once(ws, 'ping');
      ws.send('one'.repeat(100));
      ws.ping('p');
      ws.send('two'.repeat(100));
      ws.pong('q');
      const [[pongData], [pingData]] = await Promise.all([autoPong, pinged]);
      assert.equal(String(pongData), 'p');
      assert.equal(String(pingData), 'your turn');
      ws.close(1000);
      await once(ws, 'close');
      // ws answered the flow's Ping too: the flow saw that Pong last.
      assert.deepEqual(seen, [
        `text ${'one'.repeat(100)}`,
        'ping p',
        `text ${'two'.repeat(100)}`,
        'pong q',
        'pong your turn',
      ]);
    } finally {
      await server.close();
    }
  });
});
