// Server layer: graceful shutdown — 1001 Going Away to every connection, a wait for the closing
// handshakes up to a deadline, then the rest destroyed. Its timers never hold the process open.

import { CloseCode } from '../codec/close-code.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { closeForCause } from '../connection/connection.js';
import type { Connection } from '../connection/connection.js';
import { SHUTDOWN } from '../connection/close-cause.js';
import { unrefTimer } from '../time/clock.js';

/** Options of a server's `close()`. */
export interface CloseOptions {
  /**
   * The longest wait for the closing handshakes, in ms; then the transports still open are
   * destroyed (reported as 1006). Default: no deadline of its own, each connection's
   * `closeTimeoutMs` (3000 ms unless set) bounds its handshake.
   */
  timeoutMs?: number;
}

/** The close reason sent with 1001 to every connection when a server shuts down. */
export const SHUTDOWN_REASON = 'server shutting down';

/**
 * Closes a set of connections once: each gets 1001 now; {@link Shutdown.done} resolves when all
 * have ended. Deadlines may be added while it runs; the earliest wins.
 *
 * @example
 * ```ts
 * const shutdown = new Shutdown(connections, systemClock);
 * shutdown.deadline(5000);
 * await shutdown.done;
 * ```
 */
export class Shutdown {
  /** Resolves once every connection has ended. Never rejects. */
  readonly done: Promise<void>;
  readonly #connections: ReadonlySet<Connection>;
  readonly #clock: Clock;
  readonly #timers = new Set<TimerHandle>();
  #over = false;

  /**
   * @param connections - the live set; connections leave it as they end.
   * @param clock - the timers.
   */
  constructor(connections: ReadonlySet<Connection>, clock: Clock) {
    this.#connections = connections;
    this.#clock = clock;
    this.done = closeAll(connections).finally(() => {
      this.#over = true;
      for (const timer of this.#timers) clock.clearTimeout(timer);
      this.#timers.clear();
    });
  }

  /**
   * Destroys the transports still open after `timeoutMs`.
   *
   * @param timeoutMs - from now; `undefined` adds no deadline.
   * @throws {RangeError} for a negative or non-finite value.
   */
  deadline(timeoutMs: number | undefined): void {
    validateCloseOptions({ timeoutMs });
    if (timeoutMs === undefined || this.#over) return;
    const timer = this.#clock.setTimeout(() => {
      this.#timers.delete(timer);
      for (const connection of [...this.#connections]) connection.terminate();
    }, timeoutMs);
    this.#timers.add(unrefTimer(timer));
  }
}

/**
 * Checks the options of a server's `close()` before anything is done.
 *
 * @param options - the options.
 * @throws {RangeError} for a `timeoutMs` that is not a finite number >= 0.
 * @example
 * ```ts
 * validateCloseOptions({ timeoutMs: 5000 });
 * ```
 */
export function validateCloseOptions(options: CloseOptions): void {
  const { timeoutMs } = options;
  if (timeoutMs === undefined) return;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`timeoutMs must be a finite number >= 0, not ${String(timeoutMs)}`);
  }
}

/** Sends 1001 to every connection and waits until all have ended (each bounded by its own close timeout). */
async function closeAll(connections: ReadonlySet<Connection>): Promise<void> {
  const ending = [...connections].map((connection) => {
    try {
      closeForCause(connection, CloseCode.GoingAway, SHUTDOWN_REASON, SHUTDOWN);
    } catch {
      // Already closing: its `closed` settles on its own.
    }
    return connection.closed.then(
      () => undefined,
      () => undefined,
    );
  });
  await Promise.all(ending);
}
