// Tests: messages that arrive in the same read as the peer's Close are delivered, and the
// handler's replies to them leave before the answering Close, which echoes the peer's code
// (RFC 6455 5.5.1), whatever the handler's style, on a server and on a client. A handler that
// never finishes with them still lets the connection close, after the close timeout; a
// connection nobody reads answers at once.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromSinkAndSource } from '../../src/flow/flow.js';
import { TextMessage } from '../../src/message/message.js';
import type { Side } from '../../src/protocol/events.js';
import { VirtualClock } from '../../src/testkit/virtual-clock.js';
import { connectionWithPeer, settle } from '../helpers/connection-setup.js';
import type { RawPeer } from '../helpers/raw-peer.js';
import { peerFrame } from '../helpers/peer-frames.js';
import { HANDLER_STYLES, pushSource, reply } from '../helpers/handler-styles.js';

const COUNT = 5;

/** `COUNT` texts and a Close 4000 "bye", in one write, as the peer of `side` sends them. */
function textsThenClose(side: Side): Buffer {
  const texts = Array.from({ length: COUNT }, (_, i) => peerFrame(side, 0x81, `m${i}`));
  return Buffer.concat([...texts, peerFrame(side, 0x88, Buffer.from('\x0f\xa0bye', 'latin1'))]);
}

/** What the peer saw: the texts, then `close <code>`. */
function seen(peer: RawPeer): string[] {
  return peer.events.flatMap((event) =>
    event.type === 'message'
      ? [event.data.toString()]
      : event.type === 'close'
        ? [`close ${event.code}`]
        : [],
  );
}

/** The cause when the peer's Close 4000 "bye" came first and was echoed. */
const PEER_CLOSED_4000 = {
  kind: 'peer',
  phase: 'open',
  sent: { code: 4000, reason: '' },
  received: { code: 4000, reason: 'bye' },
};

const REPLIES = [...Array.from({ length: COUNT }, (_, i) => `got m${i}`), 'close 4000'];

for (const side of ['server', 'client'] as const) {
  describe(`${side}: messages read together with the peer's Close`, () => {
    for (const [style, makeFlow] of HANDLER_STYLES) {
      it(`are answered before the Close, which echoes the peer's code, with ${style}`, async () => {
        const { connection, peer } = connectionWithPeer({ side });
        connection.runDetached(makeFlow());
        peer.socket.write(textsThenClose(side));
        const outcome = await connection.closed;
        assert.deepEqual(seen(peer), REPLIES);
        assert.deepEqual(outcome, {
          code: 4000,
          reason: 'bye',
          wasClean: true,
          closedBy: 'remote',
          cause: PEER_CLOSED_4000,
        });
      });
    }

    it('a close() asked for after the Close arrived sends the echo, not its own code', async () => {
      const { connection, peer } = connectionWithPeer({ side });
      connection.onMessage(async (message) => {
        await settle(2); // the Close is read meanwhile
        await connection.send(reply(message));
        void connection.close(1000, 'my own');
      });
      peer.socket.write(
        Buffer.concat([
          peerFrame(side, 0x81, 'm0'),
          peerFrame(side, 0x88, Buffer.from('\x0f\xa1', 'latin1')),
        ]),
      );
      await connection.closed;
      assert.deepEqual(seen(peer), ['got m0', 'close 4001']);
    });

    it('a handler that never finishes with a message closes after the close timeout', async () => {
      const clock = new VirtualClock();
      const { connection, peer } = connectionWithPeer({ side, clock, closeTimeoutMs: 1000 });
      // The handler holds the first message for ever: the answer to the Close waits for it.
      connection.onMessage(() => new Promise(() => undefined));
      peer.socket.write(textsThenClose(side));
      await settle();
      assert.deepEqual(seen(peer), [], 'no answer before the timeout');
      await clock.advance(1000);
      if (side === 'client') await clock.advance(1000); // then the server's end, or the timeout
      const outcome = await connection.closed;
      assert.deepEqual(seen(peer), ['close 4000']);
      assert.equal(outcome.code, 4000);
    });

    it('a connection nobody reads answers the Close at once', async () => {
      const clock = new VirtualClock(); // no timer fires
      const { peer } = connectionWithPeer({ side, clock });
      peer.socket.write(textsThenClose(side));
      await settle();
      assert.deepEqual(seen(peer), ['close 4000']);
    });
  });
}

describe("the answer to the peer's Close", () => {
  it('waits for a reply that the writer is still writing', async () => {
    // A streamed reply is rendered over several turns, after the sink took the message: the
    // Close goes after its last frame.
    const { connection, peer } = connectionWithPeer();
    const { push, source } = pushSource();
    const slowly = async function* () {
      for (const part of ['a', 'b', 'c']) {
        await settle(1);
        yield part;
      }
    };
    connection.runDetached(fromSinkAndSource(() => push(TextMessage.streamed(slowly())), source));
    peer.socket.write(
      Buffer.concat([
        peerFrame('server', 0x81, 'x'),
        peerFrame('server', 0x88, Buffer.from([0x03, 0xe8])),
      ]),
    );
    await connection.closed;
    assert.deepEqual(seen(peer), ['abc', 'close 1000']);
  });
});
