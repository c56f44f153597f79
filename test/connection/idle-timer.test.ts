// The idle timer alone, on a manual clock: it samples an activity counter four times per stretch,
// fires between idleMs and 1.25 × idleMs after the last activity (never before), and waits while
// the owner says it is busy.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdleTimer, SAMPLES_PER_IDLE } from '../../src/connection/idle-timer.js';
import { ManualClock } from '../../src/time/clock.js';

/** A timer over a counter the test moves, recording when it fired. */
function watched(idleMs: number) {
  const clock = new ManualClock();
  const state = { count: 0, busy: false, firedAt: [] as number[] };
  const activity = { count: () => state.count, busy: () => state.busy };
  const timer = new IdleTimer(clock, idleMs, activity, () => state.firedAt.push(clock.now()));
  timer.start();
  return { clock, state, timer };
}

describe('IdleTimer', () => {
  it('fires idleMs after the start when nothing moves, sampling four times on the way', () => {
    const { clock, state, timer } = watched(1000);
    assert.equal(SAMPLES_PER_IDLE, 4);
    clock.advance(999);
    assert.deepEqual(state.firedAt, []);
    clock.advance(1);
    assert.deepEqual(state.firedAt, [1000]);
    assert.equal(timer.running, false);
    assert.equal(clock.pendingTimers, 0);
  });

  it('fires between idleMs and 1.25 × idleMs after the last activity, never before', () => {
    for (let activityAt = 1; activityAt < 1000; activityAt += 7) {
      const { clock, state } = watched(1000);
      clock.advance(activityAt);
      state.count++;
      clock.advance(10_000);
      assert.equal(state.firedAt.length, 1);
      const firedAt = state.firedAt[0];
      assert.ok(firedAt >= activityAt + 1000, `activity at ${activityAt}, fired at ${firedAt}`);
      assert.ok(firedAt <= activityAt + 1250, `activity at ${activityAt}, fired at ${firedAt}`);
    }
  });

  it('waits while the owner is busy, and goes on from the last sample that saw it busy', () => {
    const { clock, state } = watched(1000);
    state.busy = true;
    clock.advance(5000);
    assert.deepEqual(state.firedAt, []);
    state.busy = false;
    clock.advance(1000);
    assert.deepEqual(state.firedAt, [6000]);
  });

  it('start() begins a new stretch now; stop() cancels it', () => {
    const { clock, state, timer } = watched(1000);
    clock.advance(900);
    timer.start(); // e.g. a keep-alive frame just sent
    clock.advance(999);
    assert.deepEqual(state.firedAt, []);
    clock.advance(1);
    assert.deepEqual(state.firedAt, [1900]);
    timer.start();
    timer.stop();
    clock.advance(5000);
    assert.deepEqual(state.firedAt, [1900]);
    assert.equal(clock.pendingTimers, 0);
  });
});
