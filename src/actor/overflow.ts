// Actor layer: what a full mailbox or a full `out` buffer does with one more message (Akka
// Streams' OverflowStrategy names), and the checks of the bounds' options.

/**
 * What happens to a message told to a full mailbox (or sent to a full `out` buffer), with Akka
 * Streams' names: `dropNew` drops the new message (`tell` returns false), `dropHead` drops the
 * oldest waiting one to make room, `fail` stops the actor (a mailbox: it fails with
 * `WSFLOW_ERR_MAILBOX_FULL`; a socket actor's `out`: the socket closes with 1013).
 */
export type OverflowStrategy = 'dropNew' | 'dropHead' | 'fail';

const STRATEGIES: readonly OverflowStrategy[] = ['dropNew', 'dropHead', 'fail'];

/**
 * Checks a bound given in options.
 *
 * @param name - the option's name, for the error.
 * @param value - its value, or undefined for the default.
 * @param fallback - the default.
 * @returns the bound.
 * @throws RangeError when it is not an integer of at least 1.
 * @example
 * checkBound('mailboxSize', options.mailboxSize, 1024); // 1024
 */
export function checkBound(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be an integer of at least 1, got ${value}`);
  }
  return value;
}

/**
 * Checks an overflow strategy given in options.
 *
 * @param name - the option's name, for the error.
 * @param value - its value, or undefined for the default.
 * @param fallback - the default.
 * @returns the strategy.
 * @throws RangeError for a value that is not one of the strategies.
 * @example
 * checkStrategy('overflow', 'dropHead', 'dropNew'); // 'dropHead'
 */
export function checkStrategy(
  name: string,
  value: OverflowStrategy | undefined,
  fallback: OverflowStrategy,
): OverflowStrategy {
  if (value === undefined) return fallback;
  if (!STRATEGIES.includes(value)) {
    throw new RangeError(`${name} must be one of ${STRATEGIES.join(', ')}, got ${String(value)}`);
  }
  return value;
}
