// Keep-alive on a Connection, on a manual clock: Pings after an idle stretch with a custom
// payload, Pong mode, dead-peer detection (1011 sent, 1006 reported), and the options' checks.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/time/clock.js';
import { Connection } from '../../src/connection/connection.js';
import type { ConnectionOptions } from '../../src/connection/connection.js';
import { map } from '../../src/flow/flow.js';
import type { Message } from '../../src/message/message.js';
import type { Side } from '../../src/protocol/events.js';
import { connectionWithPeer, settle } from '../helpers/connection-setup.js';
import { duplexPair } from '../helpers/duplex-pair.js';
import { SIDES, recordingProtocol } from '../helpers/peer-frames.js';
import type { RawPeer } from '../helpers/raw-peer.js';

/** The payloads of the Pings (or Pongs) the peer has seen so far, as text; clears them. */
function taken(peer: RawPeer, type: 'ping' | 'pong'): string[] {
  const seen = peer.events.filter((event) => event.type === type);
  peer.events.splice(0, peer.events.length);
  return seen.map((event) => (event.type === type ? event.data.toString('utf8') : ''));
}

/** Moves the clock and lets the bytes travel. */
async function advance(clock: ManualClock, ms: number): Promise<void> {
  clock.advance(ms);
  await settle();
}

/** A Connection whose peer reads and decodes everything but never writes a byte. */
function silentPeer(options: Partial<ConnectionOptions>) {
  const [ours, theirs] = duplexPair();
  const side: Side = options.side ?? 'server';
  const connection = new Connection(ours, { ...options, side });
  const { protocol, handler } = recordingProtocol(side === 'server' ? 'client' : 'server', {
    autoPong: false,
  });
  theirs.on('data', (chunk: Buffer) => protocol.receiveData(chunk));
  return { connection, handler, ours, theirs, protocol };
}

describe('keep-alive: ping mode', () => {
  for (const side of SIDES) {
    it(`${side}: sends a Ping with the custom payload after maxIdleMs of silence`, async () => {
      const clock = new ManualClock();
      let count = 0;
      const payload = (): string => `debug-${++count}`;
      const { connection, peer } = connectionWithPeer({
        side,
        clock,
        keepAlive: { maxIdleMs: 1000, payload },
      });
      await advance(clock, 999);
      assert.deepEqual(taken(peer, 'ping'), []);
      await advance(clock, 1);
      assert.deepEqual(taken(peer, 'ping'), ['debug-1']);
      await advance(clock, 1000);
      assert.deepEqual(taken(peer, 'ping'), ['debug-2']);
      await connection.close();
      assert.equal(clock.pendingTimers, 0);
    });
  }

  it('anything received postpones the next Ping, dated by the sample that saw it', async () => {
    const clock = new ManualClock();
    const { connection, peer } = connectionWithPeer({ clock, keepAlive: { maxIdleMs: 1000 } });
    await advance(clock, 600);
    peer.text('still here');
    await advance(clock, 1000); // maxIdleMs after the message
    assert.deepEqual(taken(peer, 'ping'), []);
    await advance(clock, 150); // maxIdleMs after the sample at 750 that saw it
    assert.deepEqual(taken(peer, 'ping'), ['']);
    await connection.close();
  });

  it('what we send does not postpone a Ping: only the peer shows it is alive', async () => {
    const clock = new ManualClock();
    const { connection, peer } = connectionWithPeer({ clock, keepAlive: { maxIdleMs: 1000 } });
    await advance(clock, 600);
    await connection.send('tick');
    await advance(clock, 400);
    assert.deepEqual(taken(peer, 'ping'), ['']);
    await connection.close();
  });

  it('a Pong answers the Ping: the connection stays open', async () => {
    const clock = new ManualClock();
    const { connection, peer } = connectionWithPeer({
      clock,
      keepAlive: { maxIdleMs: 1000, pongTimeoutMs: 500 },
    });
    for (let round = 0; round < 5; round++) {
      await advance(clock, 1000); // a Ping, and its Pong before the 500 ms deadline
      assert.deepEqual(taken(peer, 'ping'), ['']);
    }
    assert.equal(connection.state, 'OPEN');
    await connection.close();
    assert.equal(clock.pendingTimers, 0);
  });
});

describe('keep-alive: dead-peer detection', () => {
  for (const side of SIDES) {
    it(`${side}: a peer that never answers gets 1011 "keepalive ping timeout"; 1006 is reported`, async () => {
      const clock = new ManualClock();
      const { connection, handler, ours } = silentPeer({
        side,
        clock,
        keepAlive: { maxIdleMs: 1000, pongTimeoutMs: 500 },
      });
      await advance(clock, 1000);
      assert.deepEqual(handler.events, [{ type: 'ping', hex: '' }]);
      await advance(clock, 499);
      assert.equal(connection.state, 'OPEN');
      await advance(clock, 1);
      const outcome = await connection.closed;
      const { cause, ...rest } = outcome;
      assert.deepEqual(rest, { code: 1006, reason: '', wasClean: false, closedBy: 'local' });
      assert.equal(cause.kind, 'keep-alive');
      assert.deepEqual(cause.timer, { name: 'keepAlive.pongTimeoutMs', ms: 500 });
      assert.deepEqual(handler.events.at(-1), {
        type: 'close',
        code: 1011,
        reason: 'keepalive ping timeout',
      });
      assert.equal(ours.destroyed, true);
      assert.equal(clock.pendingTimers, 0);
    });
  }

  it('any frame received in time counts as an answer', async () => {
    const clock = new ManualClock();
    const { connection, protocol, theirs } = silentPeer({
      clock,
      keepAlive: { maxIdleMs: 1000, pongTimeoutMs: 500 },
    });
    await advance(clock, 1000);
    protocol.sendText('busy, but alive');
    for (const bytes of protocol.takeOutgoing()) theirs.write(bytes);
    await advance(clock, 600);
    assert.equal(connection.state, 'OPEN');
    await advance(clock, 1500); // a new Ping at 2000, unanswered: closed at 2500
    assert.equal((await connection.closed).code, 1006);
  });

  it('without pongTimeoutMs a silent peer is pinged forever and never closed', async () => {
    const clock = new ManualClock();
    const { connection, handler } = silentPeer({ clock, keepAlive: { maxIdleMs: 1000 } });
    for (let i = 0; i < 10; i++) await advance(clock, 1000);
    assert.equal(handler.events.filter((event) => event.type === 'ping').length, 10);
    assert.equal(connection.state, 'OPEN');
    connection.terminate();
    await connection.closed;
  });
});

describe('keep-alive: pong mode', () => {
  it('sends unsolicited Pongs after maxIdleMs with nothing sent, and expects no answer', async () => {
    const clock = new ManualClock();
    let count = 0;
    const { connection, handler } = silentPeer({
      clock,
      keepAlive: { maxIdleMs: 1000, mode: 'pong', payload: () => Uint8Array.of(++count) },
    });
    for (let i = 0; i < 5; i++) await advance(clock, 1000);
    assert.deepEqual(
      handler.events,
      ['01', '02', '03', '04', '05'].map((hex) => ({ type: 'pong', hex })),
    );
    assert.equal(connection.state, 'OPEN');
    await advance(clock, 600);
    await connection.send('data counts as traffic');
    await settle(); // the write goes out at the end of the tick
    await advance(clock, 1000);
    assert.deepEqual(
      handler.events.slice(5).map((event) => event.type),
      ['start', 'data'],
    );
    await advance(clock, 150); // maxIdleMs after the sample at 5750 that saw the write
    assert.deepEqual(handler.events.at(-1), { type: 'pong', hex: '06' });
    connection.terminate();
    await connection.closed;
    assert.equal(clock.pendingTimers, 0);
  });
});

describe('keep-alive: backpressure', () => {
  it('an application busy with what the peer sent is not a dead peer', async () => {
    const clock = new ManualClock();
    const keepAlive = { maxIdleMs: 1000, pongTimeoutMs: 500 };
    const { connection, peer } = connectionWithPeer({ clock, keepAlive, incomingHighWaterMark: 1 });
    await settle();
    for (let i = 0; i < 4; i++) peer.text(`message ${i}`); // nobody reads: reading pauses
    await settle();
    await advance(clock, 5000);
    assert.equal(connection.state, 'OPEN');
    assert.deepEqual(taken(peer, 'ping'), []);
    const reader = connection.incoming.getReader();
    for (let i = 0; i < 4; i++) assert.equal((await reader.read()).value?.isText, true);
    await advance(clock, 1250); // the rest of the input is read now, and dated by the next sample
    assert.deepEqual(taken(peer, 'ping'), ['']);
    assert.equal(connection.state, 'OPEN');
    reader.releaseLock();
    await connection.close();
  });

  it('a peer that stops reading what we send is found out all the same', async () => {
    const clock = new ManualClock();
    const [ours, theirs] = duplexPair({ highWaterMark: 1024 });
    const keepAlive = { maxIdleMs: 1000, pongTimeoutMs: 500 };
    const connection = new Connection(ours, { side: 'server', clock, keepAlive });
    void connection.runUntilClosed(map((message: Message) => message)).catch(() => undefined);
    const { protocol } = recordingProtocol('client');
    for (let i = 0; i < 40; i++) protocol.sendBinary(new Uint8Array(1000));
    for (const bytes of protocol.takeOutgoing()) theirs.write(bytes);
    await settle(); // the echoes back up: theirs never reads, so we stop reading too
    assert.deepEqual([ours.writableNeedDrain, ours.isPaused()], [true, true]);
    await advance(clock, 1750); // the input dated 250 by a sample; a Ping at 1250, nothing back by 1750
    assert.equal(connection.state, 'CLOSING');
    await advance(clock, 3000); // the Close cannot even be flushed: the close timeout ends it
    assert.equal((await connection.closed).code, 1006);
    theirs.destroy();
  });
});

describe('keep-alive: failures and options', () => {
  it('a payload function that throws closes the connection with 1011', async () => {
    const clock = new ManualClock();
    const payload = (): string => {
      throw new Error('no payload today');
    };
    const { connection, peer } = connectionWithPeer({
      clock,
      keepAlive: { maxIdleMs: 10, payload },
    });
    await advance(clock, 10);
    const close = await peer.next('close');
    assert.deepEqual([close.code, close.reason], [1011, 'internal error']);
    assert.equal((await connection.closed).code, 1011);
  });

  it('a payload over 125 bytes closes the connection with 1011', async () => {
    const clock = new ManualClock();
    const keepAlive = { maxIdleMs: 10, payload: () => 'x'.repeat(126) };
    const { connection, peer } = connectionWithPeer({ clock, keepAlive });
    await advance(clock, 10);
    assert.equal((await peer.next('close')).code, 1011);
    await connection.closed;
  });

  it('rejects nonsense options when the connection is made', () => {
    const [ours] = duplexPair();
    const make = (keepAlive: unknown) => () =>
      new Connection(ours, { side: 'server', keepAlive: keepAlive as { maxIdleMs: number } });
    assert.throws(make({ maxIdleMs: 0 }), RangeError);
    assert.throws(make({ maxIdleMs: Number.NaN }), RangeError);
    assert.throws(make({ maxIdleMs: 10, pongTimeoutMs: -1 }), RangeError);
    assert.throws(make({ maxIdleMs: 10, mode: 'pong', pongTimeoutMs: 10 }), TypeError);
    assert.throws(make({ maxIdleMs: 10, mode: 'pang' }), TypeError);
    assert.throws(make({ maxIdleMs: 10, payload: 'ping' }), TypeError);
    ours.destroy();
  });

  it('is off by default: no timer runs', async () => {
    const clock = new ManualClock();
    const { connection } = connectionWithPeer({ clock });
    await settle();
    assert.equal(clock.pendingTimers, 0);
    await connection.close();
  });
});
