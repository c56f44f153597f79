// Transform layer: the transformers' limits checked once, when a transformer is made, so a typo
// fails at start-up instead of letting every message through (or none).

/**
 * A byte limit from the options: a number ≥ 0 (Infinity for none), or the default.
 *
 * @param name - the option's name, for the error.
 * @param value - what the options hold.
 * @param fallback - the default when `value` is undefined.
 * @returns the limit.
 * @throws RangeError for a negative number, NaN or a non-number.
 */
export function byteLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new RangeError(`${name} must be a number >= 0, not ${String(value)}`);
  }
  return value;
}

/**
 * A nesting limit from the options: an integer ≥ 0, or the default.
 *
 * @param name - the option's name, for the error.
 * @param value - what the options hold.
 * @param fallback - the default when `value` is undefined.
 * @returns the limit.
 * @throws RangeError for anything but an integer ≥ 0.
 */
export function depthLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be an integer >= 0, not ${String(value)}`);
  }
  return value;
}
