// Fuzz: the sans-I/O Protocol, client and server side, with and without permessage-deflate
// negotiated (RSV1 allowed), fed mutated frame sequences and random bytes in random chunks. Whatever arrives: receiveData throws nothing (the handler here never
// throws), only documented errors with their close codes are reported, no event follows a Close
// or an error, no invalid UTF-8 or oversized message reaches the handler, every Ping is answered,
// and what the protocol sends back is valid: at most one Close, last, with a code that may be sent
// (the error's own after a failure, the peer's echoed after its Close). No timers: each case is a
// bounded synchronous loop.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MAX_MESSAGE_BYTES, Protocol, ProtocolState } from '../src/protocol/index.js';
import type { Side } from '../src/protocol/index.js';
import { CheckingHandler, isDocumentedOutcomeCode, readSent } from './helpers/checks.js';
import { fuzzInput } from './helpers/streams.js';

const RUNS_PER_SIDE = 10_000;

function checkSide(side: Side): void {
  const limits = fc.constantFrom(undefined, 100, 70_000);
  const input = fuzzInput(side === 'server');
  fc.assert(
    fc.property(input, limits, fc.boolean(), ({ chunks }, maxMessageBytes, rsv1Allowed) => {
      const handler = new CheckingHandler(
        maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
        rsv1Allowed,
      );
      const protocol = new Protocol({ side, handler, maxMessageBytes, rsv1Allowed });
      const outgoing: Uint8Array[] = [];
      for (const chunk of chunks) {
        protocol.receiveData(chunk); // must not throw: the handler never does
        outgoing.push(...protocol.takeOutgoing());
      }
      const transportEndExpected = protocol.closeTransportExpected();
      protocol.receiveEof();
      outgoing.push(...protocol.takeOutgoing());
      assert.equal(protocol.state, ProtocolState.Closed);

      const sent = readSent(side, outgoing);
      assert.ok(sent.closes.length <= 1, 'at most one Close is sent');
      assert.equal(sent.afterClose, false, 'nothing is sent after the Close');
      assert.equal(sent.dataMessages, 0);
      assert.deepEqual(sent.pongs, handler.pings, 'every Ping is answered with its payload');

      const outcome = protocol.closeOutcome!;
      assert.ok(isDocumentedOutcomeCode(outcome.code), `outcome code ${outcome.code}`);
      if (handler.error !== undefined) {
        assert.deepEqual(
          sent.closes.map((c) => c.code),
          [handler.error.closeCode],
        );
        assert.equal(transportEndExpected, true, 'after a failure the transport should end');
        assert.equal(outcome.code, 1006);
      } else if (handler.peerClose !== undefined) {
        assert.deepEqual(
          sent.closes.map((c) => c.code),
          [handler.peerClose.code],
        );
        assert.equal(outcome.code, handler.peerClose.code);
        assert.equal(outcome.reason, handler.peerClose.reason);
        assert.equal(outcome.wasClean, true);
        assert.equal(transportEndExpected, side === 'server', 'the server closes TCP first');
      } else {
        assert.deepEqual(sent.closes, []);
        assert.equal(outcome.code, 1006);
        assert.equal(transportEndExpected, false);
      }
    }),
    { numRuns: RUNS_PER_SIDE },
  );
}

test('server side: any input ends with a documented close', () => checkSide('server'));
test('client side: any input ends with a documented close', () => checkSide('client'));

test('server side: the mutations reach every kind of failure', () => {
  // Not a property: a census, so that the generators keep exercising each failure path.
  const seen = new Set<string>();
  fc.assert(
    fc.property(fuzzInput(true), ({ chunks }) => {
      const handler = new CheckingHandler(100);
      const protocol = new Protocol({ side: 'server', handler, maxMessageBytes: 100 });
      for (const chunk of chunks) protocol.receiveData(chunk);
      if (handler.error !== undefined) seen.add(handler.error.code);
      else if (handler.peerClose !== undefined) seen.add('peer close');
      else seen.add('still open');
    }),
    { numRuns: 2000, seed: 20240601 },
  );
  for (const expected of [
    'peer close',
    'still open',
    'WSFLOW_ERR_INVALID_OPCODE',
    'WSFLOW_ERR_EXPECTED_MASK',
    'WSFLOW_ERR_UNEXPECTED_RSV_2_3',
    'WSFLOW_ERR_INVALID_UTF8',
    'WSFLOW_ERR_MESSAGE_TOO_BIG',
    'WSFLOW_ERR_INVALID_PAYLOAD_LENGTH',
    'WSFLOW_ERR_UNEXPECTED_RSV_1',
  ]) {
    assert.ok(seen.has(expected), `no case reached ${expected}; seen: ${[...seen].join(', ')}`);
  }
});
