// The idle timeout on a Connection, on a manual clock: 1001 "idle timeout" after a silent
// stretch, reset by traffic either way, held off by keep-alive and by a busy application.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/time/clock.js';
import { Connection } from '../../src/connection/connection.js';
import { connectionWithPeer, settle } from '../helpers/connection-setup.js';
import { duplexPair } from '../helpers/duplex-pair.js';
import { SIDES } from '../helpers/peer-frames.js';

/** Moves the clock and lets the bytes travel. */
async function advance(clock: ManualClock, ms: number): Promise<void> {
  clock.advance(ms);
  await settle();
}

describe('idle timeout', () => {
  for (const side of SIDES) {
    it(`${side}: closes with 1001 "idle timeout" after idleTimeoutMs without traffic`, async () => {
      const clock = new ManualClock();
      const { connection, peer } = connectionWithPeer({ side, clock, idleTimeoutMs: 1000 });
      await advance(clock, 999);
      assert.equal(connection.state, 'OPEN');
      await advance(clock, 1);
      const close = await peer.next('close');
      assert.deepEqual([close.code, close.reason], [1001, 'idle timeout']);
      const outcome = await connection.closed;
      assert.deepEqual([outcome.code, outcome.wasClean, outcome.closedBy], [1001, true, 'local']);
      assert.equal(clock.pendingTimers, 0);
    });
  }

  it('incoming traffic of any kind resets it: a Ping from the peer', async () => {
    const clock = new ManualClock();
    const { connection, peer } = connectionWithPeer({ clock, idleTimeoutMs: 1000 });
    await advance(clock, 600);
    peer.protocol.sendPing('hello?');
    peer.flush();
    await advance(clock, 1000); // idleTimeoutMs after the Ping
    assert.equal(connection.state, 'OPEN');
    await advance(clock, 250); // at most a quarter later (the Ping is dated by a sample)
    assert.equal((await peer.next('close')).code, 1001);
    await connection.closed;
  });

  it('outgoing messages reset it too', async () => {
    const clock = new ManualClock();
    const { connection, peer } = connectionWithPeer({ clock, idleTimeoutMs: 1000 });
    await advance(clock, 600);
    await connection.send('news');
    await settle();
    await advance(clock, 1000);
    assert.equal(connection.state, 'OPEN');
    await advance(clock, 250);
    assert.equal((await peer.next('close')).code, 1001);
    await connection.closed;
  });

  it('an application busy with what the peer sent is not idle', async () => {
    const clock = new ManualClock();
    const options = { clock, idleTimeoutMs: 1000, incomingHighWaterMark: 1 };
    const { connection, peer } = connectionWithPeer(options);
    for (let i = 0; i < 4; i++) peer.text(`message ${i}`); // nobody reads: reading pauses
    await settle();
    await advance(clock, 5000);
    assert.equal(connection.state, 'OPEN');
    const reader = connection.incoming.getReader();
    for (let i = 0; i < 4; i++) assert.equal((await reader.read()).value?.isText, true);
    await advance(clock, 1250);
    assert.equal((await peer.next('close')).code, 1001);
    await connection.closed;
  });

  it('rejects an idleTimeoutMs that is not a positive number', () => {
    const [ours] = duplexPair();
    for (const idleTimeoutMs of [0, -1, Number.NaN, Infinity]) {
      assert.throws(() => new Connection(ours, { side: 'server', idleTimeoutMs }), RangeError);
    }
    ours.destroy();
  });
});

describe('keep-alive prevents the idle timeout', () => {
  it('Pings answered by the peer keep an otherwise silent connection open', async () => {
    const clock = new ManualClock();
    const { connection, peer } = connectionWithPeer({
      clock,
      idleTimeoutMs: 1000,
      keepAlive: { maxIdleMs: 400, pongTimeoutMs: 300 },
    });
    for (let i = 0; i < 25; i++) await advance(clock, 200);
    assert.equal(connection.state, 'OPEN');
    assert.equal(peer.events.filter((event) => event.type === 'ping').length, 12);
    await connection.close();
    assert.equal(clock.pendingTimers, 0);
  });

  it('unsolicited Pongs count as traffic too, though nothing comes back', async () => {
    const clock = new ManualClock();
    const [ours, theirs] = duplexPair();
    theirs.resume(); // reads and ignores everything
    const connection = new Connection(ours, {
      side: 'client',
      clock,
      idleTimeoutMs: 1000,
      keepAlive: { maxIdleMs: 400, mode: 'pong' },
    });
    for (let i = 0; i < 25; i++) await advance(clock, 200);
    assert.equal(connection.state, 'OPEN');
    connection.terminate();
    await connection.closed;
    assert.equal(clock.pendingTimers, 0);
  });

  it('without keep-alive the same silent connection is closed', async () => {
    const clock = new ManualClock();
    const { connection, peer } = connectionWithPeer({ clock, idleTimeoutMs: 1000 });
    for (let i = 0; i < 5; i++) await advance(clock, 200);
    assert.equal((await peer.next('close')).reason, 'idle timeout');
    await connection.closed;
  });
});
