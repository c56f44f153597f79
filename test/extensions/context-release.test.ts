// Releasing idle zlib streams: the window history (every way of splitting the data), the shared
// idle releaser, and deflaters/inflaters that release their stream and rebuild it from the kept
// window, compressing and inflating exactly as if they had never stopped.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MessageDeflater } from '../../src/extensions/deflater.js';
import { IdleReleaser } from '../../src/extensions/idle-release.js';
import { MessageInflater } from '../../src/extensions/inflater.js';
import { sharedLimiter } from '../../src/extensions/limiter.js';
import { WindowHistory } from '../../src/extensions/window-history.js';
import { openContexts } from '../../src/extensions/zlib-context.js';
import { seededBytes } from '../helpers/seeded-bytes.js';

describe('WindowHistory', () => {
  it('keeps the last `capacity` bytes of everything appended, however it was split', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 12 }),
        (capacity, initialBytes, parts) => {
          const history = new WindowHistory(capacity, initialBytes);
          for (const part of parts) history.append(part);
          const all = Buffer.concat(parts);
          const expected = all.subarray(Math.max(0, all.length - capacity));
          assert.equal(history.length, expected.length);
          const taken = history.take();
          if (all.length === 0) assert.equal(taken, undefined);
          else assert.deepEqual(taken, expected);
          assert.equal(history.length, 0);
          assert.equal(history.take(), undefined);
        },
      ),
    );
  });

  it('keeps the bytes across the growth of its buffer', () => {
    const history = new WindowHistory(1 << 15);
    history.append(Buffer.alloc(100, 1));
    history.append(Buffer.alloc(2000, 2));
    const taken = history.take() as Buffer;
    assert.equal(taken.length, 2100);
    assert.deepEqual([taken[99], taken[100], taken[2099]], [1, 2, 2]);
  });

  it('gives an exact-size copy that later appends do not change', () => {
    const history = new WindowHistory(8);
    const bytes = Buffer.from('abcdef');
    history.append(bytes);
    const taken = history.take() as Buffer;
    bytes.fill(0);
    history.append(Buffer.from('zz'));
    assert.equal(taken.toString(), 'abcdef');
    assert.equal(taken.buffer.byteLength >= taken.length, true);
    assert.equal(history.take()?.toString(), 'zz');
  });
});

describe('IdleReleaser', () => {
  /** Resolves once `released` holds `count` items (no timing asserted, only the order). */
  async function waitFor(released: string[], count: number): Promise<void> {
    while (released.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  it('releases items idle long enough, oldest first; busy ones are skipped', async () => {
    const releaser = new IdleReleaser(10);
    const released: string[] = [];
    const item = (name: string) => ({ releaseIdle: () => void released.push(name) });
    const [a, b, c] = [item('a'), item('b'), item('c')];
    releaser.markIdle(a);
    releaser.markIdle(b);
    releaser.markIdle(c);
    releaser.markBusy(b);
    releaser.markIdle(a); // idle again: moves behind c
    await waitFor(released, 2);
    assert.deepEqual(released, ['c', 'a']);
    assert.equal(releaser.size, 0);
  });

  it('keeps no timer when nothing is idle', () => {
    const releaser = new IdleReleaser(60_000);
    const item = { releaseIdle: () => assert.fail('released') };
    releaser.markIdle(item);
    releaser.markBusy(item);
    assert.equal(releaser.size, 0); // and the test process exits: no timer left
  });
});

/** Inflates one message; resolves with the bytes or rejects with the error. */
function inflate(inflater: MessageInflater, payload: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    inflater.inflate([payload], true, (error, output) =>
      error === undefined ? resolve(Buffer.concat(output)) : reject(error),
    );
  });
}

/** Messages that refer back to each other: each repeats much of the one before. */
function similarMessages(count: number, size: number): Buffer[] {
  const base = seededBytes(size, 7).map((byte) => 97 + (byte % 8));
  return Array.from({ length: count }, (_, i) => {
    const message = Buffer.from(base);
    message[i % size] = 65 + (i % 26);
    return message;
  });
}

const common = { level: -1, memLevel: 8, limiter: sharedLimiter(), noContextTakeover: false };

describe('releasing idle zlib streams', () => {
  for (const windowBits of [8, 9, 12, 15]) {
    it(`released after every message, both sides still agree (window ${windowBits} bits)`, async () => {
      const before = openContexts();
      const deflater = new MessageDeflater({ ...common, windowBits, contextIdleMs: 0 });
      const inflater = new MessageInflater({
        ...common,
        windowBits,
        contextIdleMs: 0,
        maxMessageBytes: 1 << 20,
      });
      const messages = similarMessages(12, 3000);
      const sizes: number[] = [];
      for (const message of messages) {
        const payload = await deflater.compress(message, true);
        sizes.push(payload.length);
        assert.deepEqual(await inflate(inflater, payload), message);
        assert.equal(openContexts(), before, 'no zlib stream is kept between messages');
      }
      // The window survived the releases: later messages refer back to earlier ones.
      if (windowBits >= 12) assert.ok(sizes[5] < sizes[0] / 4, sizes.join(' '));
      deflater.close();
      inflater.close();
    });
  }

  it('compresses exactly as a stream that never stopped', async () => {
    const kept = new MessageDeflater({ ...common, windowBits: 15, contextIdleMs: Infinity });
    const released = new MessageDeflater({ ...common, windowBits: 15, contextIdleMs: 0 });
    for (const message of similarMessages(8, 40_000)) {
      assert.deepEqual(await released.compress(message, true), await kept.compress(message, true));
    }
    kept.close();
    released.close();
  });

  it('releases after the idle time and restores on the next message', async () => {
    const before = openContexts();
    const deflater = new MessageDeflater({ ...common, windowBits: 15, contextIdleMs: 20 });
    const inflater = new MessageInflater({
      ...common,
      windowBits: 15,
      contextIdleMs: 20,
      maxMessageBytes: 1 << 20,
    });
    const [first, second] = similarMessages(2, 2000);
    // Each count is read as its operation settles: no timer can release a stream in between,
    // while a slow machine may release the deflater's before the inflater's has finished.
    const firstPayload = await deflater.compress(first, true);
    const openAfterCompress = openContexts();
    assert.deepEqual(await inflate(inflater, firstPayload), first);
    const openAfterInflate = openContexts();
    assert.equal(openAfterCompress, before + 1);
    assert.ok(openAfterInflate >= before + 1);
    while (openContexts() > before) await new Promise((resolve) => setTimeout(resolve, 5));
    const secondPayload = await deflater.compress(second, true);
    assert.ok(secondPayload.length < firstPayload.length / 4);
    assert.deepEqual(await inflate(inflater, secondPayload), second);
    deflater.close();
    inflater.close();
    assert.equal(openContexts(), before);
  });

  it('closing forgets the window and holds no stream or timer', async () => {
    const before = openContexts();
    const deflater = new MessageDeflater({ ...common, windowBits: 15, contextIdleMs: 60_000 });
    await deflater.compress(Buffer.alloc(5000, 1), true);
    deflater.close();
    assert.equal(openContexts(), before);
    await assert.rejects(deflater.compress(Buffer.alloc(10), true), /closed/);
  });
});
