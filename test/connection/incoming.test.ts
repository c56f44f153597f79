// Tests for the incoming queue: listener and stream delivery, the bound that pauses reading,
// ending after the waiting messages, and discarding once cancelled.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IncomingQueue } from '../../src/connection/incoming.js';
import { TextMessage } from '../../src/message/message.js';
import type { Message } from '../../src/message/message.js';

const text = (message: Message | undefined): string =>
  message?.isText && message.isStrict ? message.text : '<not text>';

function setup(highWaterMark = 2) {
  const pauses: boolean[] = [];
  const queue = new IncomingQueue(
    { setIncomingPaused: (paused) => pauses.push(paused) },
    highWaterMark,
  );
  return { queue, pauses };
}

describe('IncomingQueue', () => {
  it('queues until the stream is read, pausing at the high-water mark', async () => {
    const { queue, pauses } = setup(2);
    queue.push(TextMessage.strict('a'));
    assert.deepEqual(pauses, []);
    queue.push(TextMessage.strict('b'));
    assert.deepEqual(pauses, [true]);
    const reader = queue.stream.getReader();
    assert.equal(text((await reader.read()).value), 'a');
    assert.deepEqual(pauses, [true, false]);
    assert.equal(text((await reader.read()).value), 'b');
  });

  it('hands messages to a waiting reader directly', async () => {
    const { queue } = setup();
    const reader = queue.stream.getReader();
    const pending = reader.read();
    queue.push(TextMessage.strict('now'));
    assert.equal(text((await pending).value), 'now');
  });

  it('a listener gets the waiting messages first, then every new one, never pausing', () => {
    const { queue, pauses } = setup(2);
    queue.push(TextMessage.strict('a'));
    queue.push(TextMessage.strict('b'));
    const seen: string[] = [];
    queue.setListener({ onMessage: (message) => seen.push(text(message)) });
    queue.push(TextMessage.strict('c'));
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.deepEqual(pauses, [true, false]);
    assert.equal(queue.consumed, true);
  });

  it('an error ends the stream only after the waiting messages', async () => {
    const { queue } = setup(10);
    queue.push(TextMessage.strict('last'));
    const failure = new Error('closed');
    queue.end(failure);
    const reader = queue.stream.getReader();
    assert.equal(text((await reader.read()).value), 'last');
    await assert.rejects(reader.read(), failure);
  });

  it('a clean end closes the stream, even one made later', async () => {
    const { queue } = setup();
    queue.end();
    assert.deepEqual(await queue.stream.getReader().read(), { done: true, value: undefined });
  });

  it('cancelling the stream drops waiting and later messages and resumes reading', async () => {
    const { queue, pauses } = setup(1);
    let cancelled = false;
    const body = new ReadableStream<string>({ cancel: () => void (cancelled = true) });
    queue.push(TextMessage.strict('dropped'));
    assert.deepEqual(pauses, [true]);
    await queue.stream.cancel();
    assert.deepEqual(pauses, [true, false]);
    queue.push(TextMessage.streamed(body));
    assert.equal(cancelled, true, 'a Streamed body is cancelled so its parts are skipped');
  });
});
