// Browser client: how long to wait before trying again. Exponential growth from a first delay,
// capped, with a random share taken off so that clients dropped together do not come back together
// (a server restart would otherwise meet every page at the same instant).

/**
 * When and how often {@link ReconnectingSocket} tries again after a connection is lost or fails.
 *
 * @example
 * ```ts
 * const socket = new ReconnectingSocket('/chat', {
 *   reconnect: { initialDelayMs: 250, maxDelayMs: 10_000, maxRetries: 20 },
 * });
 * ```
 */
export interface ReconnectOptions {
  /** The delay before the first retry, in milliseconds (default 1000). */
  initialDelayMs?: number;
  /** How much each further delay grows (default 2). */
  factor?: number;
  /** The cap on any delay, in milliseconds (default 30 000). */
  maxDelayMs?: number;
  /**
   * How many retries in a row, without a connection that stayed open `stableAfterMs`, before the
   * socket gives up and closes (default `Infinity`: it never gives up).
   */
  maxRetries?: number;
  /**
   * The share of each delay that is random, from 0 (none) to 1 (anywhere between 0 and the delay);
   * the delay is drawn from `[delay × (1 - jitter), delay]` (default 0.5).
   */
  jitter?: number;
  /**
   * How long a connection must stay open before the retry count starts again from zero, in
   * milliseconds (default 5000): a server that accepts and drops at once still meets growing
   * delays.
   */
  stableAfterMs?: number;
}

/** {@link ReconnectOptions} with every default applied. */
export type ReconnectPolicy = Readonly<Required<ReconnectOptions>>;

/** The defaults of {@link ReconnectOptions}. */
export const ReconnectDefaults: ReconnectPolicy = {
  initialDelayMs: 1000,
  factor: 2,
  maxDelayMs: 30_000,
  maxRetries: Infinity,
  jitter: 0.5,
  stableAfterMs: 5000,
};

/**
 * Applies the defaults and checks each value.
 *
 * @throws {RangeError} for a negative delay, a factor below 1, a jitter outside [0, 1], or a
 * negative or fractional `maxRetries`.
 */
export function reconnectPolicy(options: ReconnectOptions = {}): ReconnectPolicy {
  const policy = { ...ReconnectDefaults };
  for (const key of Object.keys(ReconnectDefaults) as (keyof ReconnectOptions)[]) {
    const value = options[key];
    if (value !== undefined) policy[key] = value;
  }
  const { initialDelayMs, factor, maxDelayMs, maxRetries, jitter, stableAfterMs } = policy;
  check(initialDelayMs >= 0 && Number.isFinite(initialDelayMs), 'initialDelayMs', initialDelayMs);
  check(maxDelayMs >= initialDelayMs, 'maxDelayMs', maxDelayMs);
  check(factor >= 1 && Number.isFinite(factor), 'factor', factor);
  check(jitter >= 0 && jitter <= 1, 'jitter', jitter);
  check(stableAfterMs >= 0, 'stableAfterMs', stableAfterMs);
  check(
    maxRetries === Infinity || (Number.isInteger(maxRetries) && maxRetries >= 0),
    'maxRetries',
    maxRetries,
  );
  return policy;
}

function check(valid: boolean, name: string, value: number): void {
  if (!valid) throw new RangeError(`reconnect.${name} cannot be ${value}`);
}

/**
 * The delay before retry number `retry` (1 for the first): `initialDelayMs × factor^(retry-1)`,
 * capped at `maxDelayMs`, less a random share of up to `jitter` of it.
 *
 * @param retry - which retry this is, from 1.
 * @param policy - from {@link reconnectPolicy}.
 * @param random - a number in [0, 1), as `Math.random()` gives.
 * @returns the delay in whole milliseconds.
 * @example
 * ```ts
 * backoffDelayMs(3, reconnectPolicy(), () => 0); // 4000: 1000 × 2², no jitter drawn
 * ```
 */
export function backoffDelayMs(retry: number, policy: ReconnectPolicy, random: number): number {
  const grown = policy.initialDelayMs * policy.factor ** Math.max(0, retry - 1);
  const capped = Math.min(policy.maxDelayMs, grown);
  return Math.round(capped * (1 - policy.jitter * random));
}
