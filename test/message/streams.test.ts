// Tests for the stream helpers: readableFrom (pull-based, cancellable), concatBytes.

import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { concatBytes, readableFrom } from '../../src/message/streams.js';

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

describe('readableFrom', () => {
  it('returns a ReadableStream as it is', () => {
    const stream = new ReadableStream();
    assert.equal(readableFrom(stream), stream);
  });

  it('reads iterables, async iterables and Node Readables', async () => {
    assert.deepEqual(await readAll(readableFrom([1, 2])), [1, 2]);
    const generated = readableFrom(
      (async function* () {
        yield 'x';
      })(),
    );
    assert.deepEqual(await readAll(generated), ['x']);
    const node = readableFrom<Buffer>(Readable.from([Buffer.from('n')]));
    assert.deepEqual((await readAll(node)).map(String), ['n']);
  });

  it('pulls lazily and runs finally blocks when cancelled', async () => {
    let pulled = 0;
    let finished = false;
    const stream = readableFrom(
      (function* () {
        try {
          while (true) yield ++pulled;
        } finally {
          finished = true;
        }
      })(),
    );
    const reader = stream.getReader();
    await reader.read();
    assert.equal(pulled, 1);
    await reader.cancel();
    assert.equal(finished, true);
  });

  it('rejects values that are not iterable', () => {
    assert.throws(() => readableFrom(42 as never), TypeError);
  });
});

describe('concatBytes', () => {
  it('returns a single chunk as it is and joins several', () => {
    const one = Uint8Array.of(1);
    assert.equal(concatBytes([one]), one);
    assert.deepEqual([...concatBytes([one, Uint8Array.of(2, 3)])], [1, 2, 3]);
    assert.equal(concatBytes([]).length, 0);
  });
});
