// Protocol tests: the frame serializer — RFC 6455 section 5.7 examples, minimal lengths, masking
// with a fresh key per frame, fragmentation, coalescing of small frames, zero-copy large payloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameWriter,
  serializeFrame,
  COPY_THRESHOLD_BYTES,
} from '../../src/protocol/serializer.js';
import { Opcode } from '../../src/codec/opcode.js';
import { readMaskKey } from '../../src/codec/mask.js';
import { FrameParser } from '../../src/protocol/parser.js';
import { hex, toHex } from '../helpers/frame-bits.js';

const KEY = readMaskKey(hex`37 fa 21 3d`, 0);
const bytesOf = (chunks: Uint8Array[]) => Buffer.concat(chunks);

/** Parses `bytes` as `side` and returns [opcode-or-kind, fin-ish, payload text] per part. */
function decode(side: 'client' | 'server', bytes: Uint8Array): string[] {
  const out: string[] = [];
  const parser = new FrameParser(
    { side },
    {
      onMessageStart: (kind, compressed) =>
        out.push(`start ${kind}${compressed ? ' compressed' : ''}`),
      onMessageData: (chunk, last) =>
        out.push(`data ${Buffer.from(chunk).toString()}${last ? ' (last)' : ''}`),
    },
    {
      onControlFrame: (opcode, payload) =>
        out.push(`control ${opcode} ${Buffer.from(payload).toString()}`),
    },
  );
  parser.push(Buffer.from(bytes));
  return out;
}

test('RFC 6455 section 5.7 examples', () => {
  const hello = Buffer.from('Hello');
  assert.equal(toHex(serializeFrame(Opcode.Text, hello)), '81 05 48 65 6c 6c 6f');
  assert.equal(
    toHex(serializeFrame(Opcode.Text, hello, { maskKey: KEY })),
    '81 85 37 fa 21 3d 7f 9f 4d 51 58',
  );
  assert.equal(
    toHex(serializeFrame(Opcode.Text, Buffer.from('Hel'), { fin: false })),
    '01 03 48 65 6c',
  );
  assert.equal(toHex(serializeFrame(Opcode.Continuation, Buffer.from('lo'))), '80 02 6c 6f');
  assert.equal(toHex(serializeFrame(Opcode.Ping, hello)), '89 05 48 65 6c 6c 6f');
  assert.equal(
    toHex(serializeFrame(Opcode.Pong, hello, { maskKey: KEY })),
    '8a 85 37 fa 21 3d 7f 9f 4d 51 58',
  );
  assert.equal(
    toHex(serializeFrame(Opcode.Binary, Buffer.alloc(256)).subarray(0, 4)),
    '82 7e 01 00',
  );
  assert.equal(
    toHex(serializeFrame(Opcode.Binary, Buffer.alloc(65536)).subarray(0, 10)),
    '82 7f 00 00 00 00 00 01 00 00',
  );
  assert.equal(hello.toString(), 'Hello', 'the payload is not modified');
});

test('the writer uses the minimal length form at 0, 125, 126, 65535 and 65536 bytes', () => {
  for (const [length, header] of [
    [0, '82 00'],
    [125, '82 7d'],
    [126, '82 7e 00 7e'],
    [65535, '82 7e ff ff'],
    [65536, '82 7f 00 00 00 00 00 01 00 00'],
  ] as const) {
    const writer = new FrameWriter(null);
    writer.writeFrame(Opcode.Binary, true, false, Buffer.alloc(length, 1), false);
    const bytes = bytesOf(writer.take());
    assert.equal(toHex(bytes.subarray(0, header.length / 3 + 1)), header, String(length));
    assert.equal(bytes.length, (header.length + 1) / 3 + length);
  }
});

test('a client writer masks each frame with a fresh key', () => {
  let n = 0;
  const writer = new FrameWriter(() => ++n * 0x01010101);
  writer.writeFrame(Opcode.Binary, true, false, Buffer.from('ab'), false);
  writer.writeFrame(Opcode.Binary, true, false, Buffer.from('ab'), false);
  const bytes = bytesOf(writer.take());
  assert.equal(toHex(bytes), '82 82 01 01 01 01 60 63 82 82 02 02 02 02 63 60');
  assert.deepEqual(decode('server', bytes), [
    'start binary',
    'data ab (last)',
    'start binary',
    'data ab (last)',
  ]);
});

test('a server writer never masks', () => {
  const writer = new FrameWriter(null);
  writer.writeText(Opcode.Text, true, false, 'hi', Infinity);
  assert.equal(toHex(bytesOf(writer.take())), '81 02 68 69');
});

test('consecutive small frames share one buffer; take() empties the queue', () => {
  const writer = new FrameWriter(null);
  writer.writeText(Opcode.Text, true, false, 'one', Infinity);
  writer.writeFrame(Opcode.Ping, true, false, new Uint8Array(0), false);
  writer.writeClose(1000, 'bye');
  assert.equal(writer.pendingBytes, 5 + 2 + 7);
  const chunks = writer.take();
  assert.equal(chunks.length, 1);
  assert.equal(toHex(chunks[0]), '81 03 6f 6e 65 89 00 88 05 03 e8 62 79 65');
  assert.deepEqual(writer.take(), []);
  assert.equal(writer.pendingBytes, 0);
});

test('a server sends a large payload as [header, payload] without copying it', () => {
  const writer = new FrameWriter(null);
  const payload = Buffer.alloc(COPY_THRESHOLD_BYTES + 1, 7);
  writer.writeFrame(Opcode.Binary, true, false, payload, false);
  const chunks = writer.take();
  assert.equal(chunks.length, 2);
  assert.equal(toHex(chunks[0]), '82 7e 10 01');
  assert.equal(chunks[1], payload, 'the very same buffer');
});

test('a client masks a large payload into a copy behind its header, or in place when allowed', () => {
  const payload = Buffer.alloc(COPY_THRESHOLD_BYTES + 1, 7);
  const copying = new FrameWriter(() => KEY);
  copying.writeFrame(Opcode.Binary, true, false, payload, false);
  const copied = copying.take();
  assert.equal(copied.length, 1, 'header and masked copy in one buffer: one write');
  assert.equal(payload[0], 7, "the caller's buffer is untouched");
  const inPlace = new FrameWriter(() => KEY);
  inPlace.writeFrame(Opcode.Binary, true, false, payload, true);
  const masked = inPlace.take();
  assert.equal(masked[1], payload, 'masked in place');
  assert.deepEqual(Buffer.from(copied[0]), Buffer.concat([masked[0], masked[1]]));
  assert.equal(payload[0], 7 ^ 0x37);
});

test('strings are encoded straight behind their header, for every length form', () => {
  for (const text of [
    '',
    'é',
    'a'.repeat(41),
    'a'.repeat(42),
    'a'.repeat(125),
    'a'.repeat(126),
    'é'.repeat(63),
    '€'.repeat(2000),
    'x'.repeat(70000),
    '𝄞 κόσμε',
  ]) {
    for (const side of ['client', 'server'] as const) {
      const writer = new FrameWriter(side === 'client' ? () => KEY : null);
      writer.writeText(Opcode.Text, true, false, text, Infinity);
      const expected = serializeFrame(
        Opcode.Text,
        Buffer.from(text),
        side === 'client' ? { maskKey: KEY } : {},
      );
      assert.equal(toHex(bytesOf(writer.take())), toHex(expected), `${side} ${text.length} chars`);
    }
  }
});

test('a message is fragmented into frames of the chosen size, RSV1 on the first only', () => {
  const writer = new FrameWriter(null);
  writer.writeFragments(Opcode.Binary, true, true, Buffer.from('abcdefg'), 3, false);
  assert.equal(toHex(bytesOf(writer.take())), '42 03 61 62 63 00 03 64 65 66 80 01 67');
  writer.writeText(Opcode.Text, false, false, 'héllo', 2);
  assert.equal(toHex(bytesOf(writer.take())), '01 02 68 c3 00 02 a9 6c 00 02 6c 6f');
});

test('writeClose validates before writing anything', () => {
  const writer = new FrameWriter(null);
  assert.throws(() => writer.writeClose(1005, ''), RangeError);
  assert.throws(() => writer.writeClose(1000, 'x'.repeat(124)), RangeError);
  assert.equal(writer.pendingBytes, 0);
  writer.writeClose(undefined, '');
  assert.equal(toHex(bytesOf(writer.take())), '88 00');
});
