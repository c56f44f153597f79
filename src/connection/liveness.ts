// Connection layer: liveness of one connection — how much traffic went each way, the automatic
// keep-alive, and the idle timeout that closes a connection nobody uses (1001 "idle timeout").

import { CloseCode } from '../codec/close-code.js';
import { ProtocolState } from '../protocol/protocol.js';
import type { Clock } from '../time/clock.js';
import { IdleTimer } from './idle-timer.js';
import { KeepAlive, busyWithInput, checkDuration, validateKeepAlive } from './keep-alive.js';
import type { KeepAliveOptions, LivenessHost, TrafficCounters } from './keep-alive.js';
import type { OutgoingWriter } from './outgoing.js';

/** The liveness options of a connection (part of `ConnectionOptions`). */
export interface LivenessOptions {
  keepAlive?: KeepAliveOptions;
  idleTimeoutMs?: number;
}

/** The close reason sent with 1001 when the idle timeout fires. */
export const IDLE_TIMEOUT_REASON = 'idle timeout';

/**
 * Keep-alive and idle timeout of one connection. The owner reports the bytes it reads
 * ({@link Liveness.onReceived}, a counter increment) and the Pongs ({@link Liveness.onPong});
 * writes are counted by the writer. The timers sample these counters, so a connection in full
 * flow pays nothing per message.
 *
 * @example
 * ```ts
 * const liveness = createLiveness(core, { idleTimeoutMs: 60_000 }, clock);
 * transport.on('data', (chunk) => liveness?.onReceived(chunk.length));
 * ```
 */
export class Liveness implements TrafficCounters {
  readonly #writer: OutgoingWriter;
  readonly #keepAlive: KeepAlive | undefined;
  readonly #idleTimeout: IdleTimer | undefined;
  /** {@inheritDoc TrafficCounters.bytesReceived} */
  bytesReceived = 0;

  /**
   * @param host - the connection engine.
   * @param options - validated options, at least one of them set.
   * @param clock - the timers.
   */
  constructor(host: LivenessHost, options: LivenessOptions, clock: Clock) {
    this.#writer = host.writer;
    if (options.keepAlive !== undefined) {
      this.#keepAlive = new KeepAlive(host, this, options.keepAlive, clock);
      this.#keepAlive.start();
    }
    if (options.idleTimeoutMs !== undefined) {
      // Traffic either way counts, keep-alive frames included; so does an application busy with
      // what the peer sent. Both counters only grow: their sum moves when either does.
      const activity = {
        count: () => this.bytesReceived + this.writes,
        busy: () => busyWithInput(host.transport),
      };
      const ms = options.idleTimeoutMs;
      this.#idleTimeout = new IdleTimer(clock, ms, activity, () => {
        if (host.protocol.state === ProtocolState.Open) {
          const timer = { name: 'idleTimeoutMs', ms };
          host.close(CloseCode.GoingAway, IDLE_TIMEOUT_REASON, { kind: 'timeout', timer });
        }
      });
      this.#idleTimeout.start();
    }
  }

  /** {@inheritDoc TrafficCounters.writes} */
  get writes(): number {
    return this.#writer.writes;
  }

  /** A chunk of `bytes` arrived from the transport: counted, nothing more. */
  onReceived(bytes: number): void {
    this.bytesReceived += bytes;
  }

  /** A Pong arrived (after its chunk was counted). */
  onPong(): void {
    this.#keepAlive?.onPong();
  }

  /** Stops every timer: the connection is closing (its close timeout takes over) or closed. */
  stop(): void {
    this.#keepAlive?.stop();
    this.#idleTimeout?.stop();
  }
}

/**
 * Validates the liveness options and starts what they ask for.
 *
 * @param host - the connection engine.
 * @param options - `keepAlive` and `idleTimeoutMs`.
 * @param clock - the timers.
 * @returns the running Liveness, or `undefined` when both are off (the default): nothing is paid.
 * @throws {RangeError} for a duration that is not a positive finite number.
 * @throws {TypeError} for malformed keep-alive options.
 * @example
 * ```ts
 * const liveness = createLiveness(core, { keepAlive: { maxIdleMs: 20_000 } }, clock);
 * ```
 */
export function createLiveness(
  host: LivenessHost,
  options: LivenessOptions,
  clock: Clock,
): Liveness | undefined {
  const { keepAlive, idleTimeoutMs } = options;
  if (keepAlive === undefined && idleTimeoutMs === undefined) return undefined;
  if (keepAlive !== undefined) validateKeepAlive(keepAlive);
  if (idleTimeoutMs !== undefined) checkDuration('idleTimeoutMs', idleTimeoutMs);
  return new Liveness(host, options, clock);
}
