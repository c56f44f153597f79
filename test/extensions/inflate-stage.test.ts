// The inflate stage without sockets: messages reach the sink in wire order whatever is
// compressed, whole when they arrived whole, part by part when they spanned input batches;
// reading pauses when too much waits; failures and the end of the transport.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProtocolError } from '../../src/errors.js';
import { InflateStage } from '../../src/extensions/inflate-stage.js';
import { MessageInflater } from '../../src/extensions/inflater.js';
import { sharedLimiter } from '../../src/extensions/limiter.js';
import type { MessageKind } from '../../src/protocol/events.js';
import { deflateMessage } from './support.js';

type SinkEvent = ['start', MessageKind] | ['data', string, boolean] | ['delivered'];

/** A stage over a recording sink, with the owner's calls recorded too. */
function makeStage(maxMessageBytes = 1 << 20) {
  const events: SinkEvent[] = [];
  const pauses: boolean[] = [];
  const failures: ProtocolError[] = [];
  const inflater = new MessageInflater({
    windowBits: 15,
    noContextTakeover: true,
    contextIdleMs: Infinity,
    maxMessageBytes,
    limiter: sharedLimiter(),
  });
  let wake: (() => void) | undefined;
  const stage = new InflateStage(
    {
      onMessageStart: (kind) => void events.push(['start', kind]),
      onMessageData: (chunk, last) =>
        void events.push(['data', Buffer.from(chunk).toString(), last]),
    },
    inflater,
    {
      delivered: () => {
        events.push(['delivered']);
        wake?.();
      },
      setPaused: (paused) => void pauses.push(paused),
      fail: (error) => {
        failures.push(error);
        wake?.();
      },
    },
  );
  /** Waits until `count` deliveries (or a failure) happened. */
  const deliveries = async (count: number): Promise<void> => {
    const done = () =>
      failures.length > 0 || events.filter((e) => e[0] === 'delivered').length >= count;
    while (!done()) await new Promise<void>((resolve) => (wake = resolve));
  };
  /** Feeds one whole message as one input batch part. */
  const message = (kind: MessageKind, compressed: boolean, ...parts: Uint8Array[]): void => {
    stage.onMessageStart(kind, compressed);
    parts.forEach((part, i) => stage.onMessageData(part, i === parts.length - 1));
  };
  return { stage, events, pauses, failures, deliveries, message };
}

const text = (value: string): Uint8Array => Buffer.from(value);

describe('InflateStage', () => {
  it('passes uncompressed messages straight through when nothing waits', () => {
    const { stage, events, message } = makeStage();
    message('text', false, text('a'), text('b'));
    stage.endBatch();
    assert.deepEqual(events, [
      ['start', 'text'],
      ['data', 'a', false],
      ['data', 'b', true],
    ]);
  });

  it('delivers a compressed message whole, and keeps wire order behind it', async () => {
    const { stage, events, message, deliveries } = makeStage();
    message('text', true, deflateMessage('first'));
    message('binary', false, text('second'));
    message('text', true, deflateMessage('third'));
    stage.endBatch();
    assert.deepEqual(events, []);
    await deliveries(2);
    assert.deepEqual(events, [
      ['start', 'text'],
      ['data', 'first', true],
      ['start', 'binary'],
      ['data', 'second', true],
      ['delivered'],
      ['start', 'text'],
      ['data', 'third', true],
      ['delivered'],
    ]);
  });

  it('streams a compressed message that spans input batches', async () => {
    const { stage, events, message, deliveries } = makeStage();
    const payload = deflateMessage('streamed body');
    stage.onMessageStart('text', true);
    stage.onMessageData(payload.subarray(0, 4), false);
    stage.endBatch();
    assert.deepEqual(events, []); // announced with its first output
    await deliveries(1);
    assert.deepEqual(events[0], ['start', 'text']);
    assert.equal(events[1][0], 'data');
    stage.onMessageData(payload.subarray(4), true);
    stage.endBatch();
    await deliveries(2);
    const body = events
      .filter((e) => e[0] === 'data')
      .map((e) => e[1])
      .join('');
    assert.equal(body, 'streamed body');
    assert.deepEqual(events.filter((e) => e[0] === 'data').at(-1)?.[2], true);
    message('text', false, text('next'));
    stage.endBatch();
    assert.deepEqual(events.slice(-2), [
      ['start', 'text'],
      ['data', 'next', true],
    ]);
  });

  it('pauses reading while 16 messages wait, and resumes once they are delivered', async () => {
    const { stage, pauses, message, deliveries } = makeStage();
    for (let i = 0; i < 16; i++) message('text', true, deflateMessage(`m${i}`));
    stage.endBatch();
    assert.deepEqual(pauses, [true]);
    await deliveries(16);
    assert.deepEqual(pauses, [true, false]);
  });

  it('pauses reading while 64 KiB wait uninflated', () => {
    const { stage, pauses, message } = makeStage();
    message('binary', true, deflateMessage('a'));
    stage.onMessageStart('binary', false);
    stage.onMessageData(new Uint8Array(64 * 1024), false);
    assert.deepEqual(pauses, [true]);
    stage.endBatch();
  });

  it('fails with 1009 past the limit and drops what follows', async () => {
    const { stage, events, failures, message, deliveries } = makeStage(100);
    message('text', true, deflateMessage('x'.repeat(101)));
    message('text', false, text('after'));
    stage.endBatch();
    await deliveries(1);
    assert.equal(failures[0]?.closeCode, 1009);
    assert.deepEqual(events, []);
  });

  it('fails with 1007 on inflated text that is not UTF-8', async () => {
    const { stage, failures, message, deliveries } = makeStage();
    message('text', true, deflateMessage(Buffer.from([0x68, 0xc3, 0x28])));
    stage.endBatch();
    await deliveries(1);
    assert.equal(failures[0]?.closeCode, 1007);
    assert.equal(failures[0]?.code, 'WSFLOW_ERR_INVALID_UTF8');
  });

  it('fails with 1007 on a code point cut by the end of a streamed text', async () => {
    const { stage, failures, deliveries } = makeStage();
    const payload = deflateMessage(Buffer.from([0x61, 0xe2, 0x82]));
    stage.onMessageStart('text', true);
    stage.onMessageData(payload.subarray(0, 2), false);
    stage.endBatch();
    await deliveries(1);
    assert.equal(failures.length, 0);
    stage.onMessageData(payload.subarray(2), true);
    stage.endBatch();
    await deliveries(2);
    assert.equal(failures[0]?.closeCode, 1007);
  });

  it('on abort drops only the message still arriving; finish waits for the complete ones', async () => {
    const { stage, events, message } = makeStage();
    message('text', true, deflateMessage('complete'));
    stage.onMessageStart('text', true);
    stage.onMessageData(deflateMessage('cut short'), false);
    stage.abortOpen();
    let finished = false;
    stage.finish(() => (finished = true));
    assert.equal(finished, false);
    while (!finished) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(events, [['start', 'text'], ['data', 'complete', true], ['delivered']]);
  });

  it('finishes at once when nothing waits', () => {
    const { stage } = makeStage();
    let finished = false;
    stage.finish(() => (finished = true));
    assert.equal(finished, true);
  });
});
