// Protocol tests: the parser's frame parts — header first, payload chunks as views into the
// input, copies only for straddling headers — and the fragment accounting under the default limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameParser,
  FRAGMENT_OVERHEAD_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
} from '../../src/protocol/parser.js';
import type { MessageKind } from '../../src/protocol/events.js';
import { ProtocolError } from '../../src/errors.js';
import { FrameWriter } from '../../src/protocol/serializer.js';
import { Opcode } from '../../src/codec/opcode.js';
import { peerFrame, SIDES } from '../helpers/peer-frames.js';
import { hex } from '../helpers/frame-bits.js';

interface Part {
  chunk: Uint8Array;
  last: boolean;
}

/** A parser whose sinks keep the delivered objects themselves (no copies). */
function partsParser(side: 'client' | 'server', maxMessageBytes?: number) {
  const starts: MessageKind[] = [];
  const parts: Part[] = [];
  const controls: number[] = [];
  const parser = new FrameParser(
    { side, maxMessageBytes },
    {
      onMessageStart: (kind) => starts.push(kind),
      onMessageData: (chunk, last) => parts.push({ chunk, last }),
    },
    { onControlFrame: (opcode) => controls.push(opcode) },
  );
  return { parser, starts, parts, controls };
}

for (const side of SIDES) {
  test(`${side}: the message start is reported from the header, before any payload byte`, () => {
    const { parser, starts, parts } = partsParser(side);
    const frame = peerFrame(side, 0x82, 'x'.repeat(1000));
    parser.push(frame.subarray(0, side === 'server' ? 8 : 4));
    assert.deepEqual(starts, ['binary']);
    assert.equal(parts.length, 0);
  });

  test(`${side}: a payload wholly inside a chunk is delivered as a view of that chunk`, () => {
    const { parser, parts } = partsParser(side);
    const chunk = Buffer.concat([peerFrame(side, 0x82, 'first'), peerFrame(side, 0x82, 'second')]);
    parser.push(chunk);
    assert.equal(parts.length, 2);
    for (const { chunk: part } of parts) assert.equal(part.buffer, chunk.buffer, 'no copy');
    assert.equal(Buffer.from(parts[1].chunk).toString(), 'second', 'unmasked in place');
  });

  test(`${side}: a frame split over chunks arrives as parts, each a view of its chunk`, () => {
    const { parser, parts } = partsParser(side);
    const frame = peerFrame(side, 0x82, 'abcdefghij');
    const cut = frame.length - 4;
    const a = Buffer.from(frame.subarray(0, cut));
    const b = Buffer.from(frame.subarray(cut));
    parser.push(a);
    parser.push(b);
    assert.deepEqual(
      parts.map((p) => [Buffer.from(p.chunk).toString(), p.last]),
      [
        ['abcdef', false],
        ['ghij', true],
      ],
    );
    assert.equal(parts[0].chunk.buffer, a.buffer);
    assert.equal(parts[1].chunk.buffer, b.buffer);
  });

  test(`${side}: a header straddling chunks is gathered; the payload is still a view`, () => {
    const { parser, parts } = partsParser(side);
    const frame = peerFrame(side, 0x82, 'payload');
    const a = Buffer.from(frame.subarray(0, 1));
    const b = Buffer.from(frame.subarray(1));
    parser.push(a);
    parser.push(b);
    assert.equal(Buffer.from(parts[0].chunk).toString(), 'payload');
    assert.equal(parts[0].chunk.buffer, b.buffer);
  });

  test(`${side}: a control frame straddling chunks is delivered whole`, () => {
    const payloads: string[] = [];
    const parser = new FrameParser(
      { side },
      { onMessageStart() {}, onMessageData() {} },
      {
        onControlFrame: (_opcode, payload) => payloads.push(Buffer.from(payload).toString()),
      },
    );
    const frame = peerFrame(side, 0x89, 'ping payload');
    parser.push(Buffer.from(frame.subarray(0, frame.length - 3)));
    assert.deepEqual(payloads, []);
    parser.push(Buffer.from(frame.subarray(frame.length - 3)));
    assert.deepEqual(payloads, ['ping payload']);
  });

  test(`${side}: a 4 MiB message in 64-byte fragments passes under the default limit`, () => {
    const writer = new FrameWriter(side === 'server' ? () => 0x3d21fa37 : null);
    const payload = Buffer.alloc(4 * 1024 * 1024, 0x61);
    writer.writeFragments(Opcode.Binary, true, false, payload, 64, false);
    const { parser, parts } = partsParser(side);
    for (const bytes of writer.take()) parser.push(bytes);
    assert.equal(
      parts.reduce((n, p) => n + p.chunk.length, 0),
      payload.length,
    );
    assert.equal(parts.at(-1)?.last, true);
  });

  test(`${side}: endless empty fragments hit 1009 under the default limit`, () => {
    const { parser } = partsParser(side);
    const fragment = peerFrame(side, 0x00); // continuation, no FIN, empty
    const allowed = DEFAULT_MAX_MESSAGE_BYTES / FRAGMENT_OVERHEAD_BYTES;
    parser.push(peerFrame(side, 0x02));
    parser.push(Buffer.concat(Array(allowed).fill(fragment)));
    assert.throws(
      () => parser.push(Buffer.from(fragment)),
      (e: unknown) =>
        e instanceof ProtocolError &&
        e.code === 'WSFLOW_ERR_MESSAGE_TOO_BIG' &&
        e.closeCode === 1009,
    );
  });
}

test('a discarded parser ignores its input', () => {
  const { parser, starts } = partsParser('client');
  parser.discard();
  parser.push(hex`81 01 61`);
  assert.equal(parser.discarding, true);
  assert.deepEqual(starts, []);
});

test('inMessage tells whether a fragmented message is open', () => {
  const { parser } = partsParser('client');
  parser.push(hex`01 01 61`);
  assert.equal(parser.inMessage, true);
  parser.push(hex`80 01 62`);
  assert.equal(parser.inMessage, false);
});
