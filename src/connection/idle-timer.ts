// Connection layer: a timer that fires after a stretch of inactivity. Activity only moves a
// counter; the timer samples it a few times per stretch (keep-alive, idle timeout), so reading
// and writing pay neither a clock read nor a timer reset.

import type { Clock, TimerHandle } from '../time/clock.js';
import { unrefTimer } from '../time/clock.js';

/**
 * How many times per idle stretch the counter is sampled: activity is dated to the sample that
 * sees it, so `onIdle` comes between `idleMs` and `idleMs * (1 + 1 / SAMPLES_PER_IDLE)` after
 * the last activity.
 */
export const SAMPLES_PER_IDLE = 4;

/** What an {@link IdleTimer} watches. */
export interface ActivitySource {
  /** A count that moves with every activity (bytes read, writes made); only its changes matter. */
  count(): number;
  /** True while the connection counts as active whatever the count (an application busy with input). */
  busy(): boolean;
}

/**
 * Calls `onIdle` once `idleMs` have passed in which the activity count did not move. Activity
 * never touches the timer: the hot path pays for a counter increment, nothing more; the timer
 * never keeps the process alive.
 *
 * @example
 * ```ts
 * let bytesRead = 0; // the owner adds each chunk's length
 * const activity = { count: () => bytesRead, busy: () => false };
 * const timer = new IdleTimer(clock, 30_000, activity, () => close(1001, 'idle timeout'));
 * timer.start();
 * ```
 */
export class IdleTimer {
  readonly #clock: Clock;
  readonly #idleMs: number;
  readonly #sampleMs: number;
  readonly #activity: ActivitySource;
  readonly #onIdle: () => void;
  #handle: TimerHandle | undefined;
  /** The count at the latest sample. */
  #seen = 0;
  /** When the quiet stretch began: the sample that last saw the count move, or the start. */
  #quietSince = 0;

  /**
   * @param clock - the timers.
   * @param idleMs - how long without activity before `onIdle`.
   * @param activity - the count to watch, and whether the connection is busy regardless.
   * @param onIdle - called once per idle stretch; call {@link IdleTimer.start} again to go on.
   */
  constructor(clock: Clock, idleMs: number, activity: ActivitySource, onIdle: () => void) {
    this.#clock = clock;
    this.#idleMs = idleMs;
    this.#sampleMs = idleMs / SAMPLES_PER_IDLE;
    this.#activity = activity;
    this.#onIdle = onIdle;
  }

  /** True while a check is pending. */
  get running(): boolean {
    return this.#handle !== undefined;
  }

  /** (Re)starts the idle stretch now: for activity the owner saw itself (a frame it sent). */
  start(): void {
    this.stop();
    this.#seen = this.#activity.count();
    this.#quietSince = this.#clock.now();
    this.#arm(this.#sampleMs);
  }

  /** Cancels the pending check, if any. */
  stop(): void {
    if (this.#handle === undefined) return;
    this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #arm(delay: number): void {
    this.#handle = unrefTimer(this.#clock.setTimeout(() => this.#sample(), Math.max(0, delay)));
  }

  #sample(): void {
    this.#handle = undefined;
    const now = this.#clock.now();
    const count = this.#activity.count();
    if (count !== this.#seen || this.#activity.busy()) {
      // Activity since the last sample: dated now, at the latest, so onIdle never comes early.
      this.#seen = count;
      this.#quietSince = now;
    }
    const remaining = this.#quietSince + this.#idleMs - now;
    if (remaining > 0) this.#arm(Math.min(remaining, this.#sampleMs));
    else this.#onIdle();
  }
}
