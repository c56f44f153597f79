// Extensions layer: a tiny FIFO job queue that caps how many zlib operations run at once. zlib
// work goes to libuv's thread pool; an unbounded number of jobs fragments memory badly
// (nodejs/node#8871, websockets/ws#1202), so every connection of the process shares one queue.

/** A job: starts some work and calls `done` exactly once when it is over. */
export type LimiterJob = (done: () => void) => void;

/**
 * Runs jobs in the order they were added, at most `concurrency` at a time.
 *
 * @example
 * const limiter = new Limiter(2);
 * limiter.add((done) => inflate.flush(() => done()));
 */
export class Limiter {
  /** How many jobs may run at once. */
  readonly concurrency: number;
  readonly #jobs: LimiterJob[] = [];
  #head = 0;
  #running = 0;

  /**
   * @param concurrency - At least 1; `Infinity` for no cap.
   * @throws {RangeError} For a concurrency that is not a positive integer (or Infinity).
   */
  constructor(concurrency: number) {
    if (!(concurrency === Infinity || (Number.isInteger(concurrency) && concurrency >= 1))) {
      throw new RangeError(`concurrencyLimit must be a positive integer, got ${concurrency}`);
    }
    this.concurrency = concurrency;
  }

  /** Jobs started and not yet done. */
  get running(): number {
    return this.#running;
  }

  /** Jobs waiting for a free slot. */
  get waiting(): number {
    return this.#jobs.length - this.#head;
  }

  /**
   * Queues a job; it starts now when a slot is free, else when one frees up.
   *
   * @param job - The work; it must call `done` once, synchronously or later.
   */
  add(job: LimiterJob): void {
    this.#jobs.push(job);
    this.#run();
  }

  #run(): void {
    while (this.#running < this.concurrency && this.#head < this.#jobs.length) {
      const job = this.#jobs[this.#head++];
      if (this.#head === this.#jobs.length) {
        this.#jobs.length = 0;
        this.#head = 0;
      }
      this.#running++;
      let finished = false;
      job(() => {
        if (finished) return;
        finished = true;
        this.#running--;
        this.#run();
      });
    }
  }
}

const shared = new Map<number, Limiter>();

/**
 * The process-wide limiter for a concurrency: every connection that asks for the same cap shares
 * one queue, as the thread pool it protects is shared too.
 *
 * @param concurrency - The cap; default 10 (ws's default).
 * @returns The shared limiter.
 * @example
 * sharedLimiter(10).add((done) => deflate.flush(Z_SYNC_FLUSH, done));
 */
export function sharedLimiter(concurrency = 10): Limiter {
  let limiter = shared.get(concurrency);
  if (limiter === undefined) {
    limiter = new Limiter(concurrency);
    shared.set(concurrency, limiter);
  }
  return limiter;
}
