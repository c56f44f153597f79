// Tests for the reuse of a client's masked frame buffers: a large frame is masked into the buffer
// of an earlier one only once the transport is done with it (a TCP socket's write called back),
// never for a transport that may keep the buffers it is given; the bytes sent stay right.

import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { Connection } from '../../src/connection/connection.js';
import { map } from '../../src/flow/flow.js';
import { openWebSocket, serve } from '../../src/index.js';
import type { Message } from '../../src/message/message.js';
import { FrameParser } from '../../src/protocol/parser.js';
import { FrameWriter, recycleFrameBuffer } from '../../src/protocol/serializer.js';
import { Opcode } from '../../src/codec/opcode.js';
import { settle } from '../helpers/connection-setup.js';
import { seededBytes } from '../helpers/seeded-bytes.js';

let nextKey = 1;
const keys = (): number => (nextKey = (nextKey * 48271) % 0x7fffffff);

/** The payloads of the whole binary frames in `bytes`, as a server reads them. */
function payloadsOf(bytes: Uint8Array): Buffer[] {
  const payloads: Buffer[] = [];
  let parts: Uint8Array[] = [];
  const parser = new FrameParser(
    { side: 'server' },
    {
      onMessageStart: () => (parts = []),
      onMessageData: (chunk, last) => {
        parts.push(Buffer.from(chunk));
        if (last) payloads.push(Buffer.concat(parts));
      },
    },
    { onControlFrame: () => undefined },
  );
  parser.push(Buffer.from(bytes));
  return payloads;
}

/** A transport that keeps every chunk written to it by reference, and completes at once. */
class KeepingTransport extends Duplex {
  readonly written: Uint8Array[] = [];

  override _read(): void {}

  override _write(chunk: Uint8Array, _encoding: string, callback: () => void): void {
    this.written.push(chunk);
    callback();
  }
}

describe('a client masks a large frame into the buffer of an earlier one', () => {
  it('once given back, when the transport is done with it', () => {
    const writer = new FrameWriter(keys);
    const first = seededBytes(100_000, 1);
    const second = seededBytes(90_000, 2);
    writer.writeFrame(Opcode.Binary, true, false, first, false);
    const [taken] = writer.take();
    assert.deepEqual(payloadsOf(taken), [Buffer.from(first)]);
    const lent = writer.takeLent();
    assert.equal(lent?.buffer, taken.buffer);
    recycleFrameBuffer(lent as Buffer);
    writer.writeFrame(Opcode.Binary, true, false, second, false);
    const [again] = writer.take();
    assert.equal(again.buffer, taken.buffer, 'the second frame is in the first one’s buffer');
    assert.deepEqual(payloadsOf(again), [Buffer.from(second)]);
    // Not given back: a new buffer.
    writer.writeFrame(Opcode.Binary, true, false, first, false);
    const [fresh] = writer.take();
    assert.notEqual(fresh.buffer, again.buffer);
    assert.deepEqual(payloadsOf(fresh), [Buffer.from(first)]);
  });

  it('not over a transport that keeps what it is given, though its writes complete at once', async () => {
    const transport = new KeepingTransport();
    const connection = new Connection(transport, { side: 'client' });
    const payloads = [seededBytes(70_000, 3), seededBytes(70_000, 4), seededBytes(70_000, 5)];
    for (const payload of payloads) {
      await connection.send(payload);
      await settle(2);
    }
    assert.deepEqual(
      payloadsOf(Buffer.concat(transport.written)),
      payloads.map((payload) => Buffer.from(payload)),
    );
    transport.destroy();
  });

  it('keeps every byte right over TCP, with writes that complete at once and writes that wait', async () => {
    const server = await serve({ port: 0, host: '127.0.0.1', flow: map((m: Message) => m) });
    try {
      const socket = await openWebSocket(`ws://127.0.0.1:${server.address.port}/`);
      const sizes = [70_000, 300_000, 5_000, 1_100_000, 66_000, 200_000];
      const payloads = Array.from({ length: 30 }, (_, i) => seededBytes(sizes[i % 6], 10 + i));
      // A burst (more than the kernel takes at once, so some writes wait), then one at a time.
      for (const payload of payloads.slice(0, 20)) void socket.send(payload);
      for (const payload of payloads.slice(0, 20)) {
        assert.ok(Buffer.from(await socket.receiveBinary()).equals(payload));
      }
      for (const payload of payloads.slice(20)) {
        await socket.send(payload);
        assert.ok(Buffer.from(await socket.receiveBinary()).equals(payload));
      }
      await socket.close();
    } finally {
      await server.close();
    }
  });
});
