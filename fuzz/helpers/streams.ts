// Fuzz helpers: byte streams to throw at the parser. Valid frame sequences (data messages, some
// fragmented, some compressed with permessage-deflate, with Pings and Pongs between fragments, and
// maybe a Close), masked as the receiving side expects; then mutated (bit flips, truncation,
// inserted or deleted bytes, a huge payload length in a header), or plain random bytes; and cut
// into random chunks.

import { constants, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { Opcode } from '../../src/protocol/index.js';
import { serializeFrame } from '../../src/protocol/index.js';
import { seededBytes } from '../../test/helpers/seeded-bytes.js';

/** One frame of a sequence, and where its header sits in the serialized stream. */
interface Placed {
  offset: number;
  headerLength: number;
  masked: boolean;
}

/** A stream of frames and where each starts. */
export interface FrameStream {
  bytes: Uint8Array;
  frames: Placed[];
}

/** A change to a stream. Positions are taken modulo the stream's length. */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'hugeLength'; frame: number; length: bigint };

interface FrameSpec {
  opcode: number;
  fin: boolean;
  payload: Uint8Array;
  rsv1?: boolean;
}

/**
 * A message compressed as permessage-deflate sends it (RFC 7692 7.2.1): raw DEFLATE ending in a
 * sync flush, whose final 0x00 0x00 0xff 0xff is removed. No back-reference reaches an earlier
 * message, so it also inflates in a context kept from earlier messages.
 */
function compress(payload: Uint8Array): Uint8Array {
  const deflated = deflateRawSync(payload, { finishFlush: constants.Z_SYNC_FLUSH });
  return deflated.subarray(0, deflated.length - 4);
}

const smallSize = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 140 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1, 125, 126, 127) },
  { weight: 1, arbitrary: fc.constantFrom(65535, 65536) },
);

const textPayload = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((s) => Buffer.from(s)) },
  {
    weight: 1,
    arbitrary: fc.tuple(smallSize, fc.integer()).map(([n, s]) => seededBytes(n, s, true)),
  },
);
const binaryPayload = fc.tuple(smallSize, fc.integer()).map(([n, s]) => seededBytes(n, s, false));

const controlFrame: fc.Arbitrary<FrameSpec> = fc.record({
  opcode: fc.constantFrom(Opcode.Ping, Opcode.Pong),
  fin: fc.constant(true),
  payload: fc.uint8Array({ maxLength: 125 }),
});

/** Close codes a peer may send, and a reason (cut to 123 bytes), or an empty body. */
const closeFrame: fc.Arbitrary<FrameSpec> = fc
  .option(
    fc.record({
      code: fc.constantFrom(1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 3000, 4999),
      reason: fc.string({ unit: 'binary', maxLength: 40 }),
    }),
  )
  .map((close) => {
    if (close === null) return { opcode: Opcode.Close, fin: true, payload: new Uint8Array(0) };
    let reason = Buffer.from(close.reason);
    while (reason.length > 123) reason = Buffer.from(reason.toString().slice(0, -1));
    const payload = Buffer.alloc(2 + reason.length);
    payload.writeUInt16BE(close.code, 0);
    reason.copy(payload, 2);
    return { opcode: Opcode.Close, fin: true, payload };
  });

/** A data message: one frame, or fragments with control frames between them. */
const dataMessage: fc.Arbitrary<FrameSpec[]> = fc
  .record({
    text: fc.boolean(),
    textPayload,
    binaryPayload,
    compressed: fc.oneof(
      { weight: 4, arbitrary: fc.constant('no' as const) },
      { weight: 1, arbitrary: fc.constantFrom('deflate' as const, 'garbage' as const) },
    ),
    cuts: fc.array(fc.nat(), { maxLength: 3 }),
    controls: fc.array(fc.option(controlFrame, { freq: 3 }), { minLength: 3, maxLength: 3 }),
  })
  .map(({ text, textPayload: t, binaryPayload: b, compressed, cuts, controls }) => {
    const plain = text ? t : b;
    // Garbage: RSV1 on bytes that are not DEFLATE (the plain payload itself).
    const payload = compressed === 'deflate' ? compress(plain) : plain;
    const points = [...new Set(cuts.map((c) => c % (payload.length + 1)))].sort((x, y) => x - y);
    const pieces: Uint8Array[] = [];
    let start = 0;
    for (const point of [...points, payload.length]) {
      pieces.push(payload.subarray(start, point));
      start = point;
    }
    const frames: FrameSpec[] = [];
    pieces.forEach((piece, i) => {
      const opcode = i === 0 ? (text ? Opcode.Text : Opcode.Binary) : Opcode.Continuation;
      const rsv1 = i === 0 && compressed !== 'no';
      frames.push({ opcode, fin: i === pieces.length - 1, payload: piece, rsv1 });
      const control = controls[i];
      if (i < pieces.length - 1 && control !== null && control !== undefined) frames.push(control);
    });
    return frames;
  });

/**
 * A valid sequence of frames as a peer would send them: `masked` for frames a server receives.
 * About one message in five has RSV1 set, on DEFLATE data or on garbage: valid only where
 * permessage-deflate was negotiated.
 *
 * @param masked - Whether the frames are masked (client to server).
 */
export function validStream(masked: boolean): fc.Arbitrary<FrameStream> {
  const item = fc.oneof(
    { weight: 3, arbitrary: dataMessage },
    { weight: 1, arbitrary: controlFrame.map((c) => [c]) },
  );
  return fc
    .record({
      items: fc.array(item, { maxLength: 5 }),
      close: fc.option(closeFrame, { freq: 2 }),
      keys: fc.array(fc.integer(), { minLength: 16, maxLength: 16 }),
    })
    .map(({ items, close, keys }) => {
      const specs = items.flat();
      if (close !== null) specs.push(close);
      return serializeAll(specs, masked, keys);
    });
}

function serializeAll(specs: FrameSpec[], masked: boolean, keys: number[]): FrameStream {
  const frames: Placed[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  specs.forEach((spec, i) => {
    const maskKey = masked ? keys[i % keys.length] >>> 0 : undefined;
    const bytes = serializeFrame(spec.opcode, spec.payload, {
      fin: spec.fin,
      maskKey,
      rsv1: spec.rsv1,
    });
    frames.push({ offset, headerLength: bytes.length - spec.payload.length, masked });
    parts.push(bytes);
    offset += bytes.length;
  });
  return { bytes: Buffer.concat(parts), frames };
}

const hugeLengths: readonly bigint[] = [
  2n ** 63n + 5n, // most significant bit set: invalid (1002)
  2n ** 64n - 1n,
  2n ** 53n, // over 2^53 - 1 (1009)
  2n ** 32n + 1n,
  16n * 1024n * 1024n + 1n, // over the default message limit (1009)
  1024n * 1024n, // within the limit: the parser waits for it
  70000n,
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 16 }),
  }),
  fc.record({
    kind: fc.constant('hugeLength' as const),
    frame: fc.nat(),
    length: fc.constantFrom(...hugeLengths),
  }),
);

/** Applies mutations in order; a huge length rewrites a frame header (before other changes). */
export function mutate(stream: FrameStream, mutations: readonly Mutation[]): Uint8Array {
  let bytes: Buffer = Buffer.from(stream.bytes);
  const ordered = [
    ...mutations.filter((m) => m.kind === 'hugeLength'),
    ...mutations.filter((m) => m.kind !== 'hugeLength'),
  ];
  let headersValid = true;
  for (const m of ordered) {
    if (m.kind === 'hugeLength') {
      if (!headersValid || stream.frames.length === 0) continue;
      bytes = withHugeLength(bytes, stream.frames[m.frame % stream.frames.length], m.length);
      headersValid = false; // offsets moved
      continue;
    }
    if (bytes.length === 0) {
      if (m.kind === 'insert') bytes = Buffer.from(m.bytes);
      continue;
    }
    const at = m.at % bytes.length;
    if (m.kind === 'flip') bytes[at] ^= 1 << m.bit;
    else if (m.kind === 'truncate') bytes = bytes.subarray(0, at);
    else if (m.kind === 'insert')
      bytes = Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    else bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
  }
  return bytes;
}

/** Rewrites one frame's header to declare `length` bytes (64-bit form); its payload follows. */
function withHugeLength(bytes: Buffer, frame: Placed, length: bigint): Buffer {
  const header = Buffer.alloc(2 + 8 + (frame.masked ? 4 : 0));
  header[0] = bytes[frame.offset];
  header[1] = (frame.masked ? 0x80 : 0) | 127;
  header.writeBigUInt64BE(BigInt.asUintN(64, length), 2);
  if (frame.masked) {
    const keyAt = frame.offset + frame.headerLength - 4;
    bytes.copy(header, 10, keyAt, keyAt + 4);
  }
  return Buffer.concat([
    bytes.subarray(0, frame.offset),
    header,
    bytes.subarray(frame.offset + frame.headerLength),
  ]);
}

/** Cuts bytes into chunks at the given points (modulo the length); empty chunks are kept. */
export function chunk(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.slice(start, point));
    start = point;
  }
  return chunks;
}

/** A stream to feed: a mutated valid sequence (mostly), or random bytes; and its chunking. */
export function fuzzInput(masked: boolean): fc.Arbitrary<{ chunks: Uint8Array[]; label: string }> {
  const mutated = fc
    .record({
      stream: validStream(masked),
      mutations: fc.array(mutation, { maxLength: 3 }),
    })
    .map(({ stream, mutations }) => ({
      bytes: mutate(stream, mutations),
      label: mutations.map((m) => m.kind).join('+') || 'valid',
    }));
  const random = fc.uint8Array({ maxLength: 400 }).map((bytes) => ({ bytes, label: 'random' }));
  return fc
    .record({
      input: fc.oneof({ weight: 5, arbitrary: mutated }, { weight: 1, arbitrary: random }),
      cuts: fc.array(fc.nat(), { maxLength: 8 }),
    })
    .map(({ input, cuts }) => ({ chunks: chunk(input.bytes, cuts), label: input.label }));
}
