// Tests for the fast path of `map` flows: a synchronous handler creates no promise per message,
// and the replies to one input batch leave in one write.

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
});
