// Tests for the injectable clocks: the manual clock fires due timers in order, within advance.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, systemClock } from '../../src/time/clock.js';

describe('ManualClock', () => {
  it('fires due timers in order of due time, then of creation', () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    clock.setTimeout(() => fired.push('c'), 20);
    clock.advance(19);
    assert.deepEqual(fired, ['a']);
    clock.advance(1);
    assert.deepEqual(fired, ['a', 'b', 'c']);
    assert.equal(clock.now(), 20);
  });

  it('fires timers set by callbacks when they fall within the window', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    const again = (): void => {
      fired.push(clock.now());
      if (fired.length < 3) clock.setTimeout(again, 5);
    };
    clock.setTimeout(again, 5);
    clock.advance(100);
    assert.deepEqual(fired, [5, 10, 15]);
  });

  it('does not fire cleared timers', () => {
    const clock = new ManualClock();
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 1);
    clock.clearTimeout(handle);
    clock.advance(10);
    assert.equal(fired, false);
    assert.equal(clock.pendingTimers, 0);
  });
});

describe('systemClock', () => {
  it('runs and clears real timers', async () => {
    const handle = systemClock.setTimeout(() => assert.fail('cleared timer fired'), 1);
    systemClock.clearTimeout(handle);
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 1));
    assert.equal(typeof systemClock.now(), 'number');
  });
});
