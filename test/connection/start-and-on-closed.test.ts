// Tests for the promise-free way to run a connection: runDetached(flow) and onClosed(listener), and for
// `closed` asked for only after the end.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { InvalidStateError } from '../../src/errors.js';
import { map } from '../../src/flow/flow.js';
import type { Message } from '../../src/message/message.js';
import type { CloseOutcome } from '../../src/protocol/events.js';
import { connectionWithPeer, settle } from '../helpers/connection-setup.js';

const moduleUrl = (path: string): string => new URL(path, import.meta.url).href;

const upper = map((m: Message) => (m.isText && m.isStrict ? m.text.toUpperCase() : undefined));

describe('Connection.runDetached and onClosed', () => {
  it('runDetached runs the flow like runUntilClosed() and returns nothing', async () => {
    const { connection, peer } = connectionWithPeer();
    assert.equal(connection.runDetached(upper), undefined);
    peer.text('hi');
    assert.equal(await peer.nextText(), 'HI');
    peer.close(1000, 'done');
    assert.equal((await peer.next('close')).code, 1000);
    assert.equal((await connection.closed).wasClean, true);
  });

  it('runDetached throws when a handler already runs, and runUntilClosed() then rejects', async () => {
    const { connection } = connectionWithPeer();
    connection.runDetached(upper);
    assert.throws(() => connection.runDetached(upper), InvalidStateError);
    await assert.rejects(connection.runUntilClosed(upper), InvalidStateError);
    connection.terminate();
  });

  it('a failing flow started with runDetached() closes with 1011 and reports nowhere else', async () => {
    const { connection, peer } = connectionWithPeer();
    connection.runDetached(
      map(() => {
        throw new Error('boom');
      }),
    );
    peer.text('x');
    const close = await peer.next('close');
    assert.deepEqual([close.code, close.reason], [1011, 'internal error']);
    assert.equal((await connection.closed).code, 1011);
  });

  it('onClosed listeners get the outcome once, in order; removed ones are not called', async () => {
    const { connection, peer } = connectionWithPeer();
    const seen: string[] = [];
    connection.onClosed((outcome) => seen.push(`a ${outcome.code}`));
    const remove = connection.onClosed(() => seen.push('removed'));
    connection.onClosed((outcome) => seen.push(`b ${outcome.reason}`));
    remove();
    peer.close(4000, 'bye');
    await peer.next('close');
    const outcome = await connection.closed;
    assert.deepEqual(outcome, {
      code: 4000,
      reason: 'bye',
      wasClean: true,
      closedBy: 'remote',
      cause: {
        kind: 'peer',
        phase: 'open',
        sent: { code: 4000, reason: '' },
        received: { code: 4000, reason: 'bye' },
      },
    });
    assert.deepEqual(seen, ['a 4000', 'b bye']);
  });

  it('an onClosed listener runs before `closed` settles, with the same outcome', async () => {
    const { connection, peer } = connectionWithPeer();
    const order: string[] = [];
    let heard: CloseOutcome | undefined;
    connection.onClosed((outcome) => {
      heard = outcome;
      order.push('listener');
    });
    const closed = connection.closed.then((outcome) => {
      order.push('promise');
      return outcome;
    });
    peer.close(1000);
    assert.equal(await closed, heard);
    assert.deepEqual(order, ['listener', 'promise']);
  });

  it('a throwing onClosed listener does not stop the others; its error is uncaught', () => {
    // In a child process: the error must reach process 'uncaughtException', as from an event.
    const script = `
      import { Connection } from ${JSON.stringify(moduleUrl('../../src/connection/connection.js'))};
      import { duplexPair } from ${JSON.stringify(moduleUrl('../helpers/duplex-pair.js'))};
      const [ours, theirs] = duplexPair();
      const connection = new Connection(ours, { side: 'server' });
      let called = false;
      process.on('uncaughtException', (error) => {
        console.log(JSON.stringify({ uncaught: error.message, called }));
      });
      connection.onClosed(() => { throw new Error('listener failed'); });
      connection.onClosed(() => (called = true));
      theirs.destroy();
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.deepEqual(JSON.parse(output), { uncaught: 'listener failed', called: true });
  });

  it('`closed` asked for only after the end settles with the outcome', async () => {
    const { connection, peer } = connectionWithPeer();
    let ended = false;
    connection.onClosed(() => (ended = true));
    peer.close(1001, 'later');
    while (!ended) await settle(1);
    const late = connection.onClosed(() => assert.fail('added after the end'));
    late();
    assert.deepEqual(await connection.closed, {
      code: 1001,
      reason: 'later',
      wasClean: true,
      closedBy: 'remote',
      cause: {
        kind: 'peer',
        phase: 'open',
        sent: { code: 1001, reason: '' },
        received: { code: 1001, reason: 'later' },
      },
    });
    assert.equal(connection.closed, connection.closed);
  });
});
