// Tests for the fast path of `map` flows: a synchronous handler creates no promise per message,
// the replies to one input batch leave in one write, and the peer's Close read with them is
// answered in that same write, with no turn of the event loop in between.

import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { describe, it } from 'node:test';
import { Connection } from '../../src/connection/connection.js';
import { map } from '../../src/flow/flow.js';
import type { Message } from '../../src/message/message.js';
import type { ProtocolHandler } from '../../src/protocol/events.js';
import { Protocol } from '../../src/protocol/protocol.js';
import { settle } from '../helpers/connection-setup.js';
import { duplexPair } from '../helpers/duplex-pair.js';
import { RawPeer } from '../helpers/raw-peer.js';

/** Counts the promises created while `fn` runs synchronously. */
function promisesCreatedBy(fn: () => void): number {
  let count = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') count++;
    },
  });
  hook.enable();
  try {
    fn();
  } finally {
    hook.disable();
  }
  return count;
}

describe('Connection: map fast path', () => {
  it('a synchronous map handles a batch of 100 messages without creating a promise', async () => {
    const [ours, theirs] = duplexPair();
    const connection = new Connection(ours, { side: 'server' });
    void connection.runUntilClosed(
      map((message: Message) => (message.isText && message.isStrict ? message.text : message)),
    );
    const peer = new RawPeer(theirs, 'client');
    await settle();
    const client = new Protocol({ side: 'client', handler: {} as ProtocolHandler });
    for (let i = 0; i < 100; i++) client.sendText(`m${i}`);
    const batch = Buffer.concat(client.takeOutgoing());
    const writesBefore = ours.writeCalls;
    const created = promisesCreatedBy(() => ours.emit('data', batch));
    assert.equal(created, 0);
    assert.equal(ours.writeCalls - writesBefore, 1, 'the 100 replies leave in one write');
    for (let i = 0; i < 100; i++) assert.equal(await peer.nextText(), `m${i}`);
  });

  it("a synchronous map answers the peer's Close in the read that brought it", async () => {
    const [ours, theirs] = duplexPair();
    const connection = new Connection(ours, { side: 'server' });
    connection.runDetached(map((message: Message) => message));
    const peer = new RawPeer(theirs, 'client');
    await settle();
    const client = new Protocol({ side: 'client', handler: {} as ProtocolHandler });
    client.sendText('m0');
    client.sendClose(4000, 'bye');
    const writesBefore = ours.writeCalls;
    ours.emit('data', Buffer.concat(client.takeOutgoing()));
    assert.equal(ours.writeCalls - writesBefore, 1, 'the reply and the Close leave in one write');
    assert.equal(ours.writableEnded, true, 'the transport is ended once the Close is answered');
    assert.equal(await peer.nextText(), 'm0');
    assert.equal((await connection.closed).code, 4000);
  });
});
