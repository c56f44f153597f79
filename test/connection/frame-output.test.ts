// The prepared-frame writer of a server connection (what a hub writes through): frames written
// in order with the connection's own messages, queued by reference once the transport pushes
// back, dropped oldest first or all at once, counted in bufferedBytes, refused after the Close.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Connection } from '../../src/index.js';
import { frameOutputOf } from '../../src/connection/connection.js';
import { serializeFrame } from '../../src/protocol/index.js';
import { MemoryLink } from '../../src/testkit/link.js';

/** A server connection over an in-memory link, and the texts its peer has read so far. */
function serverOnLink(highWaterMark = 1024) {
  const link = new MemoryLink({ highWaterMark });
  const connection = new Connection(link.server, { side: 'server' });
  connection.onMessage(() => undefined);
  const texts: string[] = [];
  let pending = Buffer.alloc(0);
  link.client.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) return;
      let length = pending[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        length = pending.readUInt16BE(2);
        offset = 4;
      }
      if (pending.length < offset + length) return;
      if ((pending[0] & 0x0f) === 1)
        texts.push(pending.subarray(offset, offset + length).toString());
      pending = pending.subarray(offset + length);
    }
  });
  return { link, connection, output: frameOutputOf(connection), texts };
}

const frameOf = (text: string) => serializeFrame(1, Buffer.from(text));
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('FrameOutput', () => {
  it('writes prepared frames in order with the messages the connection sends', async () => {
    const { connection, output, texts } = serverOnLink();
    void connection.send('own 1');
    assert.equal(output.writeFrames(frameOf('frame 1')), true);
    void connection.send('own 2');
    output.writeFrames(frameOf('frame 2'));
    await turn();
    assert.deepEqual(texts, ['own 1', 'frame 1', 'own 2', 'frame 2']);
    connection.terminate();
  });

  it('queues frames by reference once the peer stops reading, and keeps later sends behind them', async () => {
    const { link, connection, output, texts } = serverOnLink();
    link.stall('client');
    const big = 'x'.repeat(2000);
    // The first ones fill the transport's buffer (written at the end of the tick); the rest wait.
    for (let i = 0; i < 2; i++) output.writeFrames(frameOf(`${i} ${big}`));
    await turn();
    for (let i = 2; i < 10; i++) output.writeFrames(frameOf(`${i} ${big}`));
    const buffered = output.bufferedBytes;
    assert.ok(buffered >= 10 * 2000, `${buffered} bytes counted`);
    void connection.send('after the frames');
    assert.equal(output.dropOldestFrames(), 1, 'a queued frame was dropped');
    link.unstall('client');
    for (let i = 0; i < 100 && texts.length < 10; i++) await turn();
    const got = texts.map((text) => (text.length > 100 ? Number(text.split(' ')[0]) : text));
    assert.equal(got.length, 10, `${JSON.stringify(got)}`);
    assert.equal(got.at(-1), 'after the frames');
    const numbers = got.slice(0, -1) as number[];
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => a - b),
    );
    assert.equal(output.bufferedBytes, 0);
    connection.terminate();
  });

  it('drops every queued frame at once, and only those', async () => {
    const { link, connection, output, texts } = serverOnLink();
    link.stall('client');
    const big = 'y'.repeat(3000);
    output.writeFrames(frameOf(`0 ${big}`));
    await turn();
    for (let i = 1; i < 10; i++) output.writeFrames(frameOf(`${i} ${big}`));
    void connection.send('kept');
    const before = output.bufferedBytes;
    const dropped = output.dropQueuedFrames();
    assert.ok(dropped > 0);
    assert.equal(output.bufferedBytes, before - dropped);
    assert.equal(output.dropOldestFrames(), 0, 'nothing left to drop');
    link.unstall('client');
    for (let i = 0; i < 100 && !texts.includes('kept'); i++) await turn();
    assert.equal(texts.at(-1), 'kept');
    assert.ok(texts.length < 10);
    connection.terminate();
  });

  it('refuses frames once a Close went out', async () => {
    const { connection, output } = serverOnLink();
    void connection.close(1000);
    assert.equal(output.writeFrames(frameOf('late')), false);
    connection.terminate();
    await connection.closed;
    assert.equal(output.writeFrames(frameOf('later')), false);
  });
});
