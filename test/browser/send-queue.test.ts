// The browser client's send queue: order, both bounds, the three overflow policies, UTF-8 sizes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SendQueueFullError } from '../../src/browser/index.js';
import { SendQueue, byteLengthOf } from '../../src/browser/send-queue.js';
import { ErrorCode } from '../../src/index.js';

function drain(queue: SendQueue): unknown[] {
  const out: unknown[] = [];
  for (let data = queue.shift(); data !== undefined; data = queue.shift()) out.push(data);
  return out;
}

describe('SendQueue', () => {
  it('gives back what it kept, in order, and counts it', () => {
    const queue = new SendQueue();
    for (let i = 0; i < 200; i++) queue.push(`m${i}`);
    assert.equal(queue.length, 200);
    assert.equal(queue.bytes, 10 * 2 + 90 * 3 + 100 * 4);
    for (let i = 0; i < 100; i++) assert.equal(queue.shift(), `m${i}`);
    queue.push('last');
    assert.deepEqual(drain(queue), [
      ...Array.from({ length: 100 }, (_, i) => `m${i + 100}`),
      'last',
    ]);
    assert.equal(queue.bytes, 0);
  });

  it("'throw' at the message bound: a SendQueueFullError, the queue unchanged", () => {
    const queue = new SendQueue({ maxMessages: 2 });
    queue.push('a');
    queue.push('b');
    assert.throws(
      () => queue.push('c'),
      (error: unknown) =>
        error instanceof SendQueueFullError && error.code === ErrorCode.SendQueueFull,
    );
    assert.deepEqual(drain(queue), ['a', 'b']);
  });

  it("'drop-oldest' at the byte bound drops from the front until the new one fits", () => {
    const queue = new SendQueue({ maxBytes: 10, overflow: 'drop-oldest' });
    queue.push('aaaa');
    queue.push('bbbb');
    assert.equal(queue.push('cccccc'), true);
    assert.deepEqual(drain(queue), ['bbbb', 'cccccc']);
  });

  it("'drop-newest' keeps the queue and reports the new one dropped", () => {
    const queue = new SendQueue({ maxMessages: 1, overflow: 'drop-newest' });
    assert.equal(queue.push('a'), true);
    assert.equal(queue.push('b'), false);
    assert.deepEqual(drain(queue), ['a']);
  });

  it('a message over maxBytes alone throws under throw, and is dropped (alone) otherwise', () => {
    assert.throws(() => new SendQueue({ maxBytes: 3 }).push('four'), /never fits/);
    const queue = new SendQueue({ maxBytes: 3, overflow: 'drop-oldest' });
    queue.push('abc');
    assert.equal(queue.push('four'), false);
    assert.deepEqual(drain(queue), ['abc']);
  });

  it('refuses negative bounds and unknown policies', () => {
    assert.throws(() => new SendQueue({ maxBytes: -1 }), RangeError);
    assert.throws(() => new SendQueue({ overflow: 'drop-all' as 'throw' }), RangeError);
  });
});

describe('byteLengthOf', () => {
  it('counts text as UTF-8, as the wire carries it', () => {
    for (const text of ['', 'ascii', 'é', '€uro', '😀', 'a\ud800b', '\udc00', '\ud83d']) {
      assert.equal(byteLengthOf(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
    }
  });

  it('counts buffers, views and blobs by their bytes', () => {
    assert.equal(byteLengthOf(new ArrayBuffer(7)), 7);
    assert.equal(byteLengthOf(new Uint16Array(4)), 8);
    assert.equal(byteLengthOf(new DataView(new ArrayBuffer(9), 2)), 7);
    assert.equal(byteLengthOf(new Blob(['abc', new Uint8Array(2)])), 5);
  });
});
