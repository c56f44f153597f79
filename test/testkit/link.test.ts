// The testkit's in-memory link: bytes cross in order, writes split as asked, backpressure from a
// stalled reader, delay on the link's clock, a silent drop (half-open) and a reset.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { MemoryLink } from '../../src/testkit/link.js';
import type { LinkEnd, MemoryLinkOptions } from '../../src/testkit/link.js';
import { createSplitter } from '../../src/testkit/split.js';
import { settle } from '../../src/testkit/settle.js';
import { VirtualClock } from '../../src/testkit/virtual-clock.js';

/** Every chunk `end` reads, as it reads them. */
function reads(end: LinkEnd): Buffer[] {
  const chunks: Buffer[] = [];
  end.on('data', (chunk: Buffer) => chunks.push(chunk));
  return chunks;
}

function lengths(chunks: readonly Buffer[]): number[] {
  return chunks.map((chunk) => chunk.length);
}

async function written(end: LinkEnd, data: string): Promise<void> {
  await new Promise<void>((resolve, reject) => end.write(data, (e) => (e ? reject(e) : resolve())));
}

describe('MemoryLink', () => {
  it('carries bytes both ways, in order, whole by default', async () => {
    const link = new MemoryLink();
    const atServer = reads(link.server);
    const atClient = reads(link.client);
    await written(link.client, 'hello');
    await written(link.server, 'world');
    assert.deepEqual(atServer.map(String), ['hello']);
    assert.deepEqual(atClient.map(String), ['world']);
  });

  const splits: [string, MemoryLinkOptions['split'], number[]][] = [
    ['every byte', { chunkBytes: 1 }, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
    ['chunks of 4', { chunkBytes: 4 }, [4, 4, 2]],
    ['at chosen offsets', { at: [7, 2, 30] }, [2, 5, 3]],
  ];
  for (const [name, split, expected] of splits) {
    it(`splits every write: ${name}`, async () => {
      const link = new MemoryLink({ split });
      const atServer = reads(link.server);
      await written(link.client, '0123456789');
      assert.deepEqual(lengths(atServer), expected);
      assert.equal(Buffer.concat(atServer).toString(), '0123456789');
    });
  }

  it('splits at random points that replay from the seed', () => {
    const data = Buffer.alloc(200, 1);
    const cut = (seed: number): number[] =>
      lengths(createSplitter({ seed, maxChunkBytes: 9 })(data));
    assert.deepEqual(cut(7), cut(7));
    assert.notDeepEqual(cut(7), cut(8));
    assert.ok(cut(7).every((length) => length >= 1 && length <= 9));
    assert.equal(
      cut(7).reduce((a, b) => a + b),
      200,
    );
  });

  it('refuses split options that make no sense', () => {
    assert.throws(() => new MemoryLink({ split: { chunkBytes: 0 } }), RangeError);
    assert.throws(() => new MemoryLink({ split: { at: [1.5] } }), RangeError);
    assert.throws(() => new MemoryLink({ split: { seed: 0.5 } }), RangeError);
    assert.throws(() => new MemoryLink({ delayMs: -1 }), RangeError);
  });

  it('a stalled reader backs the writer up; unstalled, everything arrives', async () => {
    const link = new MemoryLink({ highWaterMark: 1024 });
    const atClient = reads(link.client);
    link.stall('client');
    let accepted = 0;
    while (link.server.write(Buffer.alloc(512))) accepted++;
    await settle();
    assert.equal(atClient.length, 0);
    assert.ok(accepted < 4, `${accepted} writes were taken without backpressure`);
    assert.equal(link.server.writableNeedDrain, true);
    const drained = once(link.server, 'drain');
    link.unstall('client');
    await drained;
    assert.equal(Buffer.concat(atClient).length, (accepted + 1) * 512);
  });

  it('delays every write on its clock, keeping the order', async () => {
    const clock = new VirtualClock();
    const link = new MemoryLink({ delayMs: 100, clock });
    const atServer = reads(link.server);
    link.client.write('a');
    link.client.write('b');
    await clock.advance(99);
    assert.deepEqual(atServer.map(String), []);
    await clock.advance(1);
    assert.deepEqual(atServer.map(String), ['a']);
    await clock.advance(100);
    assert.deepEqual(atServer.map(String), ['a', 'b']);
  });

  it('dropped, it loses every byte and tells neither end (half-open)', async () => {
    const link = new MemoryLink();
    const atServer = reads(link.server);
    const events: string[] = [];
    for (const end of [link.client, link.server]) {
      for (const event of ['end', 'close', 'error']) end.on(event, () => events.push(event));
    }
    link.drop();
    await written(link.client, 'lost');
    link.client.end();
    await settle();
    assert.deepEqual(atServer, []);
    assert.deepEqual(events, []);
    assert.equal(link.client.bytesSent, 4);
    assert.equal(link.server.destroyed, false);
  });

  it('reset, it destroys both ends with ECONNRESET', async () => {
    const link = new MemoryLink();
    const errors: string[] = [];
    const ended: string[] = [];
    for (const end of [link.client, link.server]) {
      end.on('error', (error: NodeJS.ErrnoException) => errors.push(String(error.code)));
      end.on('end', () => ended.push('end'));
    }
    link.reset();
    await settle();
    assert.deepEqual(errors, ['ECONNRESET', 'ECONNRESET']);
    assert.deepEqual(ended, []);
    assert.equal(link.client.destroyed && link.server.destroyed, true);
  });

  it('end() is a FIN: the peer reads the end of its input', async () => {
    const link = new MemoryLink();
    link.server.resume();
    const ended = once(link.server, 'end');
    link.client.end('bye');
    await ended;
  });
});
