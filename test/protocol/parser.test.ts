// Protocol tests: the receiver rules of RFC 6455 section 5, bytes in and events out, each case
// fed whole, split at every byte boundary and byte by byte; server and client twins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedEvent } from '../helpers/recording-handler.js';
import { forEachChunking } from '../helpers/split-feed.js';
import { hex } from '../helpers/frame-bits.js';
import { peerFrame, peerView, recordingProtocol, SIDES } from '../helpers/peer-frames.js';
import type { ProtocolOptions } from '../../src/protocol/protocol.js';
import type { Side } from '../../src/protocol/events.js';

type Options = Partial<ProtocolOptions>;
const text = (s: string, last = true): RecordedEvent => ({
  type: 'data',
  hex: Buffer.from(s).toString('hex'),
  last,
});
const start = (kind: 'text' | 'binary', compressed = false): RecordedEvent => ({
  type: 'start',
  kind,
  compressed,
});

/** Every chunking of `bytes` yields `expected` (data parts merged). */
function expectEvents(
  side: Side,
  bytes: Uint8Array,
  expected: RecordedEvent[],
  options: Options = {},
): void {
  forEachChunking(bytes, (chunks) => {
    const { protocol, handler } = recordingProtocol(side, options);
    for (const chunk of chunks) protocol.receiveData(chunk);
    assert.deepEqual(handler.merged(), expected);
    assert.equal(protocol.state, 'OPEN');
  });
}

/**
 * Every chunking of `bytes` fails the connection with `code`/`closeCode` after `before`.
 * With `partialData`, non-final data parts are left out of the comparison: fed byte by byte,
 * the valid start of a payload is delivered before the byte that fails it.
 */
function expectFailure(
  side: Side,
  bytes: Uint8Array,
  code: string,
  closeCode: number,
  before: RecordedEvent[] = [],
  options: Options = {},
  partialData = false,
): void {
  forEachChunking(bytes, (chunks) => {
    const { protocol, handler } = recordingProtocol(side, options);
    for (const chunk of chunks) protocol.receiveData(chunk);
    const events = handler.merged().filter((e) => !(partialData && e.type === 'data' && !e.last));
    assert.deepEqual(events, [...before, { type: 'error', code, closeCode }]);
    assert.equal(protocol.state, 'CLOSING');
    assert.equal(protocol.closeTransportExpected(), true);
    const sent = peerView(protocol).events;
    assert.equal(sent.length, 1);
    assert.equal(
      sent[0].type === 'close' && sent[0].code,
      closeCode,
      'a Close with the code was sent',
    );
  });
}

for (const side of SIDES) {
  const f = (first: number, payload: string | Uint8Array = '', options = {}) =>
    peerFrame(side, first, payload, options);
  const ERR_1002 = 1002;

  test(`${side} receives a single-frame text message`, () => {
    expectEvents(side, f(0x81, 'Hello'), [start('text'), text('Hello')]);
  });

  test(`${side} receives a fragmented message with a Ping between the fragments, in order`, () => {
    const bytes = Buffer.concat([f(0x01, 'Hel'), f(0x89, 'ping'), f(0x80, 'lo')]);
    expectEvents(side, bytes, [
      start('text'),
      text('Hel', false),
      { type: 'ping', hex: Buffer.from('ping').toString('hex') },
      text('lo'),
    ]);
  });

  test(`${side} receives empty messages and empty fragments`, () => {
    expectEvents(side, f(0x82), [start('binary'), text('')]);
    expectEvents(side, Buffer.concat([f(0x01), f(0x00), f(0x80)]), [start('text'), text('')]);
  });

  test(`${side} receives 16-bit and 64-bit lengths, and accepts a non-minimal length form`, () => {
    const payload = Buffer.alloc(300, 'x').toString();
    expectEvents(side, f(0x82, payload), [start('binary'), text(payload)]);
    // 5.2's "minimal number of bytes MUST be used" binds senders; like ws and python-websockets,
    // wsflow does not fail a peer that spends more bytes than needed.
    expectEvents(side, f(0x82, 'abc', { lengthBits: 16 }), [start('binary'), text('abc')]);
    expectEvents(side, f(0x82, 'abc', { lengthBits: 64 }), [start('binary'), text('abc')]);
  });

  test(`${side} receives a Pong and a control frame of exactly 125 bytes`, () => {
    const payload = 'p'.repeat(125);
    expectEvents(side, f(0x8a, payload), [
      { type: 'pong', hex: Buffer.from(payload).toString('hex') },
    ]);
  });

  // 5.1 masking, the side-dependent rule.
  if (side === 'server') {
    test('server receives an unmasked frame → 1002', () => {
      expectFailure(side, f(0x81, 'hi', { masked: false }), 'WSFLOW_ERR_EXPECTED_MASK', ERR_1002);
    });
  } else {
    test('client receives a masked frame → 1002', () => {
      expectFailure(side, f(0x81, 'hi', { masked: true }), 'WSFLOW_ERR_UNEXPECTED_MASK', ERR_1002);
    });
  }

  test(`${side} receives RSV1 without a negotiated extension → 1002`, () => {
    expectFailure(side, f(0xc1, 'x'), 'WSFLOW_ERR_UNEXPECTED_RSV_1', ERR_1002);
  });

  test(`${side} receives RSV1 on the first frame when allowed: compressed, text not validated`, () => {
    expectEvents(
      side,
      f(0xc1, hex`ff fe`),
      [start('text', true), { type: 'data', hex: 'fffe', last: true }],
      { rsv1Allowed: true },
    );
  });

  test(`${side} receives RSV1 on a continuation frame, even when allowed → 1002`, () => {
    const bytes = Buffer.concat([f(0x41, 'a'), f(0xc0, 'b')]);
    expectFailure(
      side,
      bytes,
      'WSFLOW_ERR_UNEXPECTED_RSV_1',
      ERR_1002,
      [start('text', true), text('a', false)],
      { rsv1Allowed: true },
    );
  });

  test(`${side} receives RSV1 on a control frame, even when allowed → 1002`, () => {
    expectFailure(side, f(0xc9), 'WSFLOW_ERR_UNEXPECTED_RSV_1', ERR_1002, [], {
      rsv1Allowed: true,
    });
  });

  test(`${side} receives RSV2 or RSV3, even with an extension → 1002`, () => {
    expectFailure(side, f(0xa1, 'x'), 'WSFLOW_ERR_UNEXPECTED_RSV_2_3', ERR_1002, [], {
      rsv1Allowed: true,
    });
    expectFailure(side, f(0x91, 'x'), 'WSFLOW_ERR_UNEXPECTED_RSV_2_3', ERR_1002, [], {
      rsv1Allowed: true,
    });
  });

  test(`${side} receives each reserved opcode → 1002`, () => {
    for (const opcode of [0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf]) {
      expectFailure(side, f(0x80 | opcode), 'WSFLOW_ERR_INVALID_OPCODE', ERR_1002);
    }
  });

  test(`${side} receives a control frame over 125 bytes → 1002 at header time`, () => {
    const frame = f(0x89, 'x'.repeat(126));
    const header = frame.subarray(0, side === 'server' ? 8 : 4);
    expectFailure(side, header, 'WSFLOW_ERR_CONTROL_FRAME_TOO_BIG', ERR_1002);
  });

  test(`${side} receives a fragmented control frame → 1002`, () => {
    expectFailure(side, f(0x09, 'x'), 'WSFLOW_ERR_FRAGMENTED_CONTROL_FRAME', ERR_1002);
    expectFailure(side, f(0x08), 'WSFLOW_ERR_FRAGMENTED_CONTROL_FRAME', ERR_1002);
  });

  test(`${side} receives a continuation frame without a message → 1002`, () => {
    expectFailure(side, f(0x80, 'x'), 'WSFLOW_ERR_UNEXPECTED_CONTINUATION', ERR_1002);
    const afterMessage = Buffer.concat([f(0x81, 'a'), f(0x80, 'b')]);
    expectFailure(side, afterMessage, 'WSFLOW_ERR_UNEXPECTED_CONTINUATION', ERR_1002, [
      start('text'),
      text('a'),
    ]);
  });

  test(`${side} receives a new data frame inside a fragmented message → 1002`, () => {
    for (const second of [0x81, 0x02]) {
      const bytes = Buffer.concat([f(0x01, 'a'), f(second, 'b')]);
      expectFailure(side, bytes, 'WSFLOW_ERR_EXPECTED_CONTINUATION', ERR_1002, [
        start('text'),
        text('a', false),
      ]);
    }
  });

  test(`${side} receives a message over maxMessageBytes → 1009 from the header alone`, () => {
    const options = { maxMessageBytes: 10 };
    expectEvents(side, f(0x82, 'x'.repeat(10)), [start('binary'), text('x'.repeat(10))], options);
    const header = f(0x82, 'x'.repeat(11)).subarray(0, side === 'server' ? 6 : 2);
    expectFailure(side, header, 'WSFLOW_ERR_MESSAGE_TOO_BIG', 1009, [], options);
  });

  test(`${side} accounts 16 bytes per continuation fragment against maxMessageBytes`, () => {
    const options = { maxMessageBytes: 100 };
    const fits = Buffer.concat([f(0x02, 'a'.repeat(50)), f(0x80, 'b'.repeat(34))]); // 50 + 34 + 16
    expectEvents(side, fits, [start('binary'), text('a'.repeat(50) + 'b'.repeat(34))], options);
    const over = Buffer.concat([f(0x02, 'a'.repeat(50)), f(0x80, 'b'.repeat(35))]);
    expectFailure(
      side,
      over,
      'WSFLOW_ERR_MESSAGE_TOO_BIG',
      1009,
      [start('binary'), text('a'.repeat(50), false)],
      options,
    );
  });

  test(`${side} receives a frame over maxFrameBytes → 1009; smaller fragments pass`, () => {
    const options = { maxFrameBytes: 10 };
    expectFailure(side, f(0x82, 'x'.repeat(11)), 'WSFLOW_ERR_FRAME_TOO_BIG', 1009, [], options);
    const fragments = Buffer.concat([f(0x02, 'x'.repeat(10)), f(0x80, 'y'.repeat(10))]);
    expectEvents(
      side,
      fragments,
      [start('binary'), text('x'.repeat(10) + 'y'.repeat(10))],
      options,
    );
  });

  test(`${side} receives a 64-bit length with the top bit set → 1002, above 2^53 - 1 → 1009`, () => {
    const mask = side === 'server' ? hex`37 fa 21 3d` : hex``;
    const maskBit = side === 'server' ? 0x80 : 0;
    const topBit = Buffer.concat([
      Uint8Array.of(0x82, maskBit | 127),
      hex`80 00 00 00 00 00 00 00`,
      mask,
    ]);
    expectFailure(side, topBit, 'WSFLOW_ERR_INVALID_PAYLOAD_LENGTH', ERR_1002);
    const unsafe = Buffer.concat([
      Uint8Array.of(0x82, maskBit | 127),
      hex`00 20 00 00 00 00 00 00`,
      mask,
    ]);
    expectFailure(side, unsafe, 'WSFLOW_ERR_FRAME_TOO_BIG', 1009);
  });

  test(`${side} receives invalid UTF-8 in a single-frame text message → 1007, nothing delivered`, () => {
    const frame = f(0x81, hex`ce ba ed a0 80`);
    expectFailure(side, frame, 'WSFLOW_ERR_INVALID_UTF8', 1007, [start('text')], {}, true);
    const { protocol, handler } = recordingProtocol(side);
    protocol.receiveData(frame);
    assert.deepEqual(handler.events, [
      start('text'),
      { type: 'error', code: 'WSFLOW_ERR_INVALID_UTF8', closeCode: 1007 },
    ]);
  });

  test(`${side} fails on invalid UTF-8 before the rest of the message arrives`, () => {
    // Only the first fragment is fed: the impossible byte fails the connection right away.
    expectFailure(
      side,
      f(0x01, hex`41 c0`),
      'WSFLOW_ERR_INVALID_UTF8',
      1007,
      [start('text')],
      {},
      true,
    );
  });

  test(`${side} fails on a text message that ends inside a code point → 1007`, () => {
    const bytes = Buffer.concat([f(0x01, 'a'), f(0x80, hex`e2 82`)]);
    expectFailure(side, bytes, 'WSFLOW_ERR_INVALID_UTF8', 1007, [start('text')], {}, true);
  });

  test(`${side} accepts a code point split across fragments`, () => {
    const bytes = Buffer.concat([f(0x01, hex`e2 82`), f(0x89), f(0x80, hex`ac`)]);
    expectEvents(side, bytes, [
      start('text'),
      { type: 'data', hex: 'e282', last: false },
      { type: 'ping', hex: '' },
      { type: 'data', hex: 'ac', last: true },
    ]);
  });

  test(`${side} does not validate binary messages as UTF-8`, () => {
    expectEvents(side, f(0x82, hex`ff`), [
      start('binary'),
      { type: 'data', hex: 'ff', last: true },
    ]);
  });

  test(`${side} receives Close bodies: empty → 1005, 1 byte → 1002, bad code → 1002, bad reason → 1007`, () => {
    expectEvents2(side, f(0x88), [{ type: 'close', code: 1005, reason: '' }]);
    expectEvents2(side, f(0x88, hex`03 e8 62 79 65`), [
      { type: 'close', code: 1000, reason: 'bye' },
    ]);
    expectFailure(side, f(0x88, hex`03`), 'WSFLOW_ERR_INVALID_CLOSE_PAYLOAD', ERR_1002);
    expectFailure(side, f(0x88, hex`03 ed`), 'WSFLOW_ERR_INVALID_CLOSE_CODE', ERR_1002);
    expectFailure(side, f(0x88, hex`03 e8 ff`), 'WSFLOW_ERR_INVALID_UTF8', 1007);
  });

  test(`${side} discards everything after a failure, in the same chunk and later ones`, () => {
    const { protocol, handler } = recordingProtocol(side);
    protocol.receiveData(Buffer.concat([f(0x83), f(0x81, 'later')]));
    protocol.receiveData(f(0x81, 'even later'));
    assert.deepEqual(handler.merged(), [
      { type: 'error', code: 'WSFLOW_ERR_INVALID_OPCODE', closeCode: 1002 },
    ]);
  });

  test(`${side} discards everything after the peer's Close`, () => {
    const { protocol, handler } = recordingProtocol(side);
    protocol.receiveData(Buffer.concat([f(0x88), f(0x81, 'after close')]));
    protocol.receiveData(f(0x83));
    assert.deepEqual(handler.merged(), [{ type: 'close', code: 1005, reason: '' }]);
  });
}

/** Like expectEvents, for sequences that end in the peer's Close (state CLOSING). */
function expectEvents2(side: Side, bytes: Uint8Array, expected: RecordedEvent[]): void {
  forEachChunking(bytes, (chunks) => {
    const { protocol, handler } = recordingProtocol(side);
    for (const chunk of chunks) protocol.receiveData(chunk);
    assert.deepEqual(handler.merged(), expected);
  });
}
