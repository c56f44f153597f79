// Protocol tests: the sans-I/O session — sending rules and errors, automatic Pong and Close
// echo, failing, the close handshake from either side, and the close outcome. No sockets: the
// peer is played by a second Protocol reading what this one wants to send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Protocol, ProtocolState } from '../../src/protocol/protocol.js';
import { InvalidStateError, ProtocolError } from '../../src/errors.js';
import { hex } from '../helpers/frame-bits.js';
import { peerFrame, peerView, recordingProtocol, SIDES } from '../helpers/peer-frames.js';
import type { RecordedEvent } from '../helpers/recording-handler.js';

const hexOf = (s: string) => Buffer.from(s).toString('hex');

/** Two protocols wired back to back: `pump` moves the queued bytes of each to the other. */
function pair() {
  const a = recordingProtocol('client');
  const b = recordingProtocol('server');
  const pump = () => {
    while (a.protocol.hasOutgoing || b.protocol.hasOutgoing) {
      for (const bytes of a.protocol.takeOutgoing()) b.protocol.receiveData(Buffer.from(bytes));
      for (const bytes of b.protocol.takeOutgoing()) a.protocol.receiveData(Buffer.from(bytes));
    }
  };
  return { client: a, server: b, pump };
}

for (const side of SIDES) {
  test(`${side} sends messages the peer reads back`, () => {
    const { protocol } = recordingProtocol(side);
    protocol.sendText('hello');
    protocol.sendBinary(Uint8Array.of(1, 2), false);
    protocol.sendPing('p');
    protocol.sendContinuation(Uint8Array.of(3), true);
    protocol.sendText(Buffer.from('ready-made'));
    assert.deepEqual(peerView(protocol).merged(), [
      { type: 'start', kind: 'text', compressed: false },
      { type: 'data', hex: hexOf('hello'), last: true },
      { type: 'start', kind: 'binary', compressed: false },
      { type: 'data', hex: '0102', last: false },
      { type: 'ping', hex: hexOf('p') },
      { type: 'data', hex: '03', last: true },
      { type: 'start', kind: 'text', compressed: false },
      { type: 'data', hex: hexOf('ready-made'), last: true },
    ]);
  });

  test(`${side} answers a Ping with a Pong carrying the same payload, then reports it`, () => {
    const { protocol, handler } = recordingProtocol(side);
    protocol.receiveData(peerFrame(side, 0x89, 'are you there'));
    assert.deepEqual(handler.events, [{ type: 'ping', hex: hexOf('are you there') }]);
    assert.deepEqual(peerView(protocol).events, [{ type: 'pong', hex: hexOf('are you there') }]);
  });

  test(`${side} with autoPong false reports a Ping and sends nothing`, () => {
    const { protocol, handler } = recordingProtocol(side, { autoPong: false });
    protocol.receiveData(peerFrame(side, 0x89, 'x'));
    assert.equal(handler.events.length, 1);
    assert.equal(protocol.hasOutgoing, false);
  });

  test(`${side} sends no Pong after its own Close`, () => {
    const { protocol } = recordingProtocol(side);
    protocol.sendClose(1000);
    protocol.takeOutgoing();
    protocol.receiveData(peerFrame(side, 0x89, 'x'));
    assert.equal(protocol.hasOutgoing, false);
  });

  test(`${side} echoes the code of a received Close and reports it`, () => {
    const { protocol, handler } = recordingProtocol(side);
    protocol.receiveData(peerFrame(side, 0x88, hex`0f a0 62 79 65`));
    assert.deepEqual(handler.events, [{ type: 'close', code: 4000, reason: 'bye' }]);
    assert.deepEqual(peerView(protocol).events, [{ type: 'close', code: 4000, reason: '' }]);
    assert.equal(protocol.state, ProtocolState.Closing);
  });

  test(`${side} answers an empty Close with an empty Close and reports 1005`, () => {
    const { protocol, handler } = recordingProtocol(side);
    protocol.receiveData(peerFrame(side, 0x88));
    assert.deepEqual(handler.events, [{ type: 'close', code: 1005, reason: '' }]);
    const sent = Buffer.concat(protocol.takeOutgoing());
    assert.equal(sent.length, side === 'client' ? 6 : 2, 'an empty Close body');
  });

  test(`${side}: nothing can be sent after its Close`, () => {
    const { protocol } = recordingProtocol(side);
    protocol.sendClose();
    for (const send of [
      () => protocol.sendText('x'),
      () => protocol.sendBinary(new Uint8Array(1)),
      () => protocol.sendPing(),
      () => protocol.sendPong(),
      () => protocol.sendClose(1000),
    ]) {
      assert.throws(send, InvalidStateError);
    }
  });

  test(`${side}: nothing can be sent after the echo of the peer's Close, or after EOF`, () => {
    const closed = recordingProtocol(side).protocol;
    closed.receiveData(peerFrame(side, 0x88, hex`03 e8`));
    assert.throws(() => closed.sendText('x'), InvalidStateError);
    const ended = recordingProtocol(side).protocol;
    ended.receiveEof();
    assert.throws(() => ended.sendBinary(new Uint8Array(1)), InvalidStateError);
    assert.throws(() => ended.sendClose(), InvalidStateError);
  });

  test(`${side}: sending out of sequence throws ProtocolError, and sends nothing`, () => {
    const { protocol } = recordingProtocol(side);
    const outOfSequence = (e: unknown) =>
      e instanceof ProtocolError && e.code === 'WSFLOW_ERR_SEND_OUT_OF_SEQUENCE';
    assert.throws(() => protocol.sendContinuation('x', true), outOfSequence);
    protocol.sendText('start', false);
    assert.throws(() => protocol.sendText('new'), outOfSequence);
    assert.throws(() => protocol.sendBinary(new Uint8Array(1)), outOfSequence);
    protocol.sendPing(); // control frames may come between fragments
    protocol.sendContinuation('end', true);
    assert.throws(() => protocol.sendContinuation('more', true), outOfSequence);
    assert.equal(peerView(protocol).events.filter((e) => e.type === 'start').length, 1);
  });

  test(`${side}: bad arguments throw TypeError or RangeError`, () => {
    const { protocol } = recordingProtocol(side);
    assert.throws(() => protocol.sendText(42 as unknown as string), TypeError);
    assert.throws(() => protocol.sendBinary('x' as unknown as Uint8Array), TypeError);
    assert.throws(() => protocol.sendPing(new Uint8Array(126)), RangeError);
    assert.throws(() => protocol.sendPong('é'.repeat(63)), RangeError);
    assert.throws(() => protocol.sendClose(1006), RangeError);
    assert.throws(() => protocol.sendClose(1000, 'x'.repeat(124)), RangeError);
    assert.throws(() => protocol.fail(999), RangeError);
    assert.equal(protocol.state, ProtocolState.Open);
    protocol.sendPing(new Uint8Array(125));
  });

  test(`${side}: compressed frames need rsv1Allowed`, () => {
    assert.throws(
      () => recordingProtocol(side).protocol.sendBinary(new Uint8Array(1), true, true),
      InvalidStateError,
    );
    const { protocol } = recordingProtocol(side, { rsv1Allowed: true });
    protocol.sendBinary(Uint8Array.of(1), false, true);
    protocol.sendContinuation(Uint8Array.of(2), true);
    const bytes = Buffer.concat(protocol.takeOutgoing());
    assert.equal(bytes[0], 0x42, 'RSV1 on the first frame');
    assert.equal(bytes[side === 'client' ? 7 : 3], 0x80, 'no RSV1 on the continuation');
  });

  test(`${side}: maxOutgoingFrameBytes splits messages into frames`, () => {
    const { protocol } = recordingProtocol(side, { maxOutgoingFrameBytes: 4 });
    protocol.sendBinary(Buffer.from('0123456789'));
    const sent = Buffer.concat(protocol.takeOutgoing());
    assert.equal(sent.length, 3 * (side === 'client' ? 6 : 2) + 10, 'three frames');
    protocol.sendText('hello world');
    const view = peerView(protocol);
    assert.equal(view.events.filter((e) => e.type === 'data').length, 3);
    assert.deepEqual(view.merged().at(-1), { type: 'data', hex: hexOf('hello world'), last: true });
  });

  test(`${side}: a handler error propagates out of receiveData and is not a protocol error`, () => {
    const { protocol, handler } = recordingProtocol(side);
    const boom = new Error('handler failed');
    handler.onMessageData = () => {
      throw boom;
    };
    assert.throws(
      () => protocol.receiveData(peerFrame(side, 0x81, 'x')),
      (e) => e === boom,
    );
    assert.deepEqual(handler.errors, []);
    assert.equal(protocol.hasOutgoing, false, 'no Close was sent');
    assert.equal(protocol.state, ProtocolState.Open, 'the owner decides');
    protocol.receiveData(peerFrame(side, 0x81, 'later'));
    assert.deepEqual(
      handler.events,
      [{ type: 'start', kind: 'text', compressed: false }],
      'input discarded',
    );
    protocol.fail(1011);
    assert.deepEqual(peerView(protocol).events, [{ type: 'close', code: 1011, reason: '' }]);
  });

  test(`${side}: a handler may fail the connection from a callback; later frames are dropped`, () => {
    const { protocol, handler } = recordingProtocol(side);
    handler.onMessageData = () => protocol.fail(1003, 'no text here');
    protocol.receiveData(Buffer.concat([peerFrame(side, 0x81, 'a'), peerFrame(side, 0x89, 'b')]));
    assert.deepEqual(handler.events, [{ type: 'start', kind: 'text', compressed: false }]);
    assert.deepEqual(peerView(protocol).events, [
      { type: 'close', code: 1003, reason: 'no text here' },
    ]);
  });

  test(`${side}: a ProtocolError thrown by a handler is not turned into a close code either`, () => {
    const { protocol, handler } = recordingProtocol(side);
    const own = new ProtocolError('WSFLOW_ERR_APP', 'app', 1007);
    handler.onPing = () => {
      throw own;
    };
    assert.throws(
      () => protocol.receiveData(peerFrame(side, 0x89)),
      (e) => e === own,
    );
    assert.deepEqual(handler.errors, []);
  });

  test(`${side}: fail() sends a Close, stops reading and expects the transport to close`, () => {
    const { protocol, handler } = recordingProtocol(side);
    protocol.fail(1008, 'policy');
    assert.equal(protocol.state, ProtocolState.Closing);
    assert.equal(protocol.closeTransportExpected(), true);
    protocol.receiveData(peerFrame(side, 0x81, 'ignored'));
    assert.deepEqual(handler.events, []);
    assert.deepEqual(peerView(protocol).events, [{ type: 'close', code: 1008, reason: 'policy' }]);
    protocol.fail(1011);
    assert.equal(protocol.hasOutgoing, false, 'only one Close is ever sent');
  });

  test(`${side}: fail(1006) closes without a Close frame`, () => {
    const { protocol } = recordingProtocol(side);
    protocol.fail(1006);
    assert.equal(protocol.hasOutgoing, false);
    assert.equal(protocol.closeTransportExpected(), true);
    protocol.receiveEof();
    assert.deepEqual(protocol.closeOutcome, {
      code: 1006,
      reason: '',
      wasClean: false,
      closedBy: 'none',
      cause: { kind: 'protocol', phase: 'open' },
    });
  });

  test(`${side}: a protocol error's Close carries the code and a short reason`, () => {
    const { protocol } = recordingProtocol(side);
    protocol.receiveData(peerFrame(side, 0x83));
    const [event] = peerView(protocol).events as Extract<RecordedEvent, { type: 'close' }>[];
    assert.equal(event.code, 1002);
    assert.match(event.reason, /opcode/);
  });

  test(`${side}: EOF without any Close → CLOSED with 1006, nobody closed`, () => {
    const { protocol } = recordingProtocol(side);
    assert.equal(protocol.closeOutcome, undefined);
    protocol.receiveEof();
    assert.equal(protocol.state, ProtocolState.Closed);
    assert.deepEqual(protocol.closeOutcome, {
      code: 1006,
      reason: '',
      wasClean: false,
      closedBy: 'none',
      cause: { kind: 'transport', phase: 'open' },
    });
    assert.equal(protocol.closeTransportExpected(), false);
    protocol.receiveEof();
    protocol.fail(1000);
    assert.equal(protocol.hasOutgoing, false, 'a no-op once closed');
  });

  test(`${side}: our Close unanswered, then EOF → 1006, closed by us, not clean`, () => {
    const { protocol } = recordingProtocol(side);
    protocol.sendClose(1000);
    protocol.receiveEof();
    assert.deepEqual(protocol.closeOutcome, {
      code: 1006,
      reason: '',
      wasClean: false,
      closedBy: 'local',
      cause: { kind: 'local', phase: 'open', sent: { code: 1000, reason: '' } },
    });
  });

  test(`${side}: messages still arrive after our Close, until the peer's`, () => {
    const { protocol, handler } = recordingProtocol(side);
    protocol.sendClose(1001);
    protocol.receiveData(
      Buffer.concat([peerFrame(side, 0x81, 'late'), peerFrame(side, 0x88, hex`03 e8`)]),
    );
    assert.deepEqual(handler.merged(), [
      { type: 'start', kind: 'text', compressed: false },
      { type: 'data', hex: hexOf('late'), last: true },
      { type: 'close', code: 1000, reason: '' },
    ]);
  });
}

test('client closes first: clean outcome on both ends, closedBy local / remote', () => {
  const { client, server, pump } = pair();
  client.protocol.sendClose(1000, 'done');
  pump();
  assert.equal(server.protocol.closeTransportExpected(), true, 'the server closes TCP first');
  assert.equal(client.protocol.closeTransportExpected(), false, 'the client waits for it');
  server.protocol.receiveEof();
  client.protocol.receiveEof();
  const clientSaid = { code: 1000, reason: 'done' };
  const serverSaid = { code: 1000, reason: '' };
  assert.deepEqual(client.protocol.closeOutcome, {
    code: 1000,
    reason: '',
    wasClean: true,
    closedBy: 'local',
    cause: { kind: 'local', phase: 'open', sent: clientSaid, received: serverSaid },
  });
  assert.deepEqual(server.protocol.closeOutcome, {
    code: 1000,
    reason: 'done',
    wasClean: true,
    closedBy: 'remote',
    cause: { kind: 'peer', phase: 'open', sent: serverSaid, received: clientSaid },
  });
});

test('server closes first: clean outcome; an empty Close is reported as 1005', () => {
  const { client, server, pump } = pair();
  server.protocol.sendClose();
  assert.equal(server.protocol.closeTransportExpected(), false, "waits for the client's Close");
  pump();
  assert.equal(server.protocol.closeTransportExpected(), true);
  assert.equal(client.protocol.closeTransportExpected(), false);
  client.protocol.receiveEof();
  server.protocol.receiveEof();
  const empty = { code: 1005, reason: '' };
  assert.deepEqual(server.protocol.closeOutcome, {
    code: 1005,
    reason: '',
    wasClean: true,
    closedBy: 'local',
    cause: { kind: 'local', phase: 'open', sent: empty, received: empty },
  });
  assert.deepEqual(client.protocol.closeOutcome, {
    code: 1005,
    reason: '',
    wasClean: true,
    closedBy: 'remote',
    cause: { kind: 'peer', phase: 'open', sent: empty, received: empty },
  });
});

test("both close at once: each reports the other's code, both closed first locally", () => {
  const { client, server, pump } = pair();
  client.protocol.sendClose(4001);
  server.protocol.sendClose(4002);
  pump();
  client.protocol.receiveEof();
  server.protocol.receiveEof();
  const said4001 = { code: 4001, reason: '' };
  const said4002 = { code: 4002, reason: '' };
  assert.deepEqual(client.protocol.closeOutcome, {
    code: 4002,
    reason: '',
    wasClean: true,
    closedBy: 'local',
    cause: { kind: 'local', phase: 'open', sent: said4001, received: said4002 },
  });
  assert.deepEqual(server.protocol.closeOutcome, {
    code: 4001,
    reason: '',
    wasClean: true,
    closedBy: 'local',
    cause: { kind: 'local', phase: 'open', sent: said4002, received: said4001 },
  });
});

test('a client fails the connection and expects the transport to close, too', () => {
  const { client } = pair();
  client.protocol.receiveData(hex`83 00`);
  assert.equal(client.protocol.closeTransportExpected(), true);
  assert.deepEqual(client.handler.events, [
    { type: 'error', code: 'WSFLOW_ERR_INVALID_OPCODE', closeCode: 1002 },
  ]);
});

test('an unexpected error inside the parser fails the connection with 1011 "internal error"', () => {
  const { protocol, handler } = recordingProtocol('server');
  const bug = new Error('a bug');
  (protocol as unknown as { parser: { push(): void } }).parser.push = () => {
    throw bug;
  };
  protocol.receiveData(new Uint8Array(1));
  assert.deepEqual(handler.events, [
    { type: 'error', code: 'WSFLOW_ERR_INTERNAL', closeCode: 1011 },
  ]);
  assert.equal(handler.errors[0].cause, bug);
  assert.deepEqual(peerView(protocol).events, [
    { type: 'close', code: 1011, reason: 'internal error' },
  ]);
});

test('client frames carry a fresh random mask by default', () => {
  const protocol = new Protocol({ side: 'client', handler: recordingProtocol('client').handler });
  protocol.sendBinary(new Uint8Array(4));
  protocol.sendBinary(new Uint8Array(4));
  const bytes = Buffer.concat(protocol.takeOutgoing());
  assert.equal(bytes[1] & 0x80, 0x80);
  assert.notDeepEqual(
    bytes.subarray(2, 6),
    bytes.subarray(12, 16),
    'two keys (equal once in 2^32)',
  );
});

test('outgoingBytes counts what takeOutgoing will return', () => {
  const { protocol } = recordingProtocol('server');
  protocol.sendText('abc');
  assert.equal(protocol.outgoingBytes, 5);
  assert.equal(Buffer.concat(protocol.takeOutgoing()).length, 5);
  assert.equal(protocol.outgoingBytes, 0);
});
