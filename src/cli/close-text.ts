// Command line: a close outcome in words, with what caused it, for `connect`'s notices and
// `serve`'s line per connection.

import type { CloseCause, CloseOutcome } from '../index.js';

/**
 * A close cause in words: its kind, and the limit, timer or error code that says why.
 *
 * @param cause - The cause (docs/operations.md, "Close causes").
 * @returns `peer`, `limit maxMessageBytes 1024`, `keep-alive keepAlive.pongTimeoutMs 500 ms`,
 *   `transport ECONNRESET`.
 */
export function describeCause(cause: CloseCause): string {
  if (cause.limit !== undefined) return `${cause.kind} ${cause.limit.name} ${cause.limit.value}`;
  if (cause.timer !== undefined) return `${cause.kind} ${cause.timer.name} ${cause.timer.ms} ms`;
  const code = (cause.error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${cause.kind} ${code}` : cause.kind;
}

/**
 * A close outcome in words: its code, its reason, and its cause.
 *
 * @param outcome - The outcome.
 * @returns `1000 "bye" (peer)`, `1006 (no close frame; transport ECONNRESET)`.
 */
export function describeClose(outcome: CloseOutcome): string {
  const reason = outcome.reason === '' ? '' : ` ${JSON.stringify(outcome.reason)}`;
  const abnormal = outcome.code === 1006 ? 'no close frame; ' : '';
  return `${outcome.code}${reason} (${abnormal}${describeCause(outcome.cause)})`;
}
