// The testkit's virtual clock: timers fire in order of due time inside advance(), and the
// in-memory work each one starts comes to rest before the next fires.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryLink } from '../../src/testkit/link.js';
import { VirtualClock } from '../../src/testkit/virtual-clock.js';

describe('VirtualClock', () => {
  it('fires due timers in order of due time, then of setting, and no others', async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('c@20'), 20);
    const late = clock.setTimeout(() => fired.push('late'), 30);
    clock.setTimeout(() => fired.push('never'), 40);
    clock.clearTimeout(late);
    await clock.advance(25);
    assert.deepEqual(fired, ['a@10', 'b@20', 'c@20']);
    assert.equal(clock.now(), 25);
    assert.equal(clock.pendingTimers, 1);
  });

  it('fires timers set by timers when they fall within the window', async () => {
    const clock = new VirtualClock();
    const at: number[] = [];
    const tick = (): void => {
      at.push(clock.now());
      clock.setTimeout(tick, 1000);
    };
    clock.setTimeout(tick, 1000);
    await clock.advance(60 * 60_000);
    assert.equal(at.length, 3600);
    assert.equal(at[3599], 3_600_000);
  });

  it('lets the bytes a timer writes arrive before the next timer fires', async () => {
    const clock = new VirtualClock();
    const link = new MemoryLink();
    const seen: string[] = [];
    link.server.on('data', (chunk: Buffer) => seen.push(`${String(chunk)}@${clock.now()}`));
    // Written on the next tick, as a connection's coalescing writer does.
    clock.setTimeout(() => process.nextTick(() => link.client.write('ping')), 10);
    clock.setTimeout(() => seen.push(`timer@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`timer@${clock.now()}`), 11);
    await clock.advance(20);
    assert.deepEqual(seen, ['timer@10', 'ping@10', 'timer@11']);
  });

  it('refuses to move backwards', async () => {
    await assert.rejects(new VirtualClock().advance(-1), RangeError);
  });
});
