// The zlib half of permessage-deflate without sockets: the limiter, the inflater's limit while
// inflating, context takeover and its absence, the pool of shared contexts, and the deflater's
// wire format (RFC 7692 section 7.2).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageDeflater, deflateChunks } from '../../src/extensions/deflater.js';
import { MessageInflater } from '../../src/extensions/inflater.js';
import type { ProtocolError } from '../../src/errors.js';
import { Limiter, sharedLimiter } from '../../src/extensions/limiter.js';
import { ZlibContext, pooledContexts } from '../../src/extensions/zlib-context.js';
import { deflateMessage, deflateZeros, inflateMessage } from './support.js';

/** Inflates one message through `inflater`, its parts as given. */
function inflate(
  inflater: MessageInflater,
  parts: Uint8Array[],
): Promise<{ error: ProtocolError | undefined; data: Buffer }> {
  return new Promise((resolve) => {
    inflater.inflate(parts, true, (error, output) =>
      resolve({ error, data: Buffer.concat(output) }),
    );
  });
}

const inflaterOptions = {
  windowBits: 15,
  noContextTakeover: false,
  maxMessageBytes: 1 << 20,
  contextIdleMs: Infinity,
};

describe('Limiter', () => {
  it('runs at most `concurrency` jobs at once, in the order added', () => {
    const limiter = new Limiter(2);
    const started: number[] = [];
    const dones: (() => void)[] = [];
    for (let i = 0; i < 5; i++) {
      limiter.add((done) => {
        started.push(i);
        dones.push(done);
      });
    }
    assert.deepEqual(started, [0, 1]);
    assert.equal(limiter.waiting, 3);
    dones[1]();
    dones[1](); // a second call is ignored
    assert.deepEqual(started, [0, 1, 2]);
    dones[0]();
    dones[2]();
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    assert.equal(limiter.running, 2);
  });

  it('copes with jobs that finish synchronously', () => {
    const limiter = new Limiter(1);
    let count = 0;
    for (let i = 0; i < 1000; i++) limiter.add((done) => (count++, done()));
    assert.equal(count, 1000);
    assert.equal(limiter.running, 0);
  });

  it('is shared per concurrency value, 10 by default', () => {
    assert.equal(sharedLimiter(), sharedLimiter(10));
    assert.equal(sharedLimiter().concurrency, 10);
    assert.notEqual(sharedLimiter(3), sharedLimiter(10));
    assert.throws(() => new Limiter(0), RangeError);
  });
});

describe('MessageInflater', () => {
  it('inflates a message given in parts', async () => {
    const inflater = new MessageInflater({ ...inflaterOptions, limiter: sharedLimiter() });
    const payload = deflateMessage('hello '.repeat(100));
    const { error, data } = await inflate(inflater, [payload.subarray(0, 5), payload.subarray(5)]);
    assert.equal(error, undefined);
    assert.equal(data.toString(), 'hello '.repeat(100));
    inflater.close();
  });

  it('stops inflating a bomb as soon as the output passes the limit: 1009', async () => {
    const bomb = await deflateZeros(100 << 20);
    assert.ok(bomb.length < 200_000);
    const inflater = new MessageInflater({ ...inflaterOptions, limiter: sharedLimiter() });
    const { error, data } = await inflate(inflater, [bomb]);
    assert.equal(error?.closeCode, 1009);
    assert.equal(error?.code, 'WSFLOW_ERR_MESSAGE_TOO_BIG');
    assert.equal(data.length, 0);
    inflater.close();
  });

  it('never holds more than the limit and one zlib chunk of output', async () => {
    const bomb = await deflateZeros(20 << 20);
    const context = ZlibContext.create({ mode: 'inflate', windowBits: 15 });
    const result = await new Promise<{ overflow: boolean; bytes: number }>((resolve) =>
      context.run([bomb], 1 << 20, resolve),
    );
    assert.equal(result.overflow, true);
    assert.ok(result.bytes <= (1 << 20) + 64 * 1024, `stopped after ${result.bytes} bytes`);
    assert.equal(context.broken, true);
  });

  it('fails with 1007 on data zlib cannot inflate', async () => {
    const inflater = new MessageInflater({ ...inflaterOptions, limiter: sharedLimiter() });
    const { error } = await inflate(inflater, [Buffer.from([0xff, 0xff, 0xff, 0xff])]);
    assert.equal(error?.closeCode, 1007);
    assert.equal(error?.code, 'WSFLOW_ERR_INVALID_COMPRESSED_DATA');
    inflater.close();
  });

  it('counts the limit per message, not per connection', async () => {
    const limiter = sharedLimiter();
    const inflater = new MessageInflater({ ...inflaterOptions, maxMessageBytes: 1000, limiter });
    for (let i = 0; i < 3; i++) {
      const { error, data } = await inflate(inflater, [deflateMessage('x'.repeat(900))]);
      assert.equal(error, undefined);
      assert.equal(data.length, 900);
    }
    inflater.close();
  });
});

describe('MessageDeflater', () => {
  const deflaterOptions = {
    level: -1,
    memLevel: 8,
    contextIdleMs: Infinity,
    limiter: sharedLimiter(),
  };

  it('removes the trailer from a message: the peer inflates it with one appended', async () => {
    const deflater = new MessageDeflater({
      ...deflaterOptions,
      windowBits: 15,
      noContextTakeover: true,
    });
    const text = 'compress me '.repeat(50);
    const payload = await deflater.compress(Buffer.from(text), true);
    assert.notDeepEqual(payload.subarray(-4), Buffer.from([0, 0, 0xff, 0xff]));
    assert.equal(inflateMessage(payload).toString(), text);
    deflater.close();
  });

  it('with context takeover, refers back to earlier messages', async () => {
    const deflater = new MessageDeflater({
      ...deflaterOptions,
      windowBits: 15,
      noContextTakeover: false,
    });
    const inflater = new MessageInflater({ ...inflaterOptions, limiter: sharedLimiter() });
    const text = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919) % 251));
    const first = await deflater.compress(text, true);
    const second = await deflater.compress(text, true);
    assert.ok(second.length < first.length / 4, `${second.length} vs ${first.length}`);
    assert.deepEqual((await inflate(inflater, [first])).data, text);
    assert.deepEqual((await inflate(inflater, [second])).data, text);
    deflater.close();
    inflater.close();
  });

  it('without context takeover, each message stands alone and the context goes to the pool', async () => {
    const deflater = new MessageDeflater({
      ...deflaterOptions,
      windowBits: 10,
      noContextTakeover: true,
    });
    const text = Buffer.from('abc'.repeat(500));
    const first = await deflater.compress(text, true);
    const pooled = pooledContexts();
    assert.ok(pooled >= 1);
    const second = await deflater.compress(text, true);
    assert.deepEqual(second, first);
    assert.equal(pooledContexts(), pooled);
    assert.deepEqual(inflateMessage(second), text);
    deflater.close();
  });

  it('sends one zero byte for an empty message after another (zlib has nothing to flush)', async () => {
    const deflater = new MessageDeflater({
      ...deflaterOptions,
      windowBits: 15,
      noContextTakeover: false,
    });
    const inflater = new MessageInflater({ ...inflaterOptions, limiter: sharedLimiter() });
    const first = await deflater.compress(Buffer.from('x'.repeat(100)), true);
    const empty = await deflater.compress(new Uint8Array(0), true);
    const after = await deflater.compress(Buffer.from('y'.repeat(100)), true);
    assert.deepEqual(empty, Buffer.alloc(1));
    for (const [payload, expected] of [
      [first, 'x'.repeat(100)],
      [empty, ''],
      [after, 'y'.repeat(100)],
    ] as const) {
      assert.equal((await inflate(inflater, [payload])).data.toString(), expected);
    }
    deflater.close();
    inflater.close();
  });

  it('compresses a stream chunk by chunk; the frames together inflate to the message', async () => {
    const deflater = new MessageDeflater({
      ...deflaterOptions,
      windowBits: 15,
      noContextTakeover: true,
    });
    const chunks = ['first part, ', 'second part, ', 'x'.repeat(3000), 'end'];
    const frames: Uint8Array[] = [];
    const source = ReadableStream.from(chunks).pipeThrough(deflateChunks(deflater, true));
    for await (const frame of source) frames.push(frame);
    assert.ok(frames.length >= 3);
    assert.equal(inflateMessage(Buffer.concat(frames)).toString(), chunks.join(''));
    deflater.close();
  });

  it('refuses string chunks in a binary stream', async () => {
    const deflater = new MessageDeflater({
      ...deflaterOptions,
      windowBits: 15,
      noContextTakeover: true,
    });
    const source = ReadableStream.from(['text']).pipeThrough(deflateChunks(deflater, false));
    await assert.rejects(async () => {
      for await (const frame of source) void frame;
    }, TypeError);
    deflater.close();
  });
});
