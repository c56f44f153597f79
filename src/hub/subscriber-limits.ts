// Hub layer: how much a hub lets wait for one subscriber, and what it does with a subscriber that
// reads too slowly to keep under it (uWebSockets.js' maxBackpressure and closeOnBackpressureLimit,
// Akka's OverflowStrategy).

import { CloseCode } from '../codec/close-code.js';

/**
 * What a hub does with a message for a subscriber whose buffered bytes would pass
 * `maxBufferedBytes`:
 *
 * - `'drop-message'`: that subscriber does not get this message (the others do);
 * - `'drop-oldest'`: the oldest hub messages still queued for it (not yet handed to its socket)
 *   are dropped until this one fits; when none is left to drop, this one is dropped;
 * - `'close'`: the subscriber is unsubscribed from everything and closed with `closeCode`.
 */
export type SlowConsumerPolicy = 'drop-message' | 'drop-oldest' | 'close';

/** The bound on what waits for one subscriber, and what happens past it. */
export interface SubscriberLimits {
  /**
   * The most bytes that may wait for a subscriber: its socket's buffer, what waits for the next
   * write, and the hub messages queued behind them (the kernel's own socket buffer is not
   * counted). Default {@link SubscriberDefaults.maxBufferedBytes} (1 MiB).
   */
  maxBufferedBytes?: number;
  /** See {@link SlowConsumerPolicy}. Default `'drop-message'`. */
  onLimit?: SlowConsumerPolicy;
  /**
   * The close code of `onLimit: 'close'`: 1013 "try again later" (default; the client may come
   * back) or 1008 "policy violation".
   */
  closeCode?: 1008 | 1013;
}

/** The defaults of {@link SubscriberLimits}. */
export const SubscriberDefaults = {
  /** 1 MiB: a thousand subscribers that stop reading hold at most 1 GiB of references. */
  maxBufferedBytes: 1024 * 1024,
  onLimit: 'drop-message',
  closeCode: CloseCode.TryAgainLater,
} as const;

/** Every field of {@link SubscriberLimits} with its default applied. */
export interface ResolvedSubscriberLimits {
  readonly maxBufferedBytes: number;
  readonly onLimit: SlowConsumerPolicy;
  readonly closeCode: 1008 | 1013;
}

const POLICIES: readonly SlowConsumerPolicy[] = ['drop-message', 'drop-oldest', 'close'];

/**
 * Checks limits and applies the defaults (or `base`'s values).
 *
 * @param limits - What was asked.
 * @param base - What fills what was not asked (the hub's limits, for one member).
 * @returns The limits in full.
 * @throws RangeError for a bound that is not a number >= 0, an unknown policy, or a close code
 *   other than 1008 and 1013.
 * @example
 * resolveSubscriberLimits({ onLimit: 'close' }).closeCode; // 1013
 */
export function resolveSubscriberLimits(
  limits: SubscriberLimits = {},
  base: ResolvedSubscriberLimits = SubscriberDefaults,
): ResolvedSubscriberLimits {
  const maxBufferedBytes = limits.maxBufferedBytes ?? base.maxBufferedBytes;
  const onLimit = limits.onLimit ?? base.onLimit;
  const closeCode = limits.closeCode ?? base.closeCode;
  if (!(typeof maxBufferedBytes === 'number' && maxBufferedBytes >= 0)) {
    throw new RangeError(`maxBufferedBytes must be a number >= 0, not ${String(maxBufferedBytes)}`);
  }
  if (!POLICIES.includes(onLimit)) {
    throw new RangeError(`onLimit must be one of ${POLICIES.join(', ')}, not ${String(onLimit)}`);
  }
  if (closeCode !== CloseCode.PolicyViolation && closeCode !== CloseCode.TryAgainLater) {
    throw new RangeError(`closeCode must be 1008 or 1013, not ${String(closeCode)}`);
  }
  return { maxBufferedBytes, onLimit, closeCode };
}
