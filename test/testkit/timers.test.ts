// Every timer of a connection and of the server's handshake, on the testkit's virtual clock: a
// scenario of minutes runs in microseconds, and the test asserts on what happened after advance().

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { echo, fromSinkAndSource, ignore, ticker } from '../../src/index.js';
import { VirtualClock, WS, WSProbe } from '../../src/testkit/index.js';

const MINUTE = 60_000;

describe('timers on the virtual clock', () => {
  it('keep-alive: a Ping every 20 s of silence for five minutes, each answered', async () => {
    const clock = new VirtualClock();
    const wsClient = new WSProbe();
    const { serverConnection } = await WS('/', wsClient.flow, {
      clock,
      server: { keepAlive: { maxIdleMs: 20_000, pongTimeoutMs: 10_000 } },
    }).run(echo());
    await clock.advance(5 * MINUTE);
    for (let ping = 1; ping <= 15; ping++) await wsClient.expectPing();
    assert.equal(serverConnection?.state, 'OPEN');
    wsClient.sendMessage('still here');
    await wsClient.expectMessage('still here');
  });

  it('pong timeout: a peer that never answers is closed with 1011 once the deadline passes', async () => {
    const clock = new VirtualClock();
    const wsClient = new WSProbe({ autoPong: false });
    const { serverConnection } = await WS('/', wsClient.flow, {
      clock,
      server: { keepAlive: { maxIdleMs: MINUTE, pongTimeoutMs: MINUTE } },
    }).run(echo());
    await clock.advance(MINUTE);
    await wsClient.expectPing();
    await clock.advance(MINUTE - 1);
    assert.equal(serverConnection?.state, 'OPEN');
    await clock.advance(1);
    await wsClient.expectClose(1011, 'keepalive ping timeout');
  });

  it('pong timeout, as the docs show it', async () => {
    // #region docs/testing.md
    const clock = new VirtualClock();
    const wsClient = new WSProbe({ autoPong: false }); // a peer that never answers Pings
    await WS('/', wsClient.flow, {
      clock,
      server: { keepAlive: { maxIdleMs: 60_000, pongTimeoutMs: 60_000 } },
    }).run(echo());
    await clock.advance(60_000);
    await wsClient.expectPing();
    await clock.advance(60_000);
    await wsClient.expectClose(1011, 'keepalive ping timeout');
    // #endregion
  });

  it('idle timeout: closed with 1001 after five minutes without traffic, not before', async () => {
    const clock = new VirtualClock();
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow, { clock, server: { idleTimeoutMs: 5 * MINUTE } }).run(echo());
    await clock.advance(4 * MINUTE);
    wsClient.sendMessage('traffic');
    await wsClient.expectMessage('traffic');
    await clock.advance(5 * MINUTE);
    await wsClient.expectNoMessage(0);
    assert.equal(clock.now(), 9 * MINUTE);
    await clock.advance((5 * MINUTE) / 4); // traffic is dated by a sample, a quarter later at most
    await wsClient.expectClose(1001, 'idle timeout');
  });

  it('close timeout: a Close that gets no answer ends the transport when the timeout passes', async () => {
    const clock = new VirtualClock();
    const wsClient = new WSProbe();
    const { link, connection } = await WS('/', wsClient.flow, {
      clock,
      client: { closeTimeoutMs: 2 * MINUTE },
    }).run(echo());
    link.drop(); // the server never sees the Close, and never answers it
    wsClient.sendCompletion();
    await clock.advance(2 * MINUTE - 1);
    assert.equal(connection?.state, 'CLOSING');
    await clock.advance(1);
    const outcome = await wsClient.expectClose(1006);
    assert.deepEqual([outcome.wasClean, outcome.closedBy], [false, 'local']);
  });

  it('handshake timeout: a handler that never answers gets the client a 503', async () => {
    const clock = new VirtualClock();
    const pending = WS('/', new WSProbe().flow, {
      clock,
      server: { handshakeTimeoutMs: MINUTE },
    }).run(() => new Promise<void>(() => {}));
    await clock.advance(MINUTE);
    const result = await pending;
    assert.deepEqual(
      [result.isWebSocketUpgrade, result.status, result.body],
      [false, 503, 'Handshake timeout\n'],
    );
  });

  it('expectNoMessage(ms) moves the virtual clock: a ticker of the server shows up after it', async () => {
    const clock = new VirtualClock();
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow, { clock }).run(
      fromSinkAndSource(
        ignore(),
        ticker(MINUTE, (n) => `tick ${n}`, { clock }),
      ),
    );
    await wsClient.expectNoMessage(MINUTE - 1);
    await clock.advance(1);
    await wsClient.expectMessage('tick 0');
    await wsClient.expectNoMessage(MINUTE - 1);
    await clock.advance(1);
    await wsClient.expectMessage('tick 1');
    assert.equal(clock.now(), 2 * MINUTE);
  });
});
