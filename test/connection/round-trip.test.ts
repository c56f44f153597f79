// PingRoundTrip alone, on a manual clock: the latest Ping is timed until the Pong with its
// payload; other Pongs, older Pings' answers and answers given twice do not count.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PingRoundTrip } from '../../src/connection/round-trip.js';
import { ManualClock } from '../../src/time/clock.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('PingRoundTrip', () => {
  it('times a Ping to the Pong that carries its payload, as text or bytes', () => {
    const clock = new ManualClock();
    const roundTrip = new PingRoundTrip(clock);
    assert.equal(roundTrip.lastMs, undefined);
    roundTrip.pingSent('hb-1');
    clock.advance(25);
    assert.equal(roundTrip.onPong(bytes('hb-2')), false);
    assert.equal(roundTrip.onPong(bytes('hb')), false);
    assert.equal(roundTrip.lastMs, undefined);
    assert.equal(roundTrip.onPong(bytes('hb-1')), true);
    assert.equal(roundTrip.lastMs, 25);
    clock.advance(5);
    assert.equal(roundTrip.onPong(bytes('hb-1')), false); // answered already
    assert.equal(roundTrip.lastMs, 25);
  });

  it('times the latest Ping only: the answer to an older one is not counted', () => {
    const clock = new ManualClock();
    const roundTrip = new PingRoundTrip(clock);
    roundTrip.pingSent(Uint8Array.of(1));
    clock.advance(10);
    roundTrip.pingSent(Uint8Array.of(2));
    clock.advance(7);
    assert.equal(roundTrip.onPong(Uint8Array.of(1)), false);
    assert.equal(roundTrip.onPong(Uint8Array.of(2)), true);
    assert.equal(roundTrip.lastMs, 7);
  });

  it('keeps its own copy of the payload', () => {
    const clock = new ManualClock();
    const roundTrip = new PingRoundTrip(clock);
    const payload = Uint8Array.of(1, 2, 3);
    roundTrip.pingSent(payload);
    payload[0] = 9; // the caller reuses its buffer
    clock.advance(3);
    assert.equal(roundTrip.onPong(Uint8Array.of(1, 2, 3)), true);
    assert.equal(roundTrip.lastMs, 3);
  });

  it('an empty Ping is answered by an empty Pong', () => {
    const clock = new ManualClock();
    const roundTrip = new PingRoundTrip(clock);
    roundTrip.pingSent('');
    clock.advance(1);
    assert.equal(roundTrip.onPong(new Uint8Array(0)), true);
    assert.equal(roundTrip.lastMs, 1);
  });
});
