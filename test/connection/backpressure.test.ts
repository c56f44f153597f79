// Tests for backpressure and write coalescing: an undrained Streamed message or unread messages
// stall reading (bytes held stay bounded), sends wait for 'drain', small writes are coalesced.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Connection } from '../../src/connection/connection.js';
import { echo, fromSinkAndSource, map } from '../../src/flow/flow.js';
import { maybe } from '../../src/flow/sources.js';
import type { Message } from '../../src/message/message.js';
import { connectionWithPeer, settle } from '../helpers/connection-setup.js';
import { duplexPair } from '../helpers/duplex-pair.js';

const KiB = 1024;

describe('Connection: backpressure', () => {
  it('an undrained Streamed message stalls reading; the bytes held stay bounded', async () => {
    // Collecting off: the message streams from its first read (the next test bounds the default).
    const { connection, peer, ours } = connectionWithPeer({ aggregateMessageBytes: 0 });
    const held: Message[] = [];
    void connection.runUntilClosed(
      fromSinkAndSource((message: Message) => void held.push(message), maybe<string>().source),
    );
    const chunk = new Uint8Array(64 * KiB);
    peer.protocol.sendBinary(chunk, false);
    for (let i = 0; i < 63; i++) peer.protocol.sendContinuation(chunk, false);
    peer.protocol.sendContinuation(chunk, true);
    peer.flush(); // 4 MiB + 64 KiB offered
    await settle(50);
    assert.equal(held.length, 1);
    assert.ok(ours.bytesPushed < 512 * KiB, `${ours.bytesPushed} bytes reached us`);
    const message = held[0];
    assert.ok(message.isBinary && !message.isStrict);
    const strict = await message.toStrict(10_000);
    assert.equal(strict.data.length, 65 * 64 * KiB, 'reading the body resumes the flow');
  });

  it('a fragmented message is collected up to aggregateMessageBytes, then streams with the same bound', async () => {
    const { connection, peer, ours } = connectionWithPeer({ aggregateMessageBytes: 256 * KiB });
    const held: Message[] = [];
    void connection.runUntilClosed(
      fromSinkAndSource((message: Message) => void held.push(message), maybe<string>().source),
    );
    const chunk = new Uint8Array(64 * KiB).fill(3);
    peer.protocol.sendBinary(chunk, false);
    for (let i = 0; i < 63; i++) peer.protocol.sendContinuation(chunk, false);
    peer.protocol.sendContinuation(chunk, true);
    peer.flush(); // 4 MiB + 64 KiB offered
    await settle(50);
    assert.equal(held.length, 1);
    // What was collected (256 KiB) plus what the Streamed body and the reads hold, as above.
    assert.ok(ours.bytesPushed < (256 + 512) * KiB, `${ours.bytesPushed} bytes reached us`);
    const message = held[0];
    assert.ok(message.isBinary && !message.isStrict);
    const strict = await message.toStrict(10_000);
    assert.equal(strict.data.length, 65 * 64 * KiB, 'reading the body resumes the flow');
    assert.ok(strict.data.every((byte) => byte === 3));
  });

  it('messages the application does not take stall reading; all arrive once read', async () => {
    const { connection, peer, ours } = connectionWithPeer();
    for (let i = 0; i < 20_000; i++) peer.protocol.sendText(`message ${i} `.padEnd(100, '.'));
    peer.flush(); // 2 MiB offered
    await settle(50);
    assert.ok(ours.bytesPushed < 256 * KiB, `${ours.bytesPushed} bytes reached us`);
    let count = 0;
    for await (const message of connection.incoming) {
      assert.ok(message.isText); // Strict, or Streamed when it straddles two reads
      assert.ok((await message.toStrict(1000)).text.startsWith(`message ${count} `));
      if (++count === 20_000) break;
    }
  });

  it('send waits for the transport to drain', async () => {
    const [ours, theirs] = duplexPair();
    theirs.pause(); // the peer reads nothing
    const connection = new Connection(ours, { side: 'server' });
    let sent = false;
    const sending = connection.send(new Uint8Array(1024 * KiB)).then(() => (sent = true));
    await settle();
    assert.equal(ours.writableNeedDrain, true);
    assert.equal(sent, false);
    theirs.resume();
    await sending;
    assert.equal(sent, true);
  });

  it('send settles at once until 8 high-water marks are buffered, then waits', async () => {
    const [ours, theirs] = duplexPair();
    theirs.pause(); // the peer reads nothing
    const connection = new Connection(ours, { side: 'server' });
    const limit = 8 * ours.writableHighWaterMark;
    let settledAtOnce = 0;
    for (;;) {
      let settled = false;
      const sending = connection.send(new Uint8Array(10 * KiB)).then(() => (settled = true));
      await settle(2);
      if (!settled) {
        assert.ok(ours.writableLength >= limit, `${ours.writableLength} buffered`);
        assert.ok(ours.writableLength < limit + 20 * KiB, `${ours.writableLength} buffered`);
        theirs.resume();
        await sending;
        break;
      }
      settledAtOnce++;
      assert.ok(settledAtOnce < 100, 'send never waited');
    }
    assert.ok(settledAtOnce >= 2, `${settledAtOnce}`);
  });

  it('the outgoing stream applies the same backpressure', async () => {
    const [ours, theirs] = duplexPair();
    theirs.pause();
    const connection = new Connection(ours, { side: 'server' });
    const writer = connection.outgoing.getWriter();
    let written = false;
    const writing = writer.write(new Uint8Array(256 * KiB)).then(() => (written = true));
    await settle();
    assert.equal(written, false);
    theirs.resume();
    await writing;
    writer.releaseLock();
  });

  it('map stops reading while the transport needs a drain', async () => {
    const { connection, peer, ours, theirs } = connectionWithPeer();
    void connection.runUntilClosed(echo());
    theirs.pause(); // the peer sends but does not read our echoes
    const small = new Uint8Array(KiB);
    for (let i = 0; i < 2048; i++) peer.protocol.sendBinary(small);
    peer.flush(); // 2 MiB offered
    await settle(50);
    assert.ok(ours.bytesPushed < 256 * KiB, `${ours.bytesPushed} bytes reached us`);
    theirs.resume();
    let echoed = 0;
    while (echoed < 2048) {
      await peer.next('message');
      echoed++;
    }
  });
});

describe('Connection: write coalescing', () => {
  it('replies to one input batch leave in one transport write', async () => {
    const { connection, peer, ours } = connectionWithPeer();
    void connection.runUntilClosed(map((message: Message) => message));
    await settle();
    for (let i = 0; i < 100; i++) peer.protocol.sendText(`m${i}`);
    peer.flush(); // one write: one input batch
    for (let i = 0; i < 100; i++) assert.equal(await peer.nextText(), `m${i}`);
    assert.equal(ours.writeCalls, 1);
  });

  it('a client writes a burst of sends eight messages at a time (writeBatchMessages)', async () => {
    for (const [options, writes] of [
      [{}, 13],
      [{ writeBatchMessages: 25 }, 4],
      [{ writeBatchMessages: Infinity }, 1],
    ] as const) {
      const { connection, peer, ours } = connectionWithPeer({ side: 'client', ...options });
      await settle();
      for (let i = 0; i < 100; i++) void connection.send(`m${i}`);
      for (let i = 0; i < 100; i++) assert.equal(await peer.nextText(), `m${i}`);
      assert.equal(ours.writeCalls, writes, JSON.stringify(options));
    }
  });

  it('sends made in one tick leave in one transport write', async () => {
    const { connection, peer, ours } = connectionWithPeer();
    await settle();
    for (let i = 0; i < 100; i++) void connection.send(`m${i}`);
    for (let i = 0; i < 100; i++) assert.equal(await peer.nextText(), `m${i}`);
    assert.equal(ours.writeCalls, 1);
  });

  it('an async map keeps the order of its replies', async () => {
    const { connection, peer } = connectionWithPeer();
    let n = 0;
    void connection.runUntilClosed(
      map(async (message: Message) => {
        const delay = n++ % 3;
        for (let i = 0; i < delay; i++) await new Promise((resolve) => setImmediate(resolve));
        return message.isText && message.isStrict ? message.text.toUpperCase() : undefined;
      }),
    );
    for (let i = 0; i < 30; i++) peer.text(`m${i}`);
    for (let i = 0; i < 30; i++) assert.equal(await peer.nextText(), `M${i}`);
  });

  it('a map returning undefined sends nothing', async () => {
    const { connection, peer } = connectionWithPeer();
    void connection.runUntilClosed(
      map((message: Message) =>
        message.isText && message.isStrict && message.text === 'reply' ? 'ok' : undefined,
      ),
    );
    peer.text('ignore').text('reply');
    assert.equal(await peer.nextText(), 'ok');
    assert.equal(peer.events.filter((event) => event.type === 'message').length, 0);
  });

  it('echo returns a Streamed message as it streams in', async () => {
    // Collecting off, so the message streams from its first fragment.
    const { connection, peer } = connectionWithPeer({ aggregateMessageBytes: 0 });
    void connection.runUntilClosed(echo());
    peer.protocol.sendText('first ', false);
    peer.flush();
    assert.equal((await peer.next('part')).data.toString(), 'first ');
    peer.protocol.sendContinuation('second', true);
    peer.flush();
    assert.equal((await peer.next('message')).data.toString(), 'first second');
  });
});
