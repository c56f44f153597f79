// Tests for the outgoing sources: maybe (Akka's Source.maybe), ticker on a manual clock, concat.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/time/clock.js';
import { concat, maybe, ticker } from '../../src/flow/sources.js';

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('maybe', () => {
  it('emits nothing until completed, then the value if one is given', async () => {
    const { source, complete } = maybe<string>();
    const all = readAll(source);
    let settled = false;
    void all.then(() => (settled = true));
    await tick();
    assert.equal(settled, false);
    complete('last');
    complete('ignored');
    assert.deepEqual(await all, ['last']);
  });

  it('completes empty, or fails', async () => {
    const empty = maybe<number>();
    empty.complete();
    assert.deepEqual(await readAll(empty.source), []);
    const failing = maybe<number>();
    const failure = new Error('failed');
    failing.fail(failure);
    await assert.rejects(readAll(failing.source), failure);
  });
});

describe('ticker', () => {
  it('emits on each interval and clears its timer when cancelled', async () => {
    const clock = new ManualClock();
    const stream = ticker(1000, (n) => `tick ${n}`, { clock });
    const reader = stream.getReader();
    const first = reader.read();
    clock.advance(999);
    clock.advance(1);
    assert.deepEqual(await first, { done: false, value: 'tick 0' });
    clock.advance(1000);
    assert.deepEqual(await reader.read(), { done: false, value: 'tick 1' });
    await reader.cancel();
    assert.equal(clock.pendingTimers, 0);
  });

  it('drops ticks while the reader is not ready', async () => {
    const clock = new ManualClock();
    const reader = ticker(10, (n) => n, { clock }).getReader();
    clock.advance(50); // tick 0 is queued (high-water mark 1), four are dropped
    assert.deepEqual(await reader.read(), { done: false, value: 0 });
    clock.advance(10);
    assert.deepEqual(await reader.read(), { done: false, value: 1 });
    await reader.cancel();
  });

  it('errors when makeValue throws, and stops', async () => {
    const clock = new ManualClock();
    const failure = new Error('bad tick');
    const reader = ticker(
      10,
      () => {
        throw failure;
      },
      { clock },
    ).getReader();
    clock.advance(10);
    await assert.rejects(reader.read(), failure);
    assert.equal(clock.pendingTimers, 0);
  });

  it('rejects a non-positive interval', () => {
    assert.throws(() => ticker(0, () => 1), RangeError);
  });
});

describe('concat', () => {
  it('reads each source in turn', async () => {
    const tail = maybe<string>();
    const stream = concat(['a', 'b'], tail.source);
    const reader = stream.getReader();
    assert.deepEqual(await reader.read(), { done: false, value: 'a' });
    assert.deepEqual(await reader.read(), { done: false, value: 'b' });
    const third = reader.read();
    tail.complete('c');
    assert.deepEqual(await third, { done: false, value: 'c' });
    assert.deepEqual(await reader.read(), { done: true, value: undefined });
  });
});
