// Tests for messages received in parts: a one-frame message that spans reads is kept as views of
// them (when the feeder never reuses its input, as a connection's transport does not), joined
// when the application reads it, and sent on as it is; a small middle part turns to copying.
// Every two-way split of the input, and three-way splits around the view bound, are checked
// against the payload and against the frame that sending the joined payload makes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIN_VIEW_PART_BYTES, MessageAssembler } from '../../src/message/assembler.js';
import { strictPayloadParts } from '../../src/message/message.js';
import type { Message } from '../../src/message/message.js';
import { renderStrict } from '../../src/message/renderer.js';
import type { MessageKind, ProtocolHandler, Side } from '../../src/protocol/events.js';
import { Protocol } from '../../src/protocol/protocol.js';
import { peerFrame } from '../helpers/peer-frames.js';
import { seededBytes } from '../helpers/seeded-bytes.js';
import { splitAt } from '../helpers/split-feed.js';

const FIXED_MASK = (mask: Uint8Array): void => mask.set([0x11, 0x22, 0x33, 0x44]);

/** A text payload of about `size` bytes, of code points of 1 to 4 bytes (cuts split some). */
function textPayload(size: number): Uint8Array {
  return Buffer.from('aé€😀'.repeat(Math.floor(size / 10)), 'utf8');
}

/** Parses `chunks` (one batch each) as `side` with views kept; returns the messages delivered. */
function receive(side: Side, chunks: readonly Uint8Array[]): Message[] {
  const delivered: Message[] = [];
  const assembler = new MessageAssembler(
    {
      deliver: (message) => delivered.push(message),
      pauseReading: () => undefined,
      resumeReading: () => undefined,
    },
    { partsStayValid: true },
  );
  const handler: ProtocolHandler = {
    onMessageStart: (kind: MessageKind, compressed: boolean, wholeBytes?: number) =>
      assembler.onMessageStart(kind, compressed, wholeBytes),
    onMessageData: (chunk: Uint8Array, last: boolean) => assembler.onMessageData(chunk, last),
    onPing: () => undefined,
    onPong: () => undefined,
    onPeerClose: () => undefined,
    onProtocolError: (error) => assert.fail(error),
  };
  const protocol = new Protocol({ side, handler });
  for (const chunk of chunks) {
    protocol.receiveData(chunk);
    assembler.endBatch();
  }
  return delivered;
}

/** The bytes a `side` protocol writes for `message` (renderStrict, as the writer does). */
function sent(side: Side, message: Message | Uint8Array | string): Buffer {
  const protocol = new Protocol({
    side,
    handler: {} as ProtocolHandler,
    maskGenerator: FIXED_MASK,
  });
  const target = {
    sendText: (data: string | Uint8Array) => protocol.sendText(data),
    sendBinary: (data: Uint8Array) => protocol.sendBinary(data),
    sendContinuation: () => assert.fail('one frame expected'),
    sendPing: () => assert.fail('no ping expected'),
    sendPong: () => assert.fail('no pong expected'),
    sendWholeMessage: (kind: MessageKind, parts: readonly Uint8Array[]) =>
      protocol.sendWholeMessage(kind, parts),
  };
  assert.ok(renderStrict(target, message));
  return Buffer.concat(protocol.takeOutgoing());
}

/** Checks one chunking: the payload, kept in parts until read, and the frame sent on. */
function check(receiver: Side, kind: MessageKind, payload: Uint8Array, chunks: Uint8Array[]) {
  const [message, ...rest] = receive(receiver, chunks);
  assert.equal(rest.length, 0);
  assert.ok(message.isStrict);
  assert.equal(message.isText, kind === 'text');
  // The receiver sends it back: a client masks its copy (with a fixed key here).
  const replier: Side = receiver;
  const expected = sent(replier, kind === 'text' ? Buffer.from(payload).toString() : payload);
  const echoed = sent(replier, message);
  assert.ok(echoed.equals(expected), 'the frame sent on equals the one of the joined payload');
  if (message.isText) assert.equal(message.text, Buffer.from(payload).toString());
  else assert.ok(Buffer.from(message.data).equals(payload));
  assert.equal(strictPayloadParts(message), undefined, 'joined once read');
  assert.ok(sent(replier, message).equals(expected), 'and sent the same way once joined');
}

describe('messages received in parts', () => {
  for (const receiver of ['server', 'client'] as const) {
    for (const kind of ['binary', 'text'] as const) {
      it(`${receiver}, ${kind}: every two-way split of a message gives its payload and echo`, () => {
        const payload = kind === 'text' ? textPayload(1500) : seededBytes(1500, 7);
        const frame = peerFrame(receiver, kind === 'text' ? 0x81 : 0x82, payload);
        for (let cut = 1; cut < frame.length; cut++) {
          try {
            check(receiver, kind, payload, splitAt(frame, [cut]));
          } catch (error) {
            if (error instanceof Error) error.message = `[split at ${cut}] ${error.message}`;
            throw error;
          }
        }
      });

      it(`${receiver}, ${kind}: three reads, with a middle part just under and at the view bound`, () => {
        const size = 3 * MIN_VIEW_PART_BYTES;
        const payload = kind === 'text' ? textPayload(size) : seededBytes(size, 11);
        const frame = peerFrame(receiver, kind === 'text' ? 0x81 : 0x82, payload);
        for (const first of [1, 10, 14, 15, 4000, 5003]) {
          for (const middle of [
            1,
            MIN_VIEW_PART_BYTES - 1,
            MIN_VIEW_PART_BYTES,
            2 * MIN_VIEW_PART_BYTES,
          ]) {
            if (first + middle >= frame.length) continue;
            try {
              check(receiver, kind, payload, splitAt(frame, [first, first + middle]));
            } catch (error) {
              if (error instanceof Error) error.message = `[${first}+${middle}] ${error.message}`;
              throw error;
            }
          }
        }
      });
    }
  }

  it('a message of whole reads is kept as views of them until read', () => {
    const payload = seededBytes(4 * MIN_VIEW_PART_BYTES, 3);
    const frame = peerFrame('server', 0x82, payload);
    const cuts = [100, 100 + MIN_VIEW_PART_BYTES, 100 + 2 * MIN_VIEW_PART_BYTES];
    const chunks = splitAt(frame, cuts);
    const [message] = receive('server', chunks);
    const parts = strictPayloadParts(message);
    assert.ok(parts !== undefined);
    assert.equal(parts.parts.length, 4);
    assert.equal(parts.bytes, payload.length);
    parts.parts.forEach((part, i) => assert.equal(part.buffer, chunks[i].buffer, `part ${i}`));
  });

  it('a small middle part turns to copying: the message owns its bytes from then on', () => {
    const payload = seededBytes(3 * MIN_VIEW_PART_BYTES, 5);
    const frame = peerFrame('client', 0x82, payload);
    const chunks = splitAt(frame, [MIN_VIEW_PART_BYTES, MIN_VIEW_PART_BYTES + 10]);
    const [message] = receive('client', chunks);
    assert.equal(strictPayloadParts(message), undefined);
    for (const chunk of chunks) chunk.fill(0);
    assert.ok(message.isBinary && message.isStrict);
    assert.ok(Buffer.from(message.data).equals(payload));
  });

  it('sending parts is refused while a fragmented message is open', () => {
    const protocol = new Protocol({ side: 'server', handler: {} as ProtocolHandler });
    protocol.sendBinary(Uint8Array.of(1), false);
    assert.throws(
      () => protocol.sendWholeMessage('binary', [Uint8Array.of(2)]),
      /fragmented message is open/,
    );
  });

  it('parts longer than the frame limit are joined and fragmented', () => {
    const payload = seededBytes(10, 9);
    const options = { side: 'server' as const, handler: {} as ProtocolHandler };
    const protocol = new Protocol({ ...options, maxOutgoingFrameBytes: 4 });
    protocol.sendWholeMessage('binary', [payload.subarray(0, 3), payload.subarray(3)]);
    const reference = new Protocol({ ...options, maxOutgoingFrameBytes: 4 });
    reference.sendBinary(payload);
    const bytes = Buffer.concat(protocol.takeOutgoing());
    assert.ok(bytes.equals(Buffer.concat(reference.takeOutgoing())));
    assert.equal(bytes[0], 0x02, 'a first frame without FIN');
  });
});
