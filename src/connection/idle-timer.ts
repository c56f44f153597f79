// Connection layer: a timer that fires after a stretch of inactivity. Activity only moves a
// timestamp; the timer, when due, rechecks it and re-arms for the rest (keep-alive, idle timeout).

import type { Clock, TimerHandle } from '../time/clock.js';
import { unrefTimer } from '../time/clock.js';

/**
 * Calls `onIdle` once `idleMs` have passed since `lastActivity()`. Activity never touches the
 * timer, so the hot path pays for a timestamp at most; the timer never keeps the process alive.
 *
 * @example
 * ```ts
 * let lastTrafficAt = clock.now();
 * const timer = new IdleTimer(clock, 30_000, () => lastTrafficAt, () => close(1001, 'idle timeout'));
 * timer.start();
 * ```
 */
export class IdleTimer {
  readonly #clock: Clock;
  readonly #idleMs: number;
  readonly #lastActivity: () => number;
  readonly #onIdle: () => void;
  #handle: TimerHandle | undefined;

  /**
   * @param clock - the timers.
   * @param idleMs - how long without activity before `onIdle`.
   * @param lastActivity - when the last activity was, on `clock`'s time.
   * @param onIdle - called once per idle stretch; call {@link IdleTimer.start} again to go on.
   */
  constructor(clock: Clock, idleMs: number, lastActivity: () => number, onIdle: () => void) {
    this.#clock = clock;
    this.#idleMs = idleMs;
    this.#lastActivity = lastActivity;
    this.#onIdle = onIdle;
  }

  /** True while a check is pending. */
  get running(): boolean {
    return this.#handle !== undefined;
  }

  /** (Re)arms the timer for `idleMs` after the last activity. */
  start(): void {
    this.stop();
    this.#arm(this.#remaining());
  }

  /** Cancels the pending check, if any. */
  stop(): void {
    if (this.#handle === undefined) return;
    this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #remaining(): number {
    return this.#lastActivity() + this.#idleMs - this.#clock.now();
  }

  #arm(delay: number): void {
    this.#handle = unrefTimer(this.#clock.setTimeout(() => this.#due(), Math.max(0, delay)));
  }

  #due(): void {
    this.#handle = undefined;
    const remaining = this.#remaining();
    if (remaining > 0) this.#arm(remaining);
    else this.#onIdle();
  }
}
