// Tests: valid messages that arrive in the same read as a bad frame are delivered, and the
// handler's replies to them leave before the Close (Autobahn cases 3.2-3.4, 4.1.3-4.1.5,
// 4.2.3-4.2.5 and 5.15 rate this strictly), whatever the handler's style.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { map } from '../../src/flow/flow.js';
import { connectionWithPeer } from '../helpers/connection-setup.js';
import { peerFrame } from '../helpers/peer-frames.js';
import { HANDLER_STYLES, reply } from '../helpers/handler-styles.js';

describe('messages before a protocol error', () => {
  for (const [style, makeFlow] of HANDLER_STYLES) {
    it(`are answered before the Close, with ${style}`, async () => {
      const { connection, peer } = connectionWithPeer();
      connection.runDetached(makeFlow());
      // Two texts, then a frame with a reserved opcode (1002), all in one read.
      peer.socket.write(
        Buffer.concat([
          peerFrame('server', 0x81, 'a'),
          peerFrame('server', 0x81, 'b'),
          peerFrame('server', 0x83, 'x'),
        ]),
      );
      await connection.closed;
      const seen = peer.events.flatMap((event) =>
        event.type === 'message'
          ? [event.data.toString()]
          : event.type === 'close'
            ? [`close ${event.code}`]
            : [],
      );
      assert.deepEqual(seen, ['got a', 'got b', 'close 1002']);
    });
  }

  it('a fragment cut short by the bad frame is not answered; the Close carries the reason', async () => {
    const { connection, peer } = connectionWithPeer();
    connection.runDetached(map(reply));
    peer.socket.write(
      Buffer.concat([
        peerFrame('server', 0x81, 'a'),
        peerFrame('server', 0x01, 'part'), // a text fragment, not final
        peerFrame('server', 0x81, 'b'), // a new message inside it: 1002
      ]),
    );
    await connection.closed;
    const texts = peer.events.flatMap((e) => (e.type === 'message' ? [e.data.toString()] : []));
    assert.deepEqual(texts, ['got a']);
    const close = await peer.next('close');
    assert.equal(close.code, 1002);
    assert.notEqual(close.reason, '');
  });
});
