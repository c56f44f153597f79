// Over real sockets on 127.0.0.1: a peer that writes its last messages and its Close in one write
// gets the replies to them, then the echo of its Close, from a wsflow server (also when it ends
// its side of the TCP connection right after) and from a wsflow client.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { map, singleWebSocketRequest } from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { computeAccept } from '../../src/protocol/handshake.js';
import { peerFrame } from '../helpers/peer-frames.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { RawClient, closeBody, closePayload, maskedFrame, withServer } from './support.js';

const COUNT = 5;
const reply = (message: Message): string =>
  `got ${message.isText && message.isStrict ? message.text : '?'}`;
const REPLIES = [...Array.from({ length: COUNT }, (_, i) => `got m${i}`), 'close 4000'];

/** What the server sent until its Close: the texts, then `close <code>`. */
async function untilClose(client: RawClient): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const frame = await client.nextFrame();
    if (frame.opcode === 0x8) return [...seen, `close ${closePayload(frame.payload).code}`];
    seen.push(frame.payload.toString());
  }
}

/** `COUNT` masked texts and a masked Close 4000 "bye", as one buffer. */
function clientTextsThenClose(): Buffer {
  const texts = Array.from({ length: COUNT }, (_, i) => maskedFrame(0x1, `m${i}`));
  return Buffer.concat([...texts, maskedFrame(0x8, closeBody(4000, 'bye'))]);
}

describe('a wsflow server, sent messages and a Close in one write', () => {
  for (const endToo of [false, true]) {
    it(`answers each, then echoes the Close${endToo ? ' (the client ended its side)' : ''}`, () =>
      withServer({ flow: map(async (m: Message) => reply(m)) }, async (server) => {
        const client = await RawClient.connect(server.address.port);
        if (endToo) client.socket.end(clientTextsThenClose());
        else client.socket.write(clientTextsThenClose());
        assert.deepEqual(await untilClose(client), REPLIES);
        await client.ended;
      }));
  }
});

/** A TCP server that upgrades one request by hand, then speaks as a raw server-side peer. */
async function rawServer(): Promise<{ url: string; peer: Promise<RawPeer>; close(): void }> {
  const server = createServer();
  const peer = new Promise<RawPeer>((resolve) => {
    server.once('connection', (socket: Socket) => {
      socket.once('data', (chunk: Buffer) => {
        const key = /sec-websocket-key: *(\S+)/i.exec(chunk.toString('latin1'))?.[1] ?? '';
        const texts = Array.from({ length: COUNT }, (_, i) => peerFrame('client', 0x81, `m${i}`));
        const close = peerFrame('client', 0x88, closeBody(4000, 'bye'));
        socket.write(
          Buffer.concat([
            Buffer.from(
              'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
                `Sec-WebSocket-Accept: ${computeAccept(key)}\r\n\r\n`,
              'latin1',
            ),
            ...texts,
            close,
          ]),
        );
        const raw = new RawPeer(socket, 'server');
        // Our Close went out before the client's answer: the peer's protocol must know it.
        raw.protocol.sendClose(4000, 'bye');
        raw.protocol.takeOutgoing();
        resolve(raw);
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}/`, peer, close: () => server.close() };
}

describe('a wsflow client, sent messages and a Close in one write', () => {
  it('answers each, then echoes the Close', async () => {
    const server = await rawServer();
    try {
      const { closed } = singleWebSocketRequest(server.url, map(reply));
      const outcome = await closed;
      const peer = await server.peer;
      const seen = peer.events.flatMap((event) =>
        event.type === 'message'
          ? [event.data.toString()]
          : event.type === 'close'
            ? [`close ${event.code}`]
            : [],
      );
      assert.deepEqual(seen, REPLIES);
      assert.deepEqual(outcome, {
        code: 4000,
        reason: 'bye',
        wasClean: true,
        closedBy: 'remote',
        cause: {
          kind: 'peer',
          phase: 'open',
          sent: { code: 4000, reason: '' },
          received: { code: 4000, reason: 'bye' },
        },
      });
    } finally {
      server.close();
    }
  });
});
