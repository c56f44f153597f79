// The high-level socket (sttp): fragments sent by hand, pings with and without
// auto-pong, the bounded buffer, iteration and the close event against every peer; then
// backpressure without a bound, over an in-memory transport.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ConnectionClosed,
  ProtocolError,
  TextMessage,
  WebSocketClient,
  WebSocketBufferFull,
  ClientCloseEvent,
  ClientPingEvent,
  openWebSocket,
} from '../../src/index.js';
import type { Connection, SocketOptions } from '../../src/index.js';
import { requestUpgrade } from '../../src/client/connect.js';
import { resolveRequest } from '../../src/client/request.js';
import { duplexPair } from '../helpers/duplex-pair.js';
import type { PairEnd } from '../helpers/duplex-pair.js';
import { acceptOn } from './fake-server.js';
import { PEERS, startPeer } from './peers.js';
import type { Peer } from './peers.js';
import { until } from './support.js';
import { makeCertificate } from '../helpers/tls.js';

const tls = makeCertificate();
after(() => tls.dispose());

for (const name of PEERS) {
  describe(`openWebSocket against the ${name} server`, () => {
    let peer: Peer;
    before(async () => {
      peer = await startPeer(name, tls);
    });
    after(() => peer?.close());
    const request = (path: string, scheme: 'ws' | 'wss' = 'ws') => ({
      url: peer.url(scheme, path),
      tls: { ca: tls.cert },
    });

    for (const scheme of ['ws', 'wss'] as const) {
      it(`sends text and binary fragments by hand (${scheme}://)`, async () => {
        const socket = await openWebSocket(request('/echo', scheme));
        await socket.send('Hel', { fin: false });
        await socket.send('lo, ', { continuation: true, fin: false });
        await socket.send(TextMessage.strict('world'), { continuation: true });
        assert.equal(await socket.receiveText(), 'Hello, world');
        await socket.send(Uint8Array.of(1, 2), { fin: false });
        await socket.send(Uint8Array.of(3), { continuation: true, fin: true });
        assert.deepEqual([...(await socket.receiveBinary())], [1, 2, 3]);
        await socket.close();
      });
    }

    it('runs permessage-deflate when the server takes the offer, and offers it unless told not to', async () => {
      const text = 'compress me, '.repeat(1000);
      const socket = await openWebSocket(request('/echo'));
      await socket.send(text);
      assert.equal(await socket.receiveText(), text);
      if (name !== 'wsflow') assert.ok(socket.response.perMessageDeflate !== undefined);
      await socket.close();
      const plain = await openWebSocket({ ...request('/echo'), perMessageDeflate: false });
      assert.equal(plain.response.perMessageDeflate, undefined);
      assert.deepEqual(plain.response.extensions, []);
      await plain.send(text);
      assert.equal(await plain.receiveText(), text);
      await plain.close();
    });

    it('refuses fragments out of sequence, and sends nothing for them', async () => {
      const socket = await openWebSocket(request('/echo'));
      await assert.rejects(socket.send('orphan', { continuation: true }), ProtocolError);
      await socket.send('a', { fin: false });
      await assert.rejects(socket.send('interloper'), ProtocolError);
      await assert.rejects(socket.send(Uint8Array.of(1), { continuation: true }), TypeError);
      await socket.send('b', { continuation: true });
      await socket.send(TextMessage.streamed(['stre', 'amed']));
      assert.equal(await socket.receiveText(), 'ab');
      assert.equal(await socket.receiveText(), 'streamed');
      await socket.close();
    });

    it('answers pings automatically by default', async () => {
      const socket = await openWebSocket(request('/ping'));
      assert.equal(await socket.receiveText(), 'pong: are you there');
      await socket.close();
    });

    it('hands pings out when auto-pong is off, to be answered by hand', async () => {
      const socket = await openWebSocket(request('/ping'), { autoPong: false });
      const ping = await socket.receive();
      assert.ok(ping instanceof ClientPingEvent);
      assert.equal(Buffer.from(ping.payload).toString(), 'are you there');
      socket.pong(ping.payload);
      const answer = await socket.receive();
      assert.ok(!(answer instanceof ClientPingEvent) && !(answer instanceof ClientCloseEvent));
      assert.equal(answer.isText && answer.isStrict && answer.text, 'pong: are you there');
      await socket.close();
    });

    it('fails with WebSocketBufferFull and closes with 1008 when a bounded buffer overflows', async () => {
      const socket = await openWebSocket(request('/greet/20'), { bufferCapacity: 3 });
      const outcome = await socket.closed;
      assert.equal(outcome.code, 1008);
      assert.equal(outcome.closedBy, 'local');
      await assert.rejects(socket.receive(), (error: unknown) => {
        assert.ok(error instanceof WebSocketBufferFull);
        assert.equal(error.capacity, 3);
        assert.equal(error.closeCode, 1008);
        return true;
      });
    });

    it('iterates over messages until a clean close, skipping binary in receiveText', async () => {
      const socket = await openWebSocket(request('/greet/3'), { bufferCapacity: 10 });
      const texts: string[] = [];
      for await (const message of socket) {
        texts.push(message.isText && message.isStrict ? message.text : '<binary>');
        if (texts.length === 3) void socket.close();
      }
      assert.deepEqual(texts, ['greeting 0', 'greeting 1', 'greeting 2']);
      const echo = await openWebSocket(request('/echo'));
      await echo.send(Uint8Array.of(9));
      await echo.send('after the binary');
      assert.equal(await echo.receiveText(), 'after the binary');
      await echo.close();
    });

    it('returns the close event once, then fails with ConnectionClosed', async () => {
      const socket = await openWebSocket(request('/count'));
      assert.equal(socket.isOpen, true);
      await socket.send('one');
      await socket.send('close-me');
      const event = await socket.receive();
      assert.ok(event instanceof ClientCloseEvent);
      assert.deepEqual([event.code, event.reason, event.closedBy], [1000, 'received 1', 'remote']);
      assert.equal(socket.isOpen, false);
      await assert.rejects(socket.receive(), ConnectionClosed);
      await assert.rejects(socket.receiveText(), ConnectionClosed);
    });
  });
}

/** A socket over an in-memory pair, and the server Connection at the other end. */
async function inMemorySocket(
  options: SocketOptions = {},
): Promise<{ socket: WebSocketClient<ClientPingEvent>; server: Connection; ours: PairEnd }> {
  const [ours, theirs] = duplexPair();
  const accepted = acceptOn(theirs);
  let socket: WebSocketClient<ClientPingEvent> | undefined;
  await requestUpgrade(resolveRequest('ws://in-memory.test/'), options, {
    transport: ours,
    onConnection: (connection, response) =>
      (socket = new WebSocketClient<ClientPingEvent>(connection, response, options)),
  });
  const server = (await accepted).connection;
  assert.ok(server !== undefined && socket !== undefined);
  return { socket, server, ours };
}

/** Lets the event loop run until `count()` stops changing (50 turns in a row). */
async function settle(count: () => number): Promise<void> {
  let stable = 0;
  for (let last = -1; stable < 50; last = count()) {
    stable = count() === last ? stable + 1 : 0;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Sends `total` texts "<i> <payload>" from the server, each after the last was taken. */
function sendNumbered(server: Connection, total: number, payload: string) {
  const progress = { sent: 0, done: Promise.resolve() };
  progress.done = (async () => {
    for (let i = 0; i < total; i++) {
      await server.send(`${i} ${payload}`);
      progress.sent = i + 1;
    }
  })();
  return progress;
}

describe('openWebSocket over an in-memory transport', () => {
  it('backpressures the server instead of buffering when no bound is set', async () => {
    const { socket, server, ours } = await inMemorySocket();
    const total = 200;
    const progress = sendNumbered(server, total, 'x'.repeat(4096));
    // Nothing is received yet: the server must stall far short of the total. The socket holds 16
    // messages and the connection 16 more before it stops reading; the server writes 16 of these
    // per flush (64 KiB), so what reaches the client is two flushes and what the pipe buffers.
    // The server's own send() settles at once until 8 high-water marks (128 KiB, 32 of these
    // messages) wait in its transport.
    await until(() => progress.sent > 0);
    await settle(() => progress.sent);
    assert.ok(ours.bytesPushed < 56 * 4096, `${ours.bytesPushed} bytes reached the client`);
    assert.ok(progress.sent < 56 + 32, `the server sent ${progress.sent} messages before stalling`);
    for (let i = 0; i < total; i++) {
      assert.equal((await socket.receiveText()).split(' ')[0], String(i));
    }
    await progress.done;
    await socket.close();
  });

  it('lets more wait with a higher incomingHighWaterMark, and still stalls the server', async () => {
    const { socket, server, ours } = await inMemorySocket({ incomingHighWaterMark: 100 });
    const progress = sendNumbered(server, 300, 'y'.repeat(4096));
    await until(() => progress.sent > 0);
    await settle(() => progress.sent);
    // 100 held by the socket, 16 by the connection, and what is on its way (as above).
    const reached = Math.floor(ours.bytesPushed / 4096);
    assert.ok(reached >= 116, `only ${reached} messages reached the client`);
    assert.ok(reached < 116 + 40, `${reached} messages reached the client`);
    assert.ok(progress.sent < 300, 'the server did not stall');
    for (let i = 0; i < 300; i++) {
      assert.equal((await socket.receiveText()).split(' ')[0], String(i));
    }
    await progress.done;
    await socket.close();
  });

  it('keeps the order when receive() calls overlap, whether messages wait or arrive later', async () => {
    const { socket, server } = await inMemorySocket();
    const total = 120;
    const progress = sendNumbered(server, total, 'z');
    const received: string[] = [];
    const take = async (): Promise<void> => {
      const event = await socket.receive();
      assert.ok(!(event instanceof ClientCloseEvent) && !(event instanceof ClientPingEvent));
      received.push(event.isText && event.isStrict ? event.text.split(' ')[0] : '<binary>');
    };
    // Ten at once before anything arrived, then alone, then in bursts while messages wait.
    await Promise.all(Array.from({ length: 10 }, take));
    for (let i = 0; i < 10; i++) await take();
    await settle(() => progress.sent);
    while (received.length < total) {
      await Promise.all(Array.from({ length: Math.min(7, total - received.length) }, take));
    }
    assert.deepEqual(
      received,
      Array.from({ length: total }, (_, i) => String(i)),
    );
    await progress.done;
    await socket.close();
  });

  it('lets its replies to a burst go out in parts, eight messages per write', async () => {
    const { socket, server, ours } = await inMemorySocket();
    const replies: string[] = [];
    const reader = server.incoming.getReader();
    for (let i = 0; i < 32; i++) void server.send(`${i}`); // one write: the burst arrives whole
    const writesBefore = ours.writeCalls;
    for (let i = 0; i < 32; i++) void socket.send(`re ${await socket.receiveText()}`);
    for (let i = 0; i < 32; i++) {
      const step = await reader.read();
      assert.ok(!step.done && step.value.isText && step.value.isStrict);
      replies.push(step.value.text);
    }
    assert.deepEqual(
      replies,
      Array.from({ length: 32 }, (_, i) => `re ${i}`),
    );
    const writes = ours.writeCalls - writesBefore;
    assert.ok(writes >= 3 && writes <= 6, `32 replies went out in ${writes} writes`);
    await socket.close();
  });

  it('hands out every message sent before the server closed, then the close event', async () => {
    const { socket, server } = await inMemorySocket();
    const progress = sendNumbered(server, 40, 'w'.repeat(1000));
    await progress.done; // Got through only because the socket takes them as they come.
    void server.close(1000, 'done');
    const texts: string[] = [];
    for (let i = 0; i < 40; i++) texts.push((await socket.receiveText()).split(' ')[0]);
    assert.deepEqual(
      texts,
      Array.from({ length: 40 }, (_, i) => String(i)),
    );
    const event = await socket.receive();
    assert.ok(event instanceof ClientCloseEvent);
    assert.deepEqual([event.code, event.reason, event.closedBy], [1000, 'done', 'remote']);
    await assert.rejects(socket.receive(), ConnectionClosed);
  });

  it('drops the waiting messages on close() and ends with the close event', async () => {
    const { socket, server, ours } = await inMemorySocket();
    const progress = sendNumbered(server, 10, 'v');
    await progress.done;
    await settle(() => ours.bytesPushed);
    assert.equal(await socket.receiveText(), '0 v');
    const outcome = await socket.close(4000, 'bye');
    assert.deepEqual([outcome.code, outcome.closedBy], [4000, 'local']);
    const event = await socket.receive();
    assert.ok(event instanceof ClientCloseEvent);
    assert.equal(event.code, 4000);
    await assert.rejects(socket.receiveText(), ConnectionClosed);
  });

  it('drops the body of a Streamed message left unread, and collects one in receiveText()', async () => {
    // Collecting off, so a message not whole in one read is Streamed.
    const { socket, server } = await inMemorySocket({ aggregateMessageBytes: 0 });
    const later = (parts: string[]): ReadableStream<string> => {
      let next = 0;
      return new ReadableStream<string>({
        // One part per turn of the event loop, so the message is not whole in one read.
        pull: async (controller) => {
          await new Promise((resolve) => setImmediate(resolve));
          if (next < parts.length) controller.enqueue(parts[next++]);
          else controller.close();
        },
      });
    };
    void server.send(TextMessage.streamed(later(['unread ', 'body'])));
    void server.send('after the unread one');
    void server.send(TextMessage.streamed(later(['collec', 'ted'])));
    const first = await socket.receive();
    assert.ok(!(first instanceof ClientCloseEvent) && !(first instanceof ClientPingEvent));
    assert.equal(first.isStrict, false);
    assert.equal(await socket.receiveText(), 'after the unread one');
    assert.equal(await socket.receiveText(), 'collected');
    await socket.close();
  });

  it('a waiting receiveBinary() skips text and answers pings up to its binary; one waiting at the close fails', async () => {
    const { socket, server } = await inMemorySocket({ autoPong: false });
    const pongs: string[] = [];
    server.onPong((payload) => pongs.push(Buffer.from(payload).toString()));
    const bytes = socket.receiveBinary(); // nothing has arrived: it waits
    void server.send('skipped');
    server.ping('p');
    void server.send(Uint8Array.of(7, 8));
    assert.deepEqual([...(await bytes)], [7, 8]);
    await until(() => pongs.length === 1);
    assert.deepEqual(pongs, ['p']);
    const text = socket.receiveText();
    void server.close(1000, 'bye');
    await assert.rejects(text, (error: unknown) => {
      assert.ok(error instanceof ConnectionClosed);
      assert.equal(error.closeCode, 1000);
      return true;
    });
    await assert.rejects(socket.receive(), ConnectionClosed);
  });

  it('keeps pings in order with messages when auto-pong is off, and fills a bound with both', async () => {
    const { socket, server, ours } = await inMemorySocket({ autoPong: false, bufferCapacity: 4 });
    // Each in its own read: a Ping is seen while its read is parsed, a message after it.
    for (const send of [
      () => server.send('one'),
      () => server.ping('p1'),
      () => server.send('two'),
    ]) {
      void send();
      await settle(() => ours.bytesPushed);
    }
    const kinds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const event = await socket.receive();
      if (event instanceof ClientPingEvent)
        kinds.push(`ping ${Buffer.from(event.payload).toString()}`);
      else if (!(event instanceof ClientCloseEvent))
        kinds.push(event.isText && event.isStrict ? event.text : '?');
    }
    assert.deepEqual(kinds, ['one', 'ping p1', 'two']);
    for (let i = 0; i < 5; i++) server.ping(`p${i}`);
    const outcome = await socket.closed;
    assert.equal(outcome.code, 1008);
    await assert.rejects(socket.receive(), WebSocketBufferFull);
  });
});
