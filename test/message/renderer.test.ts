// Tests for the renderer: Strict messages as one frame, Streamed ones as first frame,
// continuations and an empty final frame, with write backpressure between chunks.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BinaryMessage, TextMessage } from '../../src/message/message.js';
import { renderStreamed, renderStrict } from '../../src/message/renderer.js';
import type { RenderTarget } from '../../src/message/renderer.js';

type Call = [string, string, boolean | undefined];

function recorder(ready?: () => Promise<void> | undefined): RenderTarget & { calls: Call[] } {
  const calls: Call[] = [];
  const show = (data: string | Uint8Array): string =>
    typeof data === 'string' ? data : `<${[...data].join(',')}>`;
  return {
    calls,
    sendText: (data, fin) => void calls.push(['text', show(data), fin]),
    sendBinary: (data, fin) => void calls.push(['binary', show(data), fin]),
    sendContinuation: (data, fin) => void calls.push(['continuation', show(data), fin]),
    sendPing: (data) => void calls.push(['ping', show(data), true]),
    sendPong: (data) => void calls.push(['pong', show(data), true]),
    ready: ready ?? (() => undefined),
  };
}

describe('renderStrict', () => {
  it('sends strings, bytes and Strict messages as one frame', () => {
    const target = recorder();
    assert.equal(renderStrict(target, 'a'), true);
    assert.equal(renderStrict(target, Uint8Array.of(1)), true);
    assert.equal(renderStrict(target, TextMessage.strict('b')), true);
    assert.equal(renderStrict(target, BinaryMessage.strict(Uint8Array.of(2))), true);
    assert.deepEqual(target.calls, [
      ['text', 'a', undefined],
      ['binary', '<1>', undefined],
      ['text', 'b', undefined],
      ['binary', '<2>', undefined],
    ]);
  });

  it('leaves Streamed messages to renderStreamed', () => {
    const target = recorder();
    assert.equal(renderStrict(target, TextMessage.streamed(['x'])), false);
    assert.deepEqual(target.calls, []);
  });

  it('rejects other values with TypeError', () => {
    assert.throws(() => renderStrict(recorder(), 5 as unknown as string), TypeError);
  });
});

describe('renderStreamed', () => {
  it('sends the first chunk, continuations, then an empty final frame', async () => {
    const target = recorder();
    await renderStreamed(target, TextMessage.streamed(['Hello ', '', 'world']));
    assert.deepEqual(target.calls, [
      ['text', 'Hello ', false],
      ['continuation', 'world', false],
      ['continuation', '<>', true],
    ]);
  });

  it('sends an empty stream as one empty frame', async () => {
    const target = recorder();
    await renderStreamed(target, BinaryMessage.streamed([]));
    assert.deepEqual(target.calls, [['binary', '<>', true]]);
  });

  it('sends a Strict message as a one-chunk stream', async () => {
    const target = recorder();
    await renderStreamed(target, BinaryMessage.strict(Uint8Array.of(9)));
    assert.deepEqual(target.calls, [
      ['binary', '<9>', false],
      ['continuation', '<>', true],
    ]);
  });

  it('waits for the target to be ready after each chunk', async () => {
    let release: (() => void) | undefined;
    const target = recorder(() => new Promise<void>((resolve) => (release = resolve)));
    const done = renderStreamed(target, TextMessage.streamed(['a', 'b']));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(target.calls.length, 1, 'the second chunk waits');
    release?.();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(target.calls.length, 2);
    release?.();
    await done;
    assert.equal(target.calls.length, 3);
  });

  it('fails with the source error and cancels nothing more', async () => {
    const failure = new Error('source failed');
    const source = (async function* () {
      yield Uint8Array.of(1);
      throw failure;
    })();
    const target = recorder();
    await assert.rejects(renderStreamed(target, BinaryMessage.streamed(source)), failure);
    assert.deepEqual(target.calls, [['binary', '<1>', false]]);
  });

  it('rejects non-Uint8Array chunks in a binary stream', async () => {
    const message = BinaryMessage.streamed(['text' as unknown as Uint8Array]);
    await assert.rejects(renderStreamed(recorder(), message), TypeError);
  });
});
