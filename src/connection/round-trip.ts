// Connection layer: the round-trip time of Pings, from the latest Ping sent (by keep-alive or by
// `ping()`) to the Pong that answers it, on the connection's clock.

import type { Clock } from '../time/clock.js';

const utf8 = new TextEncoder();

/**
 * Times Pings. RFC 6455 5.5.3: a Pong answering a Ping carries its Application data, and a peer
 * may answer only the most recent Ping; so the latest Ping is timed, and the first Pong with its
 * payload stops the watch. A Pong with another payload (an unsolicited heartbeat, the answer to
 * an older Ping) is not an answer. Costs nothing until the first Ping.
 *
 * @example
 * ```ts
 * const roundTrip = new PingRoundTrip(clock);
 * roundTrip.pingSent('are you there');
 * // ... the Pong arrives:
 * roundTrip.onPong(payload);
 * roundTrip.lastMs; // e.g. 12.5
 * ```
 */
export class PingRoundTrip {
  readonly #clock: Clock;
  /** The payload of the Ping waiting for its Pong, or undefined when none waits. */
  #waitingFor: Uint8Array | undefined;
  #sentAt = 0;
  #lastMs: number | undefined;

  /** @param clock - the connection's clock. */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The round-trip time of the latest answered Ping, in milliseconds; undefined before. */
  get lastMs(): number | undefined {
    return this.#lastMs;
  }

  /** A Ping went out (the protocol took it): time it, in place of any earlier one. */
  pingSent(payload: Uint8Array | string): void {
    // A copy: the caller may reuse its buffer, and the payload is at most 125 bytes.
    this.#waitingFor = typeof payload === 'string' ? utf8.encode(payload) : payload.slice();
    this.#sentAt = this.#clock.now();
  }

  /**
   * A Pong arrived.
   *
   * @returns true when it answered the Ping being timed (its round-trip time is now `lastMs`).
   */
  onPong(payload: Uint8Array): boolean {
    const waitingFor = this.#waitingFor;
    if (waitingFor === undefined || !sameBytes(waitingFor, payload)) return false;
    this.#waitingFor = undefined;
    this.#lastMs = this.#clock.now() - this.#sentAt;
    return true;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
