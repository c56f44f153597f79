// The browser client's backoff: growth, cap and jitter, computed with the randomness given.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReconnectDefaults, backoffDelayMs, reconnectPolicy } from '../../src/browser/index.js';

describe('backoffDelayMs', () => {
  it('doubles from a second up to the 30 s cap when no jitter is drawn', () => {
    const policy = reconnectPolicy();
    const delays = [1, 2, 3, 4, 5, 6, 7, 20].map((retry) => backoffDelayMs(retry, policy, 0));
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('takes up to the jitter share off each delay, and never more', () => {
    const policy = reconnectPolicy({ jitter: 0.5 });
    assert.equal(backoffDelayMs(2, policy, 0), 2000);
    assert.equal(backoffDelayMs(2, policy, 0.5), 1500);
    assert.equal(backoffDelayMs(2, policy, 0.999), 1001);
    assert.equal(backoffDelayMs(9, policy, 0.999), 15_015); // the cap less its jitter
  });

  it('follows the given first delay, factor and cap, and jitter 0 is exact', () => {
    const policy = reconnectPolicy({ initialDelayMs: 100, factor: 3, maxDelayMs: 1000, jitter: 0 });
    const delays = [1, 2, 3, 4].map((retry) => backoffDelayMs(retry, policy, 0.9));
    assert.deepEqual(delays, [100, 300, 900, 1000]);
  });
});

describe('reconnectPolicy', () => {
  it('fills in the defaults', () => {
    assert.deepEqual(reconnectPolicy({ maxRetries: 3 }), { ...ReconnectDefaults, maxRetries: 3 });
    assert.equal(ReconnectDefaults.maxRetries, Infinity);
  });

  it('refuses values out of range', () => {
    for (const bad of [
      { initialDelayMs: -1 },
      { factor: 0.5 },
      { jitter: 1.5 },
      { maxDelayMs: 10, initialDelayMs: 100 },
      { maxRetries: 1.5 },
      { maxRetries: -1 },
      { stableAfterMs: -1 },
    ]) {
      assert.throws(() => reconnectPolicy(bad), RangeError, JSON.stringify(bad));
    }
  });
});
