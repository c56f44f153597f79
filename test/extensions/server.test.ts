// permessage-deflate on the server, seen from a raw client on loopback: what the 101 answers,
// which frames carry RSV1, order, limits while inflating, and what fails the connection.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { echo, map, serve } from '../../src/index.js';
import type { Message, WebSocketServer } from '../../src/index.js';
import { RawDeflateClient, deflateMessage, deflateZeros, inflateMessage } from './support.js';

const TEXT = 0x81;
const COMPRESSED_TEXT = 0xc1;
const COMPRESSED_BINARY = 0xc2;

describe('a server with perMessageDeflate', () => {
  let server: WebSocketServer;
  before(async () => {
    server = await serve({ port: 0, flow: echo(), perMessageDeflate: true });
  });
  after(() => server.close());

  it('accepts the first acceptable offer and answers with its parameters', async () => {
    const offer = 'permessage-deflate; foo=1, permessage-deflate; client_max_window_bits=10';
    const client = await RawDeflateClient.open(server.address.port, offer);
    assert.equal(client.extensions, 'permessage-deflate; client_max_window_bits=10');
    client.socket.destroy();
  });

  it('runs without compression when every offer is declined', async () => {
    const client = await RawDeflateClient.open(server.address.port, 'permessage-deflate; x=1');
    assert.equal(client.extensions, '');
    client.send(COMPRESSED_TEXT, deflateMessage('hi'));
    assert.equal(await client.closeCode(), 1002);
  });

  it('compresses echoes of 1 KiB and more; smaller ones go out without RSV1', async () => {
    const client = await RawDeflateClient.open(server.address.port, 'permessage-deflate');
    client.send(TEXT, 'small');
    const small = await client.frame();
    assert.deepEqual([small.rsv1, small.payload.toString()], [false, 'small']);
    const big = 'y'.repeat(1024);
    client.send(TEXT, big);
    const frame = await client.frame();
    assert.equal(frame.rsv1, true);
    assert.ok(frame.payload.length < 100);
    assert.equal(inflateMessage(frame.payload).toString(), big);
    const under = 'z'.repeat(1023);
    client.send(COMPRESSED_TEXT, deflateMessage(under));
    assert.deepEqual(await client.frame(), {
      fin: true,
      rsv1: false,
      opcode: 1,
      payload: Buffer.from(under),
    });
    client.socket.destroy();
  });

  it('keeps wire order across compressed and uncompressed messages', async () => {
    const client = await RawDeflateClient.open(server.address.port, 'permessage-deflate');
    const order = ['one', 'two', 'three', 'four', 'five'];
    client.socket.cork();
    order.forEach((word, i) =>
      i % 2 === 0 ? client.send(COMPRESSED_TEXT, deflateMessage(word)) : client.send(TEXT, word),
    );
    client.socket.uncork();
    for (const word of order) assert.equal((await client.frame()).payload.toString(), word);
    client.socket.destroy();
  });

  it('fails with 1007 on compressed text that is not UTF-8, and on undecodable data', async () => {
    const bad = await RawDeflateClient.open(server.address.port, 'permessage-deflate');
    bad.send(COMPRESSED_TEXT, deflateMessage(Buffer.from([0xc0, 0xaf])));
    assert.equal(await bad.closeCode(), 1007);
    const garbage = await RawDeflateClient.open(server.address.port, 'permessage-deflate');
    garbage.send(COMPRESSED_BINARY, Buffer.from([0xff, 0xfe, 0xfd]));
    assert.equal(await garbage.closeCode(), 1007);
  });

  it('ignores offers when perMessageDeflate is false for the upgrade', async () => {
    const plain = await serve({
      port: 0,
      handler: (upgrade) => void upgrade.handleMessages(echo(), { perMessageDeflate: false }),
      perMessageDeflate: true,
    });
    try {
      const client = await RawDeflateClient.open(plain.address.port, 'permessage-deflate');
      assert.equal(client.extensions, '');
      client.socket.destroy();
    } finally {
      await plain.close();
    }
  });
});

describe('limits and delivery while inflating', () => {
  it('closes with 1009 on a decompression bomb, never holding the inflated message', async () => {
    const received: Message[] = [];
    const server = await serve({
      port: 0,
      flow: map<Message, string>((message) => void received.push(message)),
      perMessageDeflate: true,
      maxMessageBytes: 1 << 20,
    });
    try {
      const bomb = await deflateZeros(100 << 20);
      const client = await RawDeflateClient.open(server.address.port, 'permessage-deflate');
      const before = process.memoryUsage().arrayBuffers;
      client.send(COMPRESSED_BINARY, bomb);
      assert.equal(await client.closeCode(), 1009);
      const grown = process.memoryUsage().arrayBuffers - before;
      assert.ok(grown < 32 << 20, `array buffers grew by ${grown} bytes`);
      assert.equal(received.length, 0);
    } finally {
      await server.close();
    }
  });

  it('delivers a compressed message that arrived just before the Close', async () => {
    let resolve!: (text: string) => void;
    const seen = new Promise<string>((r) => (resolve = r));
    const server = await serve({
      port: 0,
      flow: map<Message, string>(
        (message) => void resolve(message.isText && message.isStrict ? message.text : ''),
      ),
      perMessageDeflate: true,
    });
    try {
      const client = await RawDeflateClient.open(server.address.port, 'permessage-deflate');
      client.socket.cork();
      client.send(COMPRESSED_TEXT, deflateMessage('last words'));
      client.send(0x88, Buffer.from([0x03, 0xe8]));
      client.socket.uncork();
      assert.equal(await seen, 'last words');
      assert.equal(await client.closeCode(), 1000);
    } finally {
      await server.close();
    }
  });

  it('with collecting off, delivers a compressed message that spans input batches as Streamed', async () => {
    const kinds: boolean[] = [];
    let arrived!: () => void;
    const started = new Promise<void>((r) => (arrived = r));
    const server = await serve({
      port: 0,
      flow: async function* (incoming) {
        for await (const message of incoming) {
          kinds.push(message.isStrict);
          arrived();
          if (message.isText) yield (await message.toStrict(5000)).text;
        }
      },
      perMessageDeflate: true,
      aggregateMessageBytes: 0, // a message still arriving at the end of a read streams
    });
    try {
      const client = await RawDeflateClient.open(server.address.port, 'permessage-deflate');
      // Words in no pattern, so that half of the payload surely inflates to something.
      const words = Array.from({ length: 3000 }, (_, i) => ((i * 7919) % 10007).toString(36));
      const text = words.join(' ');
      const payload = deflateMessage(text);
      const half = payload.length >> 1;
      client.send(0x41, payload.subarray(0, half)); // RSV1, text, no FIN
      await started; // delivered with its first inflated output, before its end arrived
      client.send(0x80, payload.subarray(half)); // FIN, continuation
      const echoed = await client.frame();
      assert.equal(inflateMessage(echoed.payload).toString(), text);
      assert.deepEqual(kinds, [false]);
      client.socket.destroy();
    } finally {
      await server.close();
    }
  });
});
