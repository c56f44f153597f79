// Tests for flows: map (sync, async, nothing), echo, reuse, generator flows, disconnected flows
// and ignore.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectFlow, echo, fromSinkAndSource, ignore, map, MapFlow } from '../../src/flow/flow.js';
import { BinaryMessage, TextMessage, discardMessage } from '../../src/message/message.js';
import { readableFrom } from '../../src/message/streams.js';

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

describe('map', () => {
  it('applies a function in order; undefined emits nothing; promises are awaited', async () => {
    const flow = map((n: number) => (n === 2 ? undefined : n % 2 ? Promise.resolve(n * 10) : n));
    const out = await readAll(readableFrom([1, 2, 3, 4]).pipeThrough(flow));
    assert.deepEqual(out, [10, 30, 4]);
  });

  it('a map flow is reusable: connectFlow makes a fresh pair each time', async () => {
    const flow = map((s: string) => s.toUpperCase());
    assert.ok(flow instanceof MapFlow);
    const first = connectFlow(flow, readableFrom(['a']));
    const second = connectFlow(flow, readableFrom(['b']));
    assert.deepEqual(await readAll(first.output), ['A']);
    assert.deepEqual(await readAll(second.output), ['B']);
  });

  it('a function that throws errors the output', async () => {
    const failure = new Error('handler failed');
    const flow = map(() => {
      throw failure;
    });
    await assert.rejects(readAll(readableFrom([1]).pipeThrough(flow)), failure);
  });

  it('echo sends every element back', async () => {
    const message = TextMessage.strict('x');
    assert.deepEqual(await readAll(readableFrom([message]).pipeThrough(echo())), [message]);
  });
});

describe('connectFlow', () => {
  it('runs an async generator function over the incoming elements', async () => {
    const { output } = connectFlow(
      async function* (incoming: AsyncIterable<string>) {
        for await (const name of incoming) yield `Hello ${name}!`;
      },
      readableFrom(['Peter', 'John']),
    );
    assert.deepEqual(await readAll(output), ['Hello Peter!', 'Hello John!']);
  });

  it('a generator that stops early cancels the incoming stream', async () => {
    let cancelled = false;
    const incoming = new ReadableStream<number>({
      pull: (controller) => controller.enqueue(1),
      cancel: () => void (cancelled = true),
    });
    const { output } = connectFlow(async function* (source: AsyncIterable<number>) {
      for await (const n of source) {
        yield n;
        return;
      }
    }, incoming);
    assert.deepEqual(await readAll(output), [1]);
    assert.equal(cancelled, true);
  });

  it('rejects things that are not flows', () => {
    assert.throws(() => connectFlow({} as never, readableFrom([])), TypeError);
  });
});

describe('fromSinkAndSource', () => {
  it('feeds the sink and emits the source, unrelated', async () => {
    const seen: string[] = [];
    const flow = fromSinkAndSource((s: string) => void seen.push(s), ['tick', 'tock']);
    const { output, input } = connectFlow(flow, readableFrom(['a', 'b']));
    assert.deepEqual(await readAll(output), ['tick', 'tock']);
    await input;
    assert.deepEqual(seen, ['a', 'b']);
  });

  it('accepts a WritableStream sink; a failing sink rejects input', async () => {
    const failure = new Error('sink failed');
    const sink = new WritableStream<string>({
      write() {
        throw failure;
      },
    });
    const { input } = connectFlow(fromSinkAndSource(sink, []), readableFrom(['a']));
    await assert.rejects(input, failure);
  });
});

describe('ignore and discardMessage', () => {
  it('cancel the bodies of Streamed messages and leave Strict ones', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({ cancel: () => void (cancelled = true) });
    const sink = ignore();
    const writer = sink.getWriter();
    await writer.write(BinaryMessage.strict(Uint8Array.of(1)));
    await writer.write(BinaryMessage.streamed(body));
    assert.equal(cancelled, true);
    discardMessage(TextMessage.strict('nothing to do'));
  });
});
