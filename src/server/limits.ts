// Server layer: the limits that keep a public server standing — connection count, header count and
// size, handshake time — every default in one place (docs/limits.md), and the pending handshakes.

import type { IncomingMessage, ServerOptions as HttpServerOptions } from 'node:http';
import type { Clock, TimerHandle } from '../time/clock.js';
import { unrefTimer } from '../time/clock.js';
import { rejectFor } from './upgrade.js';
import type { WebSocketUpgrade } from './upgrade.js';

/** Limits of `attachWebSocket` and `serve`, each with a default safe for a public server. */
export interface ServerLimits {
  /**
   * Open connections plus handshakes in progress beyond which an upgrade is answered 503.
   * `Infinity` for no limit. Default 10 000.
   */
  maxConnections?: number;
  /**
   * How long a handler may take to answer an upgrade before it is answered 503 and its socket
   * destroyed. With `serve()`, also how long a client may take to send its whole request head
   * (answered 408 and closed). Default 10 000 ms.
   */
  handshakeTimeoutMs?: number;
  /** The most request header lines; an upgrade with more is answered 431. Default 100. */
  maxHeaderCount?: number;
}

/** Every default of {@link ServerLimits}, and of `serve()`'s `maxHeaderBytes`. */
export const ServerLimitDefaults = {
  maxConnections: 10_000,
  handshakeTimeoutMs: 10_000,
  maxHeaderCount: 100,
  /** The request line and headers together, in bytes (Node's `maxHeaderSize`); more → 431. */
  maxHeaderBytes: 16 * 1024,
} as const;

/**
 * Fills in the defaults and checks the values.
 *
 * @param limits - what the caller set.
 * @returns every limit.
 * @throws {RangeError} for a negative or non-numeric limit, or a handshake timeout that is not a
 *   positive finite number.
 * @example
 * ```ts
 * const { maxConnections } = resolveServerLimits({ maxConnections: 1000 });
 * ```
 */
export function resolveServerLimits(limits: ServerLimits): Required<ServerLimits> {
  const resolved = {
    maxConnections: limits.maxConnections ?? ServerLimitDefaults.maxConnections,
    handshakeTimeoutMs: limits.handshakeTimeoutMs ?? ServerLimitDefaults.handshakeTimeoutMs,
    maxHeaderCount: limits.maxHeaderCount ?? ServerLimitDefaults.maxHeaderCount,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new RangeError(`${name} must be a number >= 0, not ${String(value)}`);
    }
  }
  const { handshakeTimeoutMs } = resolved;
  if (handshakeTimeoutMs === 0 || !Number.isFinite(handshakeTimeoutMs)) {
    throw new RangeError(`handshakeTimeoutMs must be a positive finite number`);
  }
  return resolved;
}

/**
 * Whether an upgrade request is over a limit, and the answer it gets then.
 *
 * @param request - the upgrade request.
 * @param open - open connections plus handshakes in progress.
 * @param limits - the resolved limits.
 * @returns the status and body to reject with, or `undefined` to go on.
 * @example
 * ```ts
 * const refusal = refuseOverLimit(request, connections.size, limits);
 * if (refusal) return rejectUpgrade(socket, refusal.status, { body: refusal.body });
 * ```
 */
export function refuseOverLimit(
  request: IncomingMessage,
  open: number,
  limits: Required<ServerLimits>,
): { status: number; body: string; reason: 'header-limit' | 'connection-limit' } | undefined {
  if (request.rawHeaders.length / 2 > limits.maxHeaderCount) {
    return { status: 431, body: 'Request Header Fields Too Large\n', reason: 'header-limit' };
  }
  if (open >= limits.maxConnections) {
    return { status: 503, body: 'Too many connections\n', reason: 'connection-limit' };
  }
  return undefined;
}

/**
 * The node:http options `serve()` creates its server with: the whole request head within the
 * handshake timeout (checked often enough to matter), and its size bounded.
 *
 * @param handshakeTimeoutMs - the resolved handshake timeout.
 * @param maxHeaderBytes - the request head limit.
 * @returns options for `http.createServer`.
 * @throws {RangeError} for a `maxHeaderBytes` that is not a positive integer.
 * @example
 * ```ts
 * const server = createServer(httpLimits(10_000, 16 * 1024), (request, response) => response.end());
 * ```
 */
export function httpLimits(handshakeTimeoutMs: number, maxHeaderBytes: number): HttpServerOptions {
  if (!Number.isInteger(maxHeaderBytes) || maxHeaderBytes <= 0) {
    throw new RangeError(
      `maxHeaderBytes must be a positive integer, not ${String(maxHeaderBytes)}`,
    );
  }
  const timeoutMs = Math.ceil(handshakeTimeoutMs); // node:http takes integers only
  return {
    maxHeaderSize: maxHeaderBytes,
    headersTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(timeoutMs / 4))),
  };
}

/**
 * The upgrades handed to a handler and not answered yet, each with its deadline: at
 * `timeoutMs` an upgrade still unanswered is rejected with 503 (its socket is destroyed).
 *
 * @example
 * ```ts
 * const pending = new PendingUpgrades(systemClock, 10_000);
 * pending.add(upgrade);
 * // once the handler settled:
 * pending.delete(upgrade);
 * ```
 */
export class PendingUpgrades {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #timers = new Map<WebSocketUpgrade, TimerHandle>();

  /**
   * @param clock - the timers.
   * @param timeoutMs - how long a handler may take to answer.
   */
  constructor(clock: Clock, timeoutMs: number) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
  }

  /** How many upgrades are still unanswered (answered ones are dropped as they are found). */
  get size(): number {
    if (this.#timers.size === 0) return 0; // the usual case: no iterator made per upgrade
    for (const upgrade of this.#timers.keys()) {
      if (upgrade.answered) this.delete(upgrade);
    }
    return this.#timers.size;
  }

  /** Starts the deadline of an upgrade handed to a handler. */
  add(upgrade: WebSocketUpgrade): void {
    const timer = this.#clock.setTimeout(() => {
      this.#timers.delete(upgrade);
      if (!upgrade.answered) rejectFor(upgrade, 503, 'Handshake timeout\n', 'handshake-timeout');
    }, this.#timeoutMs);
    this.#timers.set(upgrade, unrefTimer(timer));
  }

  /** Forgets an upgrade (its handler settled); returns whether it was pending. */
  delete(upgrade: WebSocketUpgrade): boolean {
    const timer = this.#timers.get(upgrade);
    if (timer === undefined) return false;
    this.#clock.clearTimeout(timer);
    return this.#timers.delete(upgrade);
  }

  /** Rejects every unanswered upgrade with 503 and `body` (the server is shutting down). */
  rejectAll(body: string): void {
    for (const upgrade of [...this.#timers.keys()]) {
      this.delete(upgrade);
      if (!upgrade.answered) rejectFor(upgrade, 503, body, 'shutting-down');
    }
  }
}
