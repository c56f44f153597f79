// Redis layer: how long to wait before trying a failed Redis command again (the client is
// reconnecting meanwhile): doubling from 10 ms up to a second, so an outage costs a few
// commands a second and a recovery is noticed within one.

/** The delay before the `failures`-th retry in a row (1, 2, ...). */
export function retryDelayMs(failures: number): number {
  return Math.min(1000, 10 * 2 ** Math.min(failures - 1, 10));
}

/** Resolves after `ms` (a timer that does not keep the process alive). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
