// Flow layer: sources for the outgoing side of disconnected flows (Akka HTTP, Play): a source that
// stays open until told (Akka's Source.maybe), a ticker, and concatenation.

import { systemClock } from '../time/clock.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { readableFrom } from '../message/streams.js';
import type { StreamSource } from '../message/streams.js';

/** What {@link maybe} returns: the source and the way to end it. */
export interface MaybeSource<T> {
  /** A stream that emits nothing until `complete` or `fail` is called. */
  readonly source: ReadableStream<T>;
  /** Ends the source, after emitting `value` when one is given. Later calls do nothing. */
  complete(value?: T): void;
  /** Errors the source with `error` (a connection running it closes with 1011). */
  fail(error: unknown): void;
}

/**
 * A source that never completes on its own (Akka's `Source.maybe`): keeps the outgoing side of a
 * connection open, so the connection stays up while only incoming messages flow (as in Akka HTTP).
 *
 * @returns the source and its `complete` / `fail` switches.
 * @example
 * ```ts
 * const { source, complete } = maybe<string>();
 * const done = connection.runUntilClosed(fromSinkAndSource((m) => log(m), source));
 * // later: complete() sends Close 1000
 * ```
 */
export function maybe<T>(): MaybeSource<T> {
  let controller!: ReadableStreamDefaultController<T>;
  let settled = false;
  const source = new ReadableStream<T>({
    start(c) {
      controller = c;
    },
    cancel() {
      settled = true;
    },
  });
  return {
    source,
    complete(value?: T): void {
      if (settled) return;
      settled = true;
      if (value !== undefined) controller.enqueue(value);
      controller.close();
    },
    fail(error: unknown): void {
      if (settled) return;
      settled = true;
      controller.error(error);
    },
  };
}

/** Options of {@link ticker}. */
export interface TickerOptions {
  /** The clock driving the ticks (tests pass a ManualClock). */
  clock?: Clock;
}

/**
 * A source that emits `makeValue(n)` every `intervalMs` (n = 0, 1, 2, …). Like Akka's tick source,
 * a tick that comes while the reader is not ready is dropped, not queued. Cancelling the stream
 * clears the timer, so nothing keeps the process alive.
 *
 * @param intervalMs - the period, > 0.
 * @param makeValue - makes the element of tick `n`; if it throws, the stream errors.
 * @param options - the clock.
 * @returns the stream.
 * @throws RangeError when `intervalMs` is not a positive number.
 * @example
 * ```ts
 * connection.runUntilClosed(fromSinkAndSource(ignore(), ticker(1000, (n) => `tick ${n}`)));
 * ```
 */
export function ticker<T>(
  intervalMs: number,
  makeValue: (n: number) => T,
  options: TickerOptions = {},
): ReadableStream<T> {
  if (!(intervalMs > 0)) throw new RangeError(`ticker interval must be > 0 ms, got ${intervalMs}`);
  const clock = options.clock ?? systemClock;
  let timer: TimerHandle | undefined;
  let n = 0;
  return new ReadableStream<T>(
    {
      start(controller) {
        const tick = (): void => {
          timer = clock.setTimeout(tick, intervalMs);
          if ((controller.desiredSize ?? 0) <= 0) return;
          try {
            controller.enqueue(makeValue(n++));
          } catch (error) {
            clock.clearTimeout(timer);
            controller.error(error);
          }
        };
        timer = clock.setTimeout(tick, intervalMs);
      },
      cancel() {
        clock.clearTimeout(timer);
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * The elements of each source in turn (Akka's `++`): e.g. a finite list followed by
 * `maybe().source` to keep the connection open after it.
 *
 * @param sources - streams or (async) iterables, read one after the other.
 * @returns the concatenation.
 * @throws TypeError (when read) for a source that is not a stream or an iterable.
 * @example
 * ```ts
 * const out = concat(['hello', 'world'], maybe<string>().source);
 * ```
 */
export function concat<T>(...sources: StreamSource<T>[]): ReadableStream<T> {
  return readableFrom(
    (async function* () {
      for (const source of sources) yield* readableFrom(source);
    })(),
  );
}
