// Tests for the read planner of the client's own socket (ReadTargets): frames fed through it as a
// socket feeds them (each read no longer than the buffer it was given), with read boundaries at
// every place that matters. Messages are checked once everything was read, so a read that wrote
// over an earlier message fails; large ones must arrive in the memory they were read into.

import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { Connection } from '../../src/connection/connection.js';
import { withEngineExtras } from '../../src/connection/options.js';
import {
  DIRECT_MAX_BYTES,
  DIRECT_MIN_BYTES,
  READ_BYTES,
  ReadTargets,
} from '../../src/connection/read-targets.js';
import { resolveDeflateOptions, settingsOf } from '../../src/extensions/deflate-options.js';
import type { NegotiatedDeflate } from '../../src/extensions/deflate-options.js';
import { MAX_HEADER_BYTES } from '../../src/codec/frame-header.js';
import { MessageAssembler } from '../../src/message/assembler.js';
import type { Message } from '../../src/message/message.js';
import { Protocol } from '../../src/protocol/protocol.js';
import type { CloseOutcome } from '../../src/protocol/events.js';
import { settle } from '../helpers/connection-setup.js';
import { peerFrame } from '../helpers/peer-frames.js';
import { seededBytes } from '../helpers/seeded-bytes.js';
import { deflateMessage } from '../extensions/support.js';

const CLOSE = peerFrame('client', 0x88, Uint8Array.of(0x03, 0xe8));

/** A frame's payload and the message it should arrive as. */
interface Sent {
  frame: Buffer;
  payload: Buffer;
}

function binary(size: number, seed: number): Sent {
  const payload = Buffer.from(seededBytes(size, seed));
  return { frame: peerFrame('client', 0x82, payload), payload };
}

function text(value: string): Sent {
  return { frame: peerFrame('client', 0x81, value), payload: Buffer.from(value) };
}

/** How many bytes read `i` may take at most, `at` bytes into the input (the planner's buffer bounds it too). */
type Caps = (i: number, at: number) => number;

/** A seeded run of read sizes between 1 and `max`. */
function randomCaps(seed: number, max: number): Caps {
  const sizes = seededBytes(4096 * 4, seed);
  const view = new DataView(sizes.buffer);
  return (i) => 1 + (view.getUint32((i % 4096) * 4) % max);
}

/** A client's Protocol and assembler fed through a planner; the chunks each read made. */
function readThrough(wire: Uint8Array, caps: Caps) {
  const messages: Message[] = [];
  const closes: number[] = [];
  const assembler = new MessageAssembler(
    { deliver: (message) => messages.push(message), pauseReading() {}, resumeReading() {} },
    { partsStayValid: true },
  );
  const protocol = new Protocol({
    side: 'client',
    handler: {
      onMessageStart: (kind, compressed, whole) =>
        assembler.onMessageStart(kind, compressed, whole),
      onMessageData: (chunk, last) => assembler.onMessageData(chunk, last),
      onPing() {},
      onPong() {},
      onPeerClose: (code) => closes.push(code),
      onProtocolError: (error) => assert.fail(error),
    },
  });
  const reads = new ReadTargets();
  reads.follow(protocol);
  const chunks: Buffer[] = [];
  for (let i = 0, at = 0; at < wire.length; i++) {
    const target = reads.nextBuffer();
    const bytes = Math.min(target.length, wire.length - at, Math.max(1, caps(i, at)));
    target.set(wire.subarray(at, at + bytes));
    at += bytes;
    const chunk = reads.took(bytes);
    chunks.push(chunk);
    protocol.receiveData(chunk);
    assembler.endBatch();
    reads.parsedAsRead(true);
  }
  return { messages, closes, chunks };
}

/** The payload of a Strict message as bytes. */
function payloadOf(message: Message): Buffer {
  if (!message.isStrict) assert.fail('a Streamed message');
  return message.isText ? Buffer.from(message.text) : Buffer.from(message.data);
}

/** True when a binary message's payload is a view of one read's memory (nothing joined). */
function inOnePiece(message: Message, chunks: readonly Buffer[]): boolean {
  if (!message.isBinary || !message.isStrict) return false;
  const data = message.data;
  return chunks.some((chunk) => chunk.buffer === data.buffer);
}

function assertPayloads(messages: readonly Message[], sent: readonly Sent[], where: string) {
  assert.equal(messages.length, sent.length, `${where}: message count`);
  for (const [i, message] of messages.entries()) {
    assert.ok(payloadOf(message).equals(sent[i].payload), `${where}: message ${i}`);
  }
}

describe('ReadTargets: what the client socket reads into', () => {
  const large = DIRECT_MIN_BYTES + 3000;
  const sent = [
    text('hello'),
    binary(large, 1),
    text('after'),
    binary(200, 2),
    binary(large * 2, 3),
  ];
  const wire = Buffer.concat([...sent.map((s) => s.frame), CLOSE]);
  /** Frame boundaries: a split within 24 bytes of one cuts a header or a payload's edge. */
  const boundaries = sent.reduce<number[]>(
    (ends, s) => [...ends, ends[ends.length - 1] + s.frame.length],
    [0],
  );

  it('delivers every message whole and in order on every split of the input', () => {
    for (let split = 1; split < wire.length; split++) {
      const nearEdge = boundaries.some((end) => Math.abs(end - split) <= 24);
      if (!nearEdge && split % 257 !== 0) continue;
      // The first read ends at the split; the others take what the planner gives (a busy socket).
      const { messages, closes } = readThrough(wire, (i) => (i === 0 ? split : Infinity));
      assertPayloads(messages, sent, `split at ${split}`);
      assert.deepEqual(closes, [1000]);
    }
  });

  it('delivers every message whole however the reads are cut', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const max = seed % 2 === 0 ? 64 : READ_BYTES + 100;
      const { messages } = readThrough(wire, randomCaps(seed, max));
      assertPayloads(messages, sent, `seed ${seed}`);
    }
  });

  it('reads a large message that spans many reads into one run of memory', () => {
    const stream = [binary(DIRECT_MAX_BYTES, 4), binary(DIRECT_MAX_BYTES, 5), binary(65536, 6)];
    const many = [...stream, binary(65536, 7), binary(65536, 8)];
    const input = Buffer.concat([...many.map((s) => s.frame), CLOSE]);
    for (const [name, caps] of [
      ['a busy socket', () => Infinity],
      ['reads of 1-200 KiB', randomCaps(9, 200 * 1024)],
      ['reads of up to a TCP segment', randomCaps(10, 1448)],
    ] as [string, Caps][]) {
      const { messages, chunks, closes } = readThrough(input, caps);
      assertPayloads(messages, many, name);
      assert.deepEqual(closes, [1000], name);
      // The first large message may begin in a read made before any large frame was seen.
      for (const [i, message] of messages.entries()) {
        if (i > 0) assert.ok(inOnePiece(message, chunks), `${name}: message ${i} was joined`);
      }
      if (name !== 'a busy socket') assert.ok(chunks.length > many.length * 2, name);
    }
  });

  it('reads a large frame whose header is split across reads into one run of memory', () => {
    const first = binary(DIRECT_MIN_BYTES * 2, 11);
    const second = binary(DIRECT_MIN_BYTES * 2, 12);
    const input = Buffer.concat([first.frame, second.frame, CLOSE]);
    for (let cut = 1; cut < 4; cut++) {
      // Reads end inside the second frame's 4-byte header, then take what they are given.
      const headerCut = first.frame.length + cut;
      const { messages, chunks } = readThrough(input, (_i, at) =>
        at < headerCut ? headerCut - at : Infinity,
      );
      assertPayloads(messages, [first, second], `header cut at ${cut}`);
      assert.ok(inOnePiece(messages[1], chunks), `header cut at ${cut}: joined`);
    }
  });

  it('reads a frame over the direct bound as any other bytes, never into a buffer its size', () => {
    const huge = binary(DIRECT_MAX_BYTES * 3, 31);
    const input = Buffer.concat([binary(40_000, 32).frame, huge.frame, CLOSE]);
    for (const caps of [() => Infinity, randomCaps(33, 100_000)] as Caps[]) {
      const { chunks, closes } = readThrough(input, caps);
      assert.deepEqual(closes, [1000]);
      const largest = Math.max(...chunks.map((chunk) => chunk.buffer.byteLength));
      assert.ok(largest <= 40_000 + MAX_HEADER_BYTES + READ_BYTES, `a buffer of ${largest} bytes`);
    }
  });

  it('keeps small messages out of any buffer of its own once the socket caught up', () => {
    const reads = new ReadTargets();
    const other = new ReadTargets();
    const scratch = reads.nextBuffer();
    assert.equal(other.nextBuffer(), scratch, 'one buffer shared by connections that caught up');
    scratch.set(text('hi').frame);
    const chunk = reads.took(text('hi').frame.length);
    assert.notEqual(chunk.buffer, scratch.buffer, 'what was read is copied out');
    assert.equal(reads.nextBuffer(), scratch);
    // A read that fills its buffer leaves more in the kernel: the next lands in memory of its own.
    other.took(scratch.length);
    assert.notEqual(other.nextBuffer().buffer, scratch.buffer);
  });

  it('reads a fragmented message whole, frames large and small', () => {
    const payload = Buffer.from(seededBytes(DIRECT_MIN_BYTES * 3 + 10, 13));
    const cuts = [DIRECT_MIN_BYTES * 2, DIRECT_MIN_BYTES * 2 + 10];
    const input = Buffer.concat([
      peerFrame('client', 0x02, payload.subarray(0, cuts[0])),
      peerFrame('client', 0x00, payload.subarray(cuts[0], cuts[1])),
      peerFrame('client', 0x80, payload.subarray(cuts[1])),
      text('next').frame,
      CLOSE,
    ]);
    for (let seed = 20; seed < 30; seed++) {
      const { messages } = readThrough(input, randomCaps(seed, 40_000));
      assertPayloads(messages, [{ frame: input, payload }, text('next')], `seed ${seed}`);
    }
  });
});

/** A socket's readable side fed through a planner, as the client's own socket is. */
class PlannedSocket extends Duplex {
  readonly reads = new ReadTargets();

  override _read(): void {}

  override _write(_chunk: unknown, _encoding: string, callback: () => void): void {
    callback();
  }

  /** Reads `wire`, read `i` taking at most `caps(i)` bytes. */
  feed(wire: Uint8Array, caps: Caps): void {
    for (let i = 0, at = 0; at < wire.length; i++) {
      const target = this.reads.nextBuffer();
      const bytes = Math.min(target.length, wire.length - at, Math.max(1, caps(i, at)));
      target.set(wire.subarray(at, at + bytes));
      at += bytes;
      this.push(this.reads.took(bytes));
      this.reads.parsedAsRead(this.readableLength === 0);
    }
  }
}

/** Both sides' permessage-deflate, each message compressed from an empty context. */
const DEFLATE: NegotiatedDeflate = {
  params: {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
  },
  settings: settingsOf(resolveDeflateOptions(true)!),
};

/**
 * A client connection reading `wire` through a planner, then (once `count` messages arrived) the
 * peer's Close: its messages and how it closed.
 */
async function connectionReading(
  wire: Uint8Array,
  caps: Caps,
  count: number,
  deflate?: NegotiatedDeflate,
): Promise<{ messages: Message[]; outcome: CloseOutcome }> {
  const socket = new PlannedSocket();
  const connection = new Connection(
    socket,
    withEngineExtras({ side: 'client' }, { readTargets: socket.reads, deflate }),
  );
  const messages: Message[] = [];
  let allArrived: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (allArrived = resolve));
  connection.onMessage((message) => {
    if (messages.push(message) === count) allArrived();
  });
  await settle(2);
  socket.feed(wire, caps);
  await arrived;
  socket.feed(CLOSE, () => Infinity);
  socket.push(null);
  const outcome = await connection.closed;
  return { messages, outcome };
}

describe('ReadTargets under a client connection', () => {
  it('delivers a large message read right before the Close, then closes cleanly', async () => {
    const last = binary(DIRECT_MAX_BYTES, 14);
    const wire = Buffer.concat([binary(40_000, 16).frame, last.frame, CLOSE]);
    for (const caps of [() => Infinity, randomCaps(15, 100_000)] as Caps[]) {
      const { messages, outcome } = await connectionReading(wire, caps, 2);
      assert.equal(messages.length, 2);
      assert.ok(payloadOf(messages[1]).equals(last.payload));
      assert.deepEqual([outcome.code, outcome.wasClean], [1000, true]);
    }
  });

  it('inflates compressed messages read through it', async () => {
    const payloads = [seededBytes(DIRECT_MIN_BYTES * 4, 17), seededBytes(300_000, 18, true)].map(
      (bytes) => Buffer.from(bytes),
    );
    const frames = payloads.map((p) => peerFrame('client', 0xc2, deflateMessage(p)));
    for (const caps of [() => Infinity, randomCaps(19, 30_000)] as Caps[]) {
      const wire = Buffer.concat(frames);
      const { messages, outcome } = await connectionReading(wire, caps, 2, DEFLATE);
      assert.equal(messages.length, 2);
      for (const [i, message] of messages.entries()) {
        assert.ok(payloadOf(message).equals(payloads[i]), `message ${i}`);
      }
      assert.equal(outcome.code, 1000);
    }
  });
});
