// Protocol tests (property-based): random sequences of messages and control frames — random
// opcodes, fragmentation, sizes including 0, 125, 126, 65535 and 65536, masks — serialized by
// the writer, parsed back under random chunkings (and every split for small sequences); the
// events must equal the input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameWriter } from '../../src/protocol/serializer.js';
import { Opcode } from '../../src/codec/opcode.js';
import type { Side } from '../../src/protocol/events.js';
import type { RecordedEvent } from '../helpers/recording-handler.js';
import { recordingProtocol } from '../helpers/peer-frames.js';
import { chunkings, splitAt } from '../helpers/split-feed.js';
import { seededBytes } from '../helpers/seeded-bytes.js';

interface Control {
  opcode: typeof Opcode.Ping | typeof Opcode.Pong;
  payload: Uint8Array;
}
interface Message {
  kind: 'text' | 'binary';
  compressed: boolean;
  /** Payload pieces, one per frame; controls to send after each piece (not after the last). */
  fragments: { payload: Uint8Array; controlsAfter: Control[] }[];
}
type Item = { message: Message } | { control: Control };

const size = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 200 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1, 125, 126, 127) },
  { weight: 1, arbitrary: fc.constantFrom(65535, 65536, 70000) },
);
const bytes = fc.tuple(size, fc.integer()).map(([n, seed]) => seededBytes(n, seed));
const control = fc.record({
  opcode: fc.constantFrom(Opcode.Ping, Opcode.Pong),
  payload: fc
    .tuple(fc.integer({ min: 0, max: 125 }), fc.integer())
    .map(([n, s]) => seededBytes(n, s)),
});

/** Cuts `payload` into pieces at random points (text may be cut inside a code point). */
function pieces(payload: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (payload.length + 1)))].sort((a, b) => a - b);
  return splitAt(payload, points);
}

function message(rsv1Allowed: boolean): fc.Arbitrary<Message> {
  const textPayload = fc
    .string({ unit: 'binary', maxLength: 150 })
    .map((s) => new Uint8Array(Buffer.from(s)));
  return fc
    .record({
      kind: fc.constantFrom('text' as const, 'binary' as const),
      compressed: rsv1Allowed ? fc.boolean() : fc.constant(false),
      text: textPayload,
      binary: bytes,
      cuts: fc.array(fc.nat(), { maxLength: 4 }),
      controls: fc.array(fc.array(control, { maxLength: 2 }), { minLength: 5, maxLength: 5 }),
    })
    .map(({ kind, compressed, text, binary, cuts, controls }) => {
      // Compressed payloads are opaque bytes to the core, text or not.
      const payload = kind === 'text' && !compressed ? text : binary;
      const parts = pieces(payload, cuts);
      return {
        kind,
        compressed,
        fragments: parts.map((p, i) => ({
          payload: p,
          controlsAfter: i + 1 < parts.length ? controls[i] : [],
        })),
      };
    });
}

function items(rsv1Allowed: boolean): fc.Arbitrary<Item[]> {
  return fc.array(
    fc.oneof(
      { weight: 3, arbitrary: message(rsv1Allowed).map((m) => ({ message: m })) },
      { weight: 1, arbitrary: control.map((c) => ({ control: c })) },
    ),
    { minLength: 1, maxLength: 6 },
  );
}

/** The wire bytes, as the peer of `receiver` would send them (masked towards a server). */
function serialize(receiver: Side, sequence: Item[], masks: number[]): Uint8Array {
  let m = 0;
  const writer = new FrameWriter(receiver === 'server' ? () => masks[m++ % masks.length] : null);
  const sendControl = (c: Control) => writer.writeFrame(c.opcode, true, false, c.payload, false);
  for (const item of sequence) {
    if ('control' in item) {
      sendControl(item.control);
      continue;
    }
    const { kind, compressed, fragments } = item.message;
    fragments.forEach(({ payload, controlsAfter }, i) => {
      const opcode =
        i === 0 ? (kind === 'text' ? Opcode.Text : Opcode.Binary) : Opcode.Continuation;
      writer.writeFrame(opcode, i === fragments.length - 1, i === 0 && compressed, payload, false);
      controlsAfter.forEach(sendControl);
    });
  }
  return Buffer.concat(writer.take());
}

/** What the handler should see, in RecordingHandler.merged() form. */
function expectedEvents(sequence: Item[]): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  const controlEvent = (c: Control): RecordedEvent => ({
    type: c.opcode === Opcode.Ping ? 'ping' : 'pong',
    hex: Buffer.from(c.payload).toString('hex'),
  });
  for (const item of sequence) {
    if ('control' in item) {
      out.push(controlEvent(item.control));
      continue;
    }
    out.push({ type: 'start', kind: item.message.kind, compressed: item.message.compressed });
    let pending = '';
    for (const { payload, controlsAfter } of item.message.fragments) {
      pending += Buffer.from(payload).toString('hex');
      if (controlsAfter.length > 0 && pending !== '') {
        out.push({ type: 'data', hex: pending, last: false });
        pending = '';
      }
      out.push(...controlsAfter.map(controlEvent));
    }
    out.push({ type: 'data', hex: pending, last: true });
  }
  return out;
}

function parse(receiver: Side, chunks: Uint8Array[], rsv1Allowed: boolean): RecordedEvent[] {
  const { protocol, handler } = recordingProtocol(receiver, { rsv1Allowed, autoPong: false });
  for (const chunk of chunks) protocol.receiveData(chunk);
  return handler.merged();
}

for (const receiver of ['server', 'client'] as const) {
  for (const rsv1Allowed of [false, true]) {
    test(`property: ${receiver} parses back what the writer serialized (rsv1Allowed ${rsv1Allowed})`, () => {
      fc.assert(
        fc.property(
          items(rsv1Allowed),
          fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
          fc.array(fc.nat(), { maxLength: 24 }),
          (sequence, masks, rawCuts) => {
            const wire = serialize(receiver, sequence, masks);
            const expected = expectedEvents(sequence);
            const cuts = [...new Set(rawCuts.map((c) => c % (wire.length + 1)))].sort(
              (a, b) => a - b,
            );
            assert.deepEqual(parse(receiver, splitAt(wire, cuts), rsv1Allowed), expected);
          },
        ),
        { numRuns: 120 },
      );
    });
  }

  test(`property: ${receiver} parses small sequences identically under every single split`, () => {
    const small = fc.array(
      fc.oneof(
        fc
          .record({
            kind: fc.constantFrom('text' as const, 'binary' as const),
            compressed: fc.constant(false),
            text: fc.string({ unit: 'binary', maxLength: 6 }),
            cuts: fc.array(fc.nat(), { maxLength: 2 }),
          })
          .map(({ kind, compressed, text, cuts }): Item => ({
            message: {
              kind,
              compressed,
              fragments: pieces(new Uint8Array(Buffer.from(text)), cuts).map((payload) => ({
                payload,
                controlsAfter: [],
              })),
            },
          })),
        fc
          .uint8Array({ maxLength: 3 })
          .map((payload): Item => ({ control: { opcode: Opcode.Ping, payload } })),
      ),
      { minLength: 1, maxLength: 3 },
    );
    fc.assert(
      fc.property(small, fc.integer(), (sequence, mask) => {
        const wire = serialize(receiver, sequence, [mask]);
        const expected = expectedEvents(sequence);
        for (const { name, chunks } of chunkings(wire)) {
          assert.deepEqual(parse(receiver, chunks, false), expected, name);
        }
      }),
      { numRuns: 60 },
    );
  });
}
