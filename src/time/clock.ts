// Time (ground floor): injectable timers, so close timeouts and tickers run on real time in
// production and on a manual clock in tests; every layer above takes its timers from here.

/** An opaque timer handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/** The timers wsflow uses; pass your own to control time in tests. */
export interface Clock {
  /** Calls `callback` once after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer; ignores handles that already fired or were cleared. */
  clearTimeout(handle: TimerHandle): void;
  /** The current time in milliseconds (monotonic for the system clock). */
  now(): number;
}

/** The real clock: Node's timers and `performance.now()`. */
export const systemClock: Clock = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

/**
 * Keeps a timer from holding the process open: Node's timers are unref'd, other clocks' handles
 * (a ManualClock's) are left as they are.
 *
 * @param handle - a handle from {@link Clock.setTimeout}.
 * @returns the same handle.
 * @example
 * ```ts
 * const handle = unrefTimer(clock.setTimeout(check, 30_000));
 * ```
 */
export function unrefTimer(handle: TimerHandle): TimerHandle {
  (handle as { unref?: () => void } | undefined)?.unref?.();
  return handle;
}

interface ManualTimer {
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * A clock that only moves when told to: timers fire inside {@link ManualClock.advance}, in order.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const connection = new Connection(socket, { side: 'server', clock });
 * clock.advance(3000); // fires the close timeout, if one is pending
 * ```
 */
export class ManualClock implements Clock {
  #now = 0;
  #seq = 0;
  readonly #timers = new Set<ManualTimer>();

  /** The current time in milliseconds since the clock was made. */
  now(): number {
    return this.#now;
  }

  /**
   * @param callback - what to call when the clock reaches the due time.
   * @param ms - the delay from now.
   * @returns a handle for {@link ManualClock.clearTimeout}.
   */
  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { due: this.#now + Math.max(0, ms), seq: this.#seq++, callback };
    this.#timers.add(timer);
    return timer;
  }

  /** @param handle - a handle from {@link ManualClock.setTimeout}. */
  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as ManualTimer);
  }

  /** How many timers are pending. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** When the earliest pending timer falls due, or `undefined` when none is pending. */
  get nextDueAt(): number | undefined {
    return this.#next(Infinity)?.due;
  }

  /**
   * Moves time forward, firing every timer that falls due, earliest first (timers set by the
   * callbacks fire too when they fall within the window).
   *
   * @param ms - how far to move.
   */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (let next = this.#next(end); next !== undefined; next = this.#next(end)) {
      this.#timers.delete(next);
      this.#now = next.due;
      next.callback();
    }
    this.#now = end;
  }

  #next(end: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.due > end) continue;
      if (
        best === undefined ||
        timer.due < best.due ||
        (timer.due === best.due && timer.seq < best.seq)
      ) {
        best = timer;
      }
    }
    return best;
  }
}
