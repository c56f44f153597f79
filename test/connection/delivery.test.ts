// Tests for the one delivery path: onMessage/onEnd on Connection (a listener's promise holds the
// next message; the end comes after the last one), and the flows built on it (async generators
// and fromSinkAndSource with a function sink), which run without WHATWG streams.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Connection } from '../../src/connection/connection.js';
import { ConnectionClosed, InvalidStateError, ProtocolError } from '../../src/errors.js';
import { fromSinkAndSource, map } from '../../src/flow/flow.js';
import type { Message } from '../../src/message/message.js';
import { connectionWithPeer, settle } from '../helpers/connection-setup.js';
import { duplexPair } from '../helpers/duplex-pair.js';
import { peerFrame } from '../helpers/peer-frames.js';
import { chunkings } from '../helpers/split-feed.js';

const textOf = (message: Message): string =>
  message.isText && message.isStrict ? message.text : '?';

/** Three texts and a Close (1000), as a client puts them on the wire. */
const INPUT = Buffer.concat([
  peerFrame('server', 0x81, 'a'),
  peerFrame('server', 0x81, 'b'),
  peerFrame('server', 0x81, 'c'),
  peerFrame('server', 0x88, Uint8Array.of(0x03, 0xe8)),
]);

/** Feeds `chunks` to a fresh server connection; resolves with what its listeners saw, in order. */
async function deliveryOf(chunks: Uint8Array[], holdEach: boolean): Promise<string[]> {
  const [ours, theirs] = duplexPair();
  const connection = new Connection(ours, { side: 'server' });
  const seen: string[] = [];
  connection.onMessage((message) => {
    seen.push(textOf(message));
    // A hold that settles on a later turn: the end must still wait for it.
    if (holdEach) return new Promise((resolve) => setImmediate(resolve));
    return undefined;
  });
  const ended = new Promise<void>((resolve) =>
    connection.onEnd((error) => {
      seen.push(error === undefined ? 'end' : `end ${String(error)}`);
      resolve();
    }),
  );
  theirs.on('data', () => undefined);
  for (const chunk of chunks) theirs.write(chunk);
  await ended;
  return seen;
}

describe('Connection.onMessage and onEnd', () => {
  it('the end comes after the last message, on every split of the input', async () => {
    for (const holdEach of [false, true]) {
      // Fresh copies each time: the parser unmasks in place.
      for (const { name, chunks } of chunkings(INPUT)) {
        const seen = await deliveryOf(chunks, holdEach);
        assert.deepEqual(seen, ['a', 'b', 'c', 'end'], `${name}, hold ${holdEach}`);
      }
    }
  });

  it('a listener that never resolves holds reading: what the peer gets in stays bounded', async () => {
    const { connection, ours, theirs } = connectionWithPeer();
    let delivered = 0;
    connection.onMessage(() => {
      delivered++;
      return new Promise(() => undefined);
    });
    const frame = peerFrame('server', 0x82, new Uint8Array(1024));
    const total = 2000;
    for (let i = 0; i < total; i++) theirs.write(frame);
    await settle(50);
    assert.equal(delivered, 1);
    // 16 waiting messages, the readable buffer and one pushed segment at most: far below the total.
    assert.ok(ours.bytesPushed < 200 * 1024, `${ours.bytesPushed} bytes were taken in`);
    assert.ok(ours.bytesPushed < (total * frame.length) / 5);
    connection.terminate();
  });

  it('a listener that throws closes with 1011 and drops the later messages', async () => {
    const { connection, peer } = connectionWithPeer();
    const seen: string[] = [];
    connection.onMessage((message) => {
      seen.push(textOf(message));
      throw new Error('boom');
    });
    peer.text('a').text('b');
    const close = await peer.next('close');
    assert.deepEqual([close.code, close.reason], [1011, 'internal error']);
    assert.deepEqual(seen, ['a']);
  });

  it('onEnd gets the ConnectionClosed of an unclean end, with its cause', async () => {
    const { connection, peer } = connectionWithPeer();
    connection.onMessage(() => undefined);
    const ended = new Promise<unknown>((resolve) => connection.onEnd(resolve));
    peer.socket.write(peerFrame('server', 0x83, 'x')); // a reserved opcode: 1002
    const error = await ended;
    assert.ok(error instanceof ConnectionClosed);
    assert.ok(error.cause instanceof ProtocolError);
    assert.equal(error.cause.closeCode, 1002);
  });

  it('is the one consumer: after runUntilClosed() or runDetached(), onMessage throws', () => {
    const { connection } = connectionWithPeer();
    connection.runDetached(map((m: Message) => m));
    assert.throws(() => connection.onMessage(() => undefined), InvalidStateError);
    connection.terminate();
  });
});

describe('async generator flows', () => {
  it('one that throws closes with 1011 after its replies', async () => {
    const { connection, peer } = connectionWithPeer();
    connection.runDetached(async function* (incoming) {
      for await (const message of incoming) {
        yield `got ${textOf(message)}`;
        throw new Error('boom');
      }
    });
    peer.text('a');
    assert.equal(await peer.nextText(), 'got a');
    const close = await peer.next('close');
    assert.deepEqual([close.code, close.reason], [1011, 'internal error']);
  });

  it('one that returns closes with 1000 after its replies', async () => {
    const { connection, peer } = connectionWithPeer();
    connection.runDetached(async function* (incoming) {
      for await (const message of incoming) {
        yield `got ${textOf(message)}`;
        return;
      }
    });
    peer.text('a');
    assert.equal(await peer.nextText(), 'got a');
    assert.equal((await peer.next('close')).code, 1000);
    assert.equal((await connection.closed).code, 1000);
  });

  it('replies produced in one turn leave in one write', async () => {
    const { connection, peer, ours } = connectionWithPeer();
    connection.runDetached(async function* (incoming) {
      for await (const message of incoming) yield message;
    });
    await settle();
    for (let i = 0; i < 10; i++) peer.protocol.sendText(`m${i}`);
    peer.flush(); // one write: one input batch
    for (let i = 0; i < 10; i++) assert.equal(await peer.nextText(), `m${i}`);
    assert.equal(ours.writeCalls, 1);
    connection.terminate();
  });

  it('reads the end as the end of its for-await loop', async () => {
    const { connection, peer } = connectionWithPeer();
    const seen: string[] = [];
    connection.runDetached(async function* (incoming) {
      for await (const message of incoming) seen.push(textOf(message));
      seen.push('end');
      yield* [];
    });
    peer.text('a').text('b').close(1000);
    await connection.closed;
    await settle();
    assert.deepEqual(seen, ['a', 'b', 'end']);
  });
});

describe('fromSinkAndSource with a function sink', () => {
  it('feeds the sink from delivery, holds on its promise and sends the source', async () => {
    const { connection, peer } = connectionWithPeer();
    const seen: string[] = [];
    let sinkDone: () => void = () => undefined;
    const twoSeen = new Promise<void>((resolve) => (sinkDone = resolve));
    let holding = 0;
    connection.runDetached(
      fromSinkAndSource(
        async (message: Message) => {
          assert.equal(holding++, 0, 'the next message waited for the promise');
          seen.push(textOf(message));
          await new Promise((resolve) => setImmediate(resolve));
          holding--;
          if (seen.length === 2) sinkDone();
        },
        (async function* () {
          yield 'hello';
          await twoSeen;
          yield 'world';
        })(),
      ),
    );
    assert.equal(await peer.nextText(), 'hello');
    peer.text('a').text('b');
    assert.equal(await peer.nextText(), 'world');
    assert.equal((await peer.next('close')).code, 1000);
    await connection.closed;
    assert.deepEqual(seen, ['a', 'b']);
  });

  it('a sink that throws closes with 1011', async () => {
    const { connection, peer } = connectionWithPeer();
    connection.runDetached(
      fromSinkAndSource(
        () => {
          throw new Error('boom');
        },
        (async function* () {
          await new Promise(() => undefined);
          yield 'never';
        })(),
      ),
    );
    peer.text('a');
    const close = await peer.next('close');
    assert.deepEqual([close.code, close.reason], [1011, 'internal error']);
  });
});
