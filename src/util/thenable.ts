// Ground floor: telling a promise from a value without awaiting it, so a synchronous handler's
// result is used at once (the fast paths of map and the listener API).

/**
 * True for objects with a `then` method (how `map` tells a promise from a value).
 *
 * @param value - anything.
 * @returns whether `value` is thenable.
 */
export function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
