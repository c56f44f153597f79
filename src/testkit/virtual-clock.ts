// Testkit: time under the test's control. A connection, a server or a link given this clock runs
// its keep-alive, idle, pong, close and handshake timers on it: minutes pass in one call.

import { ManualClock } from '../time/clock.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { settle } from './settle.js';

/**
 * A {@link Clock} that only moves inside {@link VirtualClock.advance}: every timer that falls due
 * fires in order of its due time (then of its setting), and the in-memory work it starts (a Ping
 * written, its Pong read and answered) runs to rest before the next timer fires. No real time
 * passes; the outcome is the same on every run.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const wsClient = new WSProbe();
 * await WS('/chat', wsClient.flow, { clock, serverOptions: { idleTimeoutMs: 60_000 } }).run(routes);
 * await clock.advance(60_000);
 * await wsClient.expectClose(1001, 'idle timeout');
 * ```
 */
export class VirtualClock implements Clock {
  readonly #timers = new ManualClock();

  /** The virtual time in milliseconds: 0 when the clock was made, then moved by advance(). */
  now(): number {
    return this.#timers.now();
  }

  /**
   * @param callback - what to call when the clock reaches the due time.
   * @param ms - the delay from now.
   * @returns a handle for {@link VirtualClock.clearTimeout}.
   */
  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.#timers.setTimeout(callback, ms);
  }

  /** @param handle - a handle from {@link VirtualClock.setTimeout}. */
  clearTimeout(handle: TimerHandle): void {
    this.#timers.clearTimeout(handle);
  }

  /** How many timers are pending. */
  get pendingTimers(): number {
    return this.#timers.pendingTimers;
  }

  /**
   * Moves time forward by `ms`: lets the work already under way come to rest, then fires every
   * timer due within the window, earliest first, letting the work each one starts come to rest
   * before the next (timers set meanwhile fire too when they fall within the window).
   *
   * @param ms - how far to move, in milliseconds (>= 0).
   * @returns a promise that resolves once time has moved and everything is at rest.
   * @throws {RangeError} (rejects) for a negative or non-finite `ms`.
   * @example
   * ```ts
   * await clock.advance(5 * 60_000); // five minutes of keep-alive pings and their pongs
   * ```
   */
  async advance(ms: number): Promise<void> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`advance() takes a finite number of ms >= 0, not ${String(ms)}`);
    }
    await settle();
    const end = this.now() + ms;
    for (let due = this.#timers.nextDueAt; due !== undefined && due <= end;) {
      this.#timers.advance(due - this.now());
      await settle();
      due = this.#timers.nextDueAt;
    }
    this.#timers.advance(end - this.now());
  }
}
