// MemoryBudget on its own, with holders whose bytes the test sets: who is shed when it fills
// (largest first, down to seven eighths, never one within its share), bytes that drained since
// their last report, and connections that leave.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBudget } from '../../src/index.js';
import { joinMemoryBudget } from '../../src/connection/memory-budget.js';
import type { BudgetAccount, BudgetHolder } from '../../src/connection/memory-budget.js';

/** A connection as the budget sees it: holds what the test says; shedding frees it all. */
class FakeHolder implements BudgetHolder {
  bytes = 0;
  shed = false;
  readonly account: BudgetAccount;

  constructor(budget: MemoryBudget) {
    this.account = joinMemoryBudget(budget, this);
  }

  hold(bytes: number): void {
    this.bytes = bytes;
    this.account.report();
  }

  measureHeldBytes(): number {
    return this.bytes;
  }

  shedForBudget(): void {
    this.shed = true;
    this.bytes = 0;
  }
}

function holders(budget: MemoryBudget, count: number): FakeHolder[] {
  return Array.from({ length: count }, () => new FakeHolder(budget));
}

describe('MemoryBudget', () => {
  it('sheds the largest holders, largest first, until it is under seven eighths', () => {
    const budget = new MemoryBudget({ bytes: 1000 });
    const [a, b, c, d] = holders(budget, 4);
    a.hold(100);
    b.hold(300);
    c.hold(350);
    d.hold(200);
    assert.equal(budget.shedConnections, 0, 'under the bound: nobody');
    assert.equal(budget.bufferedBytes, 950);
    a.hold(160); // 1010: over
    assert.deepEqual(
      [a, b, c, d].map((holder) => holder.shed),
      [false, false, true, false],
      'the largest alone brings it to 660',
    );
    assert.equal(budget.shedConnections, 1);
    assert.equal(budget.bufferedBytes, 660);
    assert.ok(budget.peakBufferedBytes <= 1000);
  });

  it('never sheds a holder within its share, however full', () => {
    const budget = new MemoryBudget({ bytes: 1000 });
    const all = holders(budget, 4);
    for (const holder of all) holder.hold(240);
    all[0].hold(250); // 970: under
    all[1].hold(250); // 980
    assert.equal(budget.shedConnections, 0);
    all[2].hold(260); // 1000: at the bound, not over
    assert.equal(budget.shedConnections, 0);
    all[3].hold(245); // 1005: over; only the one above 250 (its share) may go
    assert.deepEqual(
      all.map((holder) => holder.shed),
      [false, false, true, false],
    );
    assert.equal(budget.bufferedBytes, 745);
  });

  it('counts what drained since the last report as gone before shedding anyone', () => {
    const budget = new MemoryBudget({ bytes: 1000 });
    const [drained, growing] = holders(budget, 2);
    drained.hold(900);
    drained.bytes = 0; // its socket drained; it has not written since
    growing.hold(500); // 1400 as reported, 500 in fact
    assert.equal(budget.shedConnections, 0);
    assert.equal(drained.shed, false);
    assert.equal(budget.bufferedBytes, 500);
  });

  it('forgets a connection that leaves, and its share goes to the others', () => {
    const budget = new MemoryBudget({ bytes: 1000 });
    const [gone, a, b] = holders(budget, 3);
    gone.hold(300);
    gone.account.leave();
    assert.equal(budget.connections, 2);
    assert.equal(budget.bufferedBytes, 0);
    a.hold(480);
    b.hold(530); // over: b is above its share of 500
    assert.equal(b.shed, true);
    assert.equal(a.shed, false);
  });

  it('refuses a bound that is not a positive number', () => {
    for (const bytes of [0, -1, Number.NaN, '64' as unknown as number]) {
      assert.throws(() => new MemoryBudget({ bytes }), RangeError);
    }
  });
});
