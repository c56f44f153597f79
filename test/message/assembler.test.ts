// Tests for the assembler: frame parts → Strict or Streamed messages (collected up to
// aggregateMessageBytes), code points split across parts, backpressure of Streamed bodies,
// cancellation and truncation.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageAssembler } from '../../src/message/assembler.js';
import type { Message } from '../../src/message/message.js';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const EMPTY_PART = new Uint8Array(0);

function setup(streamHighWaterMark?: number, aggregateMessageBytes?: number) {
  const delivered: Message[] = [];
  const calls: string[] = [];
  const assembler = new MessageAssembler(
    {
      deliver: (message) => delivered.push(message),
      pauseReading: () => calls.push('pause'),
      resumeReading: () => calls.push('resume'),
    },
    { streamHighWaterMark, aggregateMessageBytes },
  );
  return { assembler, delivered, calls };
}

/** Collecting off (aggregateMessageBytes 0): for tests about Streamed bodies. */
const streaming = (streamHighWaterMark?: number) => setup(streamHighWaterMark, 0);

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('MessageAssembler', () => {
  it('a one-part message is delivered Strict at once', () => {
    const { assembler, delivered } = setup();
    assembler.onMessageStart('text', false);
    assembler.onMessageData(utf8('Hello'), true);
    assert.equal(delivered.length, 1);
    const [message] = delivered;
    assert.ok(message.isText && message.isStrict);
    assert.equal(message.text, 'Hello');
  });

  it('a message of known size is collected Strict when its start ends a batch', () => {
    const { assembler, delivered } = setup();
    assembler.onMessageStart('text', false, 4);
    assembler.endBatch(); // the frame header arrived alone
    assert.equal(delivered.length, 0);
    assembler.onMessageData(utf8('ab'), false);
    assembler.endBatch();
    assert.equal(delivered.length, 0);
    assembler.onMessageData(utf8('cd'), true);
    assembler.endBatch();
    assert.equal(delivered.length, 1);
    assert.ok(delivered[0].isText && delivered[0].isStrict);
    assert.equal(delivered[0].text, 'abcd');
  });

  it('an empty message is a Strict empty message', () => {
    const { assembler, delivered } = setup();
    assembler.onMessageStart('binary', false);
    assembler.onMessageData(new Uint8Array(0), true);
    assert.ok(delivered[0].isBinary && delivered[0].isStrict && delivered[0].data.length === 0);
  });

  it('parts within one batch are concatenated into a Strict message', () => {
    const { assembler, delivered } = setup();
    assembler.onMessageStart('binary', false);
    assembler.onMessageData(Uint8Array.of(1, 2), false);
    assembler.onMessageData(Uint8Array.of(3), false);
    assembler.onMessageData(Uint8Array.of(4), true);
    assembler.endBatch();
    assert.equal(delivered.length, 1);
    assert.ok(delivered[0].isBinary && delivered[0].isStrict);
    assert.deepEqual([...delivered[0].data], [1, 2, 3, 4]);
  });

  it('a code point split across frames of a Strict message decodes whole', () => {
    const { assembler, delivered } = setup();
    const euro = utf8('€'); // e2 82 ac
    assembler.onMessageStart('text', false);
    assembler.onMessageData(Buffer.concat([utf8('a'), euro.subarray(0, 1)]), false);
    assembler.onMessageData(euro.subarray(1), true);
    assert.ok(delivered[0].isText && delivered[0].isStrict);
    assert.equal(delivered[0].text, 'a€');
  });

  it('a one-frame message within the bound is collected across batches and delivered Strict', () => {
    const { assembler, delivered, calls } = setup(undefined, 8);
    const euro = utf8('€'); // e2 82 ac
    assembler.onMessageStart('text', false, 5);
    assembler.onMessageData(Buffer.concat([utf8('ab'), euro.subarray(0, 1)]), false);
    assembler.endBatch();
    assembler.onMessageData(euro.subarray(1, 2), false);
    assembler.endBatch();
    assert.equal(delivered.length, 0);
    assembler.onMessageData(euro.subarray(2), true);
    assembler.endBatch();
    assert.equal(delivered.length, 1);
    assert.ok(delivered[0].isText && delivered[0].isStrict);
    assert.equal(delivered[0].text, 'ab€');
    assert.deepEqual(calls, []);
  });

  it('a collected message owns its bytes: the parts may be reused afterwards', () => {
    const { assembler, delivered } = setup();
    const input = Uint8Array.of(1, 2, 3, 4);
    assembler.onMessageStart('binary', false, 4);
    assembler.onMessageData(input.subarray(0, 2), false);
    assembler.endBatch();
    assembler.onMessageData(input.subarray(2), true);
    input.fill(0);
    assert.ok(delivered[0].isBinary && delivered[0].isStrict);
    assert.deepEqual([...delivered[0].data], [1, 2, 3, 4]);
  });

  it('a one-frame message over the bound, or a fragmented one past it, is Streamed', async () => {
    const { assembler, delivered } = setup(undefined, 3);
    assembler.onMessageStart('binary', false, 4); // over the bound of 3
    assembler.onMessageData(Uint8Array.of(1, 2), false);
    assembler.endBatch();
    assert.equal(delivered.length, 1);
    assert.ok(delivered[0].isBinary && !delivered[0].isStrict);
    assembler.onMessageData(Uint8Array.of(3, 4), true);
    assert.deepEqual([...(await delivered[0].toStrict(1000)).data], [1, 2, 3, 4]);
    assembler.onMessageStart('binary', false); // continuations follow: length unknown
    assembler.onMessageData(Uint8Array.of(5, 6), false);
    assembler.endBatch();
    assert.equal(delivered.length, 1, 'within the bound: collected');
    assembler.onMessageData(Uint8Array.of(7, 8), false);
    assembler.endBatch();
    assert.equal(delivered.length, 2, 'past the bound at the end of a batch: Streamed');
    assert.ok(delivered[1].isBinary && !delivered[1].isStrict);
    const reader = delivered[1].dataStream.getReader();
    assert.deepEqual([...((await reader.read()).value ?? [])], [5, 6], 'what was collected first');
    assert.deepEqual([...((await reader.read()).value ?? [])], [7, 8]);
    assembler.onMessageData(Uint8Array.of(9), true);
    assert.deepEqual([...((await reader.read()).value ?? [])], [9]);
    assert.equal((await reader.read()).done, true);
  });

  it('a fragmented message within the bound is collected across batches and delivered Strict', () => {
    const { assembler, delivered, calls } = setup(undefined, 8);
    const euro = utf8('€'); // e2 82 ac
    assembler.onMessageStart('text', false);
    assembler.onMessageData(Buffer.concat([utf8('ab'), euro.subarray(0, 1)]), false);
    assembler.endBatch();
    assembler.onMessageData(euro.subarray(1, 2), false);
    assembler.onMessageData(EMPTY_PART, false);
    assembler.endBatch();
    assembler.endBatch(); // a batch with nothing of it
    assert.equal(delivered.length, 0);
    assembler.onMessageData(euro.subarray(2), false);
    assembler.onMessageData(utf8('cd'), true);
    assert.equal(delivered.length, 1);
    assert.ok(delivered[0].isText && delivered[0].isStrict);
    assert.equal(delivered[0].text, 'ab€cd');
    assert.deepEqual(calls, []);
  });

  it('a fragmented message exactly at the bound is Strict; one byte more streams', async () => {
    for (const extra of [0, 1]) {
      const { assembler, delivered } = setup(undefined, 4);
      assembler.onMessageStart('binary', false);
      assembler.onMessageData(Uint8Array.of(1, 2), false);
      assembler.endBatch();
      assembler.onMessageData(Uint8Array.of(3, 4), false);
      if (extra > 0) assembler.onMessageData(Uint8Array.of(5), false);
      assembler.endBatch();
      assert.equal(delivered.length, extra, `extra ${extra}`);
      assembler.onMessageData(new Uint8Array(0), true);
      assert.equal(delivered.length, 1);
      const message = delivered[0];
      assert.ok(message.isBinary);
      assert.equal(message.isStrict, extra === 0);
      assert.equal((await message.toStrict(1000)).data.length, 4 + extra);
    }
  });

  it('a fragmented message ending in the batch that passes the bound is Strict', () => {
    const { assembler, delivered } = setup(undefined, 2);
    assembler.onMessageStart('binary', false);
    assembler.onMessageData(Uint8Array.of(1), false);
    assembler.endBatch();
    assembler.onMessageData(Uint8Array.of(2, 3), false);
    assembler.onMessageData(Uint8Array.of(4), true);
    assert.ok(delivered[0].isBinary && delivered[0].isStrict);
    assert.deepEqual([...delivered[0].data], [1, 2, 3, 4]);
  });

  it('a fragmented message collected across batches owns its bytes: the input may be reused', () => {
    const { assembler, delivered } = setup();
    const input = Uint8Array.of(1, 2, 3, 4, 5, 6);
    assembler.onMessageStart('binary', false);
    assembler.onMessageData(input.subarray(0, 2), false);
    assembler.endBatch();
    input.fill(0, 0, 2);
    assembler.onMessageData(input.subarray(2, 4), false);
    assembler.endBatch();
    input.fill(0, 2, 4);
    assembler.onMessageData(input.subarray(4), true);
    assert.ok(delivered[0].isBinary && delivered[0].isStrict);
    assert.deepEqual([...delivered[0].data], [1, 2, 3, 4, 5, 6]);
  });

  it('aggregateMessageBytes 0 turns collecting off', () => {
    const { assembler, delivered } = streaming();
    assembler.onMessageStart('binary', false, 2);
    assembler.onMessageData(Uint8Array.of(1), false);
    assembler.endBatch();
    assert.ok(delivered[0].isBinary && !delivered[0].isStrict);
    assembler.onMessageData(Uint8Array.of(2), true);
    assembler.onMessageStart('text', false);
    assembler.endBatch(); // a fragmented message streams even before its first byte
    assert.ok(delivered[1].isText && !delivered[1].isStrict);
    assembler.onMessageData(utf8('late'), true);
  });

  it('a message open at the end of a batch is Streamed, with the parts so far', async () => {
    const { assembler, delivered } = streaming();
    assembler.onMessageStart('text', false);
    assembler.onMessageData(utf8('Hello '), false);
    assembler.endBatch();
    assert.equal(delivered.length, 1);
    const message = delivered[0];
    assert.ok(message.isText && !message.isStrict);
    const reader = message.textStream.getReader();
    assert.deepEqual(await reader.read(), { done: false, value: 'Hello ' });
    assembler.onMessageData(utf8('world'), true);
    assembler.endBatch();
    assert.deepEqual(await reader.read(), { done: false, value: 'world' });
    assert.deepEqual(await reader.read(), { done: true, value: undefined });
    assert.equal(delivered.length, 1);
  });

  it('a code point split across batches of a Streamed message decodes whole', async () => {
    const { assembler, delivered } = streaming();
    const snowman = utf8('☃'); // e2 98 83
    assembler.onMessageStart('text', false);
    assembler.onMessageData(snowman.subarray(0, 2), false);
    assembler.endBatch();
    assembler.onMessageData(snowman.subarray(2), true);
    const message = delivered[0];
    assert.ok(message.isText);
    assert.equal((await message.toStrict(1000)).text, '☃');
  });

  it('a Streamed body that is not read pauses reading once full, and resumes when read', async () => {
    const { assembler, delivered, calls } = streaming(8);
    assembler.onMessageStart('binary', false);
    assembler.onMessageData(new Uint8Array(4), false);
    assembler.endBatch();
    assert.deepEqual(calls, []);
    assembler.onMessageData(new Uint8Array(4), false);
    assert.deepEqual(calls, ['pause']);
    assembler.onMessageData(new Uint8Array(4), false); // what was already read still arrives
    assert.deepEqual(calls, ['pause']);
    const message = delivered[0];
    assert.ok(message.isBinary);
    const reader = message.dataStream.getReader();
    await reader.read();
    await reader.read();
    await tick();
    assert.deepEqual(calls, ['pause', 'resume']);
  });

  it('a body that ends while full stays paused until drained, then ends', async () => {
    const { assembler, delivered, calls } = streaming(4);
    assembler.onMessageStart('binary', false);
    assembler.onMessageData(new Uint8Array(4), false);
    assembler.endBatch();
    assembler.onMessageData(new Uint8Array(4), true);
    assert.deepEqual(calls, ['pause']);
    assert.ok(delivered[0].isBinary);
    const strict = await delivered[0].toStrict(1000);
    assert.equal(strict.data.length, 8);
    assert.deepEqual(calls, ['pause', 'resume']);
  });

  it('a cancelled body skips its remaining parts and releases reading', async () => {
    const { assembler, delivered, calls } = streaming(4);
    assembler.onMessageStart('binary', false);
    assembler.onMessageData(new Uint8Array(8), false);
    assembler.endBatch();
    assert.deepEqual(calls, ['pause']);
    assert.ok(delivered[0].isBinary);
    await delivered[0].dataStream.cancel();
    assert.deepEqual(calls, ['pause', 'resume']);
    assembler.onMessageData(new Uint8Array(100), false);
    assembler.onMessageData(new Uint8Array(100), true);
    assembler.onMessageStart('text', false);
    assembler.onMessageData(utf8('next'), true);
    assert.equal(delivered.length, 2);
    assert.ok(delivered[1].isText && delivered[1].isStrict && delivered[1].text === 'next');
    assert.deepEqual(calls, ['pause', 'resume']);
  });

  it('abort errors a Streamed body cut short ("truncated message") and releases reading', async () => {
    const { assembler, delivered, calls } = streaming(4);
    assembler.onMessageStart('text', false);
    assembler.onMessageData(utf8('Hello world'), false);
    assembler.endBatch();
    const failure = new Error('truncated message');
    assembler.abort(() => failure);
    assert.deepEqual(calls, ['pause', 'resume']);
    assert.ok(delivered[0].isText);
    await assert.rejects(delivered[0].toStrict(1000), failure);
  });

  it('abort drops a message not yet delivered', () => {
    const { assembler, delivered } = setup();
    assembler.onMessageStart('text', false);
    assembler.onMessageData(utf8('part'), false);
    assembler.abort(() => new Error('gone'));
    assembler.endBatch();
    assert.equal(delivered.length, 0);
  });
});
