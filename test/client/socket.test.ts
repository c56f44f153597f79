// The high-level socket (seed 002, sttp): fragments sent by hand, pings with and without
// auto-pong, the bounded buffer, iteration and the close event against every peer; then
// backpressure without a bound, over an in-memory transport.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ConnectionClosed,
  ProtocolError,
  TextMessage,
  WebSocket,
  WebSocketBufferFull,
  WebSocketClose,
  WebSocketPing,
  openWebSocket,
} from '../../src/index.js';
import { requestUpgrade } from '../../src/client/connect.js';
import { resolveRequest } from '../../src/client/request.js';
import { duplexPair } from '../helpers/duplex-pair.js';
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
      assert.ok(ping instanceof WebSocketPing);
      assert.equal(Buffer.from(ping.payload).toString(), 'are you there');
      socket.pong(ping.payload);
      const answer = await socket.receive();
      assert.ok(!(answer instanceof WebSocketPing) && !(answer instanceof WebSocketClose));
      assert.equal(answer.isText && answer.text, 'pong: are you there');
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
        texts.push(message.isText ? message.text : '<binary>');
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
      assert.ok(event instanceof WebSocketClose);
      assert.deepEqual([event.code, event.reason, event.closedBy], [1000, 'received 1', 'remote']);
      assert.equal(socket.isOpen, false);
      await assert.rejects(socket.receive(), ConnectionClosed);
      await assert.rejects(socket.receiveText(), ConnectionClosed);
    });
  });
}

describe('openWebSocket over an in-memory transport', () => {
  it('backpressures the server instead of buffering when no bound is set', async () => {
    const [ours, theirs] = duplexPair();
    const accepted = acceptOn(theirs);
    let socket: WebSocket | undefined;
    await requestUpgrade(
      resolveRequest('ws://in-memory.test/'),
      {},
      {
        transport: ours,
        onConnection: (connection, response) => (socket = new WebSocket(connection, response)),
      },
    );
    const server = (await accepted).connection;
    assert.ok(server !== undefined && socket !== undefined);
    const total = 200;
    const payload = 'x'.repeat(4096);
    let sent = 0;
    const sending = (async () => {
      for (let i = 0; i < total; i++) {
        await server.send(`${i} ${payload}`);
        sent = i + 1;
      }
    })();
    // Nothing is received yet: the server must stall far short of the total.
    await until(() => sent > 0);
    let stable = 0;
    for (let last = -1; stable < 50; last = sent) {
      stable = sent === last ? stable + 1 : 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(sent < 40, `the server sent ${sent} messages before stalling`);
    assert.ok(ours.bytesPushed < 40 * 4096, `${ours.bytesPushed} bytes reached the client`);
    for (let i = 0; i < total; i++) {
      assert.equal((await socket.receiveText()).split(' ')[0], String(i));
    }
    await sending;
    await socket.close();
  });
});
