// Tests for a large message echoed by a connection: a one-frame message that spans reads is sent
// back from the memory it was read into (no copy of the payload on the server), and a handler
// that reads the payload gets it whole; the peer receives the same bytes either way.

import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { Connection } from '../../src/connection/connection.js';
import { map } from '../../src/flow/flow.js';
import type { Message } from '../../src/message/message.js';
import { MIN_VIEW_PART_BYTES } from '../../src/message/assembler.js';
import { peerFrame } from '../helpers/peer-frames.js';
import { seededBytes } from '../helpers/seeded-bytes.js';
import { settle } from '../helpers/connection-setup.js';
import { splitAt } from '../helpers/split-feed.js';

/** A transport that keeps every chunk written to it, as it was handed over. */
class RecordingTransport extends Duplex {
  readonly written: Uint8Array[] = [];

  override _read(): void {}

  override _write(chunk: Uint8Array, _encoding: string, callback: () => void): void {
    this.written.push(chunk);
    callback();
  }

  override _writev(chunks: { chunk: Uint8Array }[], callback: () => void): void {
    for (const { chunk } of chunks) this.written.push(chunk);
    callback();
  }
}

/** Feeds a masked binary frame of `payload` in three reads to a server running `flow`. */
async function echoInThreeReads(
  payload: Uint8Array,
  flow: Parameters<Connection['runDetached']>[0],
) {
  const transport = new RecordingTransport();
  const connection = new Connection(transport, { side: 'server' });
  connection.runDetached(flow);
  await settle(2);
  const frame = peerFrame('server', 0x82, payload);
  const reads = splitAt(frame, [1000, 1000 + 2 * MIN_VIEW_PART_BYTES]);
  for (const read of reads) transport.emit('data', read);
  await settle();
  return { reads, written: transport.written };
}

describe('Connection: a large message echoed', () => {
  const payload = seededBytes(5 * MIN_VIEW_PART_BYTES, 21);
  const expected = peerFrame('client', 0x82, payload);

  it('is written from the memory it was read into', async () => {
    const { reads, written } = await echoInThreeReads(
      payload,
      map((m: Message) => m),
    );
    assert.ok(Buffer.concat(written).equals(expected));
    for (const [i, read] of reads.entries()) {
      const fromRead = written.some((chunk) => chunk.buffer === read.buffer);
      assert.ok(fromRead, `the payload of read ${i} is written from its own memory`);
    }
  });

  it('is whole for a handler that reads its payload', async () => {
    const echoData = map((m: Message) => (m.isBinary && m.isStrict ? m.data : undefined));
    const { reads, written } = await echoInThreeReads(payload, echoData);
    assert.ok(Buffer.concat(written).equals(expected));
    assert.ok(!written.some((chunk) => reads.some((read) => chunk.buffer === read.buffer)));
  });
});
