// Protocol tests: the answer to the peer's Close, at once (the default) or left to the owner
// (deferCloseEcho), on every split of the input: the messages before the Close are reported, the
// owner may still send its replies (even finish a fragmented message), then answerClose() echoes
// the peer's code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Protocol, ProtocolState } from '../../src/protocol/protocol.js';
import { InvalidStateError } from '../../src/errors.js';
import { hex } from '../helpers/frame-bits.js';
import { peerFrame, peerView, recordingProtocol, SIDES } from '../helpers/peer-frames.js';
import { forEachChunking } from '../helpers/split-feed.js';
import type { Side } from '../../src/protocol/events.js';

const hexOf = (s: string) => Buffer.from(s).toString('hex');

/** Two texts, a Close 4000 "bye", and a text after it (never reported), as `side` reads them. */
function textsThenClose(side: Side): Buffer {
  return Buffer.concat([
    peerFrame(side, 0x81, 'a'),
    peerFrame(side, 0x81, 'b'),
    peerFrame(side, 0x88, hex`0f a0 62 79 65`),
    peerFrame(side, 0x81, 'after the Close'),
  ]);
}

const REPORTED = [
  { type: 'start', kind: 'text', compressed: false },
  { type: 'data', hex: hexOf('a'), last: true },
  { type: 'start', kind: 'text', compressed: false },
  { type: 'data', hex: hexOf('b'), last: true },
  { type: 'close', code: 4000, reason: 'bye' },
];

for (const side of SIDES) {
  test(`${side}: by default the Close is answered while parsing, on every split`, () => {
    forEachChunking(textsThenClose(side), (chunks) => {
      const { protocol, handler } = recordingProtocol(side);
      for (const chunk of chunks) protocol.receiveData(chunk);
      assert.deepEqual(handler.merged(), REPORTED);
      assert.equal(protocol.state, ProtocolState.Closing);
      assert.deepEqual(peerView(protocol).events, [{ type: 'close', code: 4000, reason: '' }]);
      assert.throws(() => protocol.sendText('too late'), InvalidStateError);
    });
  });

  test(`${side}: deferCloseEcho leaves the answer to the owner, on every split`, () => {
    forEachChunking(textsThenClose(side), (chunks) => {
      const { protocol, handler } = recordingProtocol(side, { deferCloseEcho: true });
      for (const chunk of chunks) protocol.receiveData(chunk);
      assert.deepEqual(handler.merged(), REPORTED);
      assert.equal(protocol.hasOutgoing, false, 'no answer yet');
      assert.equal(protocol.state, ProtocolState.Open);
      assert.equal(protocol.closeReceived, true);
      assert.equal(protocol.closeSent, false);
      assert.equal(protocol.closeTransportExpected(), false);
      protocol.sendText('got a');
      protocol.sendText('got b');
      protocol.answerClose();
      assert.equal(protocol.state, ProtocolState.Closing);
      assert.equal(protocol.closeSent, true);
      assert.equal(protocol.closeTransportExpected(), side === 'server');
      assert.deepEqual(peerView(protocol).merged(), [
        { type: 'start', kind: 'text', compressed: false },
        { type: 'data', hex: hexOf('got a'), last: true },
        { type: 'start', kind: 'text', compressed: false },
        { type: 'data', hex: hexOf('got b'), last: true },
        { type: 'close', code: 4000, reason: '' },
      ]);
      assert.throws(() => protocol.sendText('too late'), InvalidStateError);
      assert.throws(() => protocol.answerClose(), InvalidStateError);
    });
  });

  test(`${side}: a fragmented message we were sending can be finished before the answer`, () => {
    const { protocol } = recordingProtocol(side, { deferCloseEcho: true });
    protocol.sendText('hel', false);
    protocol.receiveData(peerFrame(side, 0x88, hex`03 e8`));
    protocol.sendContinuation('lo', true);
    protocol.answerClose();
    assert.deepEqual(peerView(protocol).merged(), [
      { type: 'start', kind: 'text', compressed: false },
      { type: 'data', hex: hexOf('hello'), last: true },
      { type: 'close', code: 1000, reason: '' },
    ]);
  });

  test(`${side}: an empty Close is answered by an empty Close; EOF before it is not clean`, () => {
    const { protocol } = recordingProtocol(side, { deferCloseEcho: true });
    protocol.receiveData(peerFrame(side, 0x88));
    protocol.answerClose();
    const sent = Buffer.concat(protocol.takeOutgoing());
    assert.equal(sent.length, side === 'client' ? 6 : 2, 'an empty Close body');

    const unanswered = recordingProtocol(side, { deferCloseEcho: true }).protocol;
    unanswered.receiveData(peerFrame(side, 0x88, hex`03 e8`));
    unanswered.receiveEof();
    assert.deepEqual(unanswered.closeOutcome, {
      code: 1000,
      reason: '',
      wasClean: false,
      closedBy: 'remote',
      cause: { kind: 'peer', phase: 'open', received: { code: 1000, reason: '' } },
    });
  });

  test(`${side}: answerClose() before the peer's Close, or after ours, throws`, () => {
    const early = new Protocol({ side, handler: recordingProtocol(side).handler });
    assert.throws(() => early.answerClose(), InvalidStateError);
    const { protocol } = recordingProtocol(side, { deferCloseEcho: true });
    protocol.sendClose(1001);
    protocol.receiveData(peerFrame(side, 0x88, hex`03 e8`));
    assert.throws(() => protocol.answerClose(), InvalidStateError);
    assert.equal(protocol.closeTransportExpected(), side === 'server');
  });
}
