// Connection layer: automatic keep-alive (Akka HTTP's periodic keep-alive, python-websockets'
// keepalive): a Ping or an unsolicited Pong after an idle stretch, and optional dead-peer detection.

import { EMPTY } from '../codec/bytes.js';
import type { Duplex } from 'node:stream';
import { CloseCode } from '../codec/close-code.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import type { Protocol } from '../protocol/protocol.js';
import { ProtocolState } from '../protocol/protocol.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { IdleTimer } from './idle-timer.js';
import { unrefTimer } from '../time/clock.js';
import type { OutgoingWriter } from './outgoing.js';

/** Options of the automatic keep-alive (`ConnectionOptions.keepAlive`). Off unless given. */
export interface KeepAliveOptions {
  /** A keep-alive frame goes out after this long without traffic (see `mode`), in ms. Required. */
  maxIdleMs: number;
  /**
   * 'ping' (default): a Ping after `maxIdleMs` with nothing received; the peer answers it.
   * 'pong': an unsolicited Pong after `maxIdleMs` with nothing sent, a one-way heartbeat the
   * peer does not answer (RFC 6455 section 5.5.3).
   */
  mode?: 'ping' | 'pong';
  /** Makes the payload of each keep-alive frame (at most 125 bytes). Default: empty. */
  payload?: () => Uint8Array | string;
  /**
   * 'ping' mode only: when nothing at all is received within this long after a Ping, the peer
   * is taken for dead: a Close 1011 "keepalive ping timeout" is sent and the transport ended
   * (reported locally as 1006). Default: no dead-peer detection.
   */
  pongTimeoutMs?: number;
}

/** What keep-alive needs from the connection engine. */
export interface LivenessHost {
  readonly protocol: Protocol;
  readonly writer: OutgoingWriter;
  readonly transport: Duplex;
  /** Sends a Close (when none was sent) and starts the close timeout. */
  close(code: number, reason: string): void;
  /** Ends the transport once the protocol asks for it; arms the close timeout. */
  checkClosing(): void;
  /** Fails the connection with the error's close code (the engine's one failure path). */
  fail(error: ProtocolError): void;
  /** Errors of application code (here: the payload function). */
  onApplicationError(error: unknown): void;
}

/** When traffic last went each way, on the connection's clock. */
export interface Traffic {
  receivedAt: number;
  sentAt: number;
}

/**
 * True while reading is paused because the application has not taken what the peer sent: the
 * peer's frames wait in our buffers, so the connection is not idle. Reading paused because our
 * own writes are stuck (the peer does not read) does not count: that peer may well be gone.
 *
 * @param transport - the connection's transport.
 * @returns whether the application, not the peer, holds things up.
 * @example
 * ```ts
 * const lastActivity = () => (busyWithInput(transport) ? clock.now() : traffic.receivedAt);
 * ```
 */
export function busyWithInput(transport: Duplex): boolean {
  return transport.isPaused() && !transport.writableNeedDrain;
}

/**
 * Sends keep-alive frames on one connection while it is open. Reading paused by backpressure
 * counts as traffic (see {@link busyWithInput}).
 *
 * @example
 * ```ts
 * const keepAlive = new KeepAlive(core, traffic, { maxIdleMs: 20_000, pongTimeoutMs: 10_000 }, clock);
 * keepAlive.start();
 * ```
 */
export class KeepAlive {
  readonly #host: LivenessHost;
  readonly #clock: Clock;
  readonly #options: KeepAliveOptions;
  readonly #idle: IdleTimer;
  #lastSentAt = -Infinity;
  #deadline: TimerHandle | undefined;

  /**
   * @param host - the connection engine.
   * @param traffic - when traffic last went each way (kept up to date by the owner).
   * @param options - validated options.
   * @param clock - the timers.
   */
  constructor(host: LivenessHost, traffic: Traffic, options: KeepAliveOptions, clock: Clock) {
    this.#host = host;
    this.#clock = clock;
    this.#options = options;
    const ping = options.mode !== 'pong';
    const lastActivity = (): number => {
      if (busyWithInput(host.transport)) return clock.now();
      return Math.max(ping ? traffic.receivedAt : traffic.sentAt, this.#lastSentAt);
    };
    this.#idle = new IdleTimer(clock, options.maxIdleMs, lastActivity, () => this.#send());
  }

  /** Starts counting idle time. */
  start(): void {
    this.#idle.start();
  }

  /** Something was received: the peer is alive, a pending pong deadline is lifted. */
  onReceived(): void {
    if (this.#deadline !== undefined) this.#clearDeadline();
  }

  /** Stops every timer (the connection is closing or closed). */
  stop(): void {
    this.#idle.stop();
    this.#clearDeadline();
  }

  #send(): void {
    const { protocol, writer } = this.#host;
    if (protocol.state !== ProtocolState.Open) return;
    const ping = this.#options.mode !== 'pong';
    try {
      const payload = this.#options.payload?.() ?? EMPTY;
      if (ping) protocol.sendPing(payload);
      else protocol.sendPong(payload);
    } catch (error) {
      this.#host.onApplicationError(error);
      return;
    }
    // The deadline first: over an in-memory transport the answer may arrive inside flush().
    this.#lastSentAt = this.#clock.now();
    const timeoutMs = this.#options.pongTimeoutMs;
    if (ping && timeoutMs !== undefined && this.#deadline === undefined) {
      this.#armDeadline(timeoutMs);
    }
    writer.flush();
    if (protocol.state === ProtocolState.Open) this.#idle.start(); // flush() may have ended it
  }

  #armDeadline(timeoutMs: number): void {
    const handle = this.#clock.setTimeout(() => this.#onDeadline(timeoutMs), timeoutMs);
    this.#deadline = unrefTimer(handle);
  }

  #clearDeadline(): void {
    if (this.#deadline === undefined) return;
    this.#clock.clearTimeout(this.#deadline);
    this.#deadline = undefined;
  }

  #onDeadline(timeoutMs: number): void {
    this.#deadline = undefined;
    // We paused reading ourselves: the answer may be waiting in our own buffers.
    if (busyWithInput(this.#host.transport)) this.#armDeadline(timeoutMs);
    else failDeadPeer(this.#host);
  }
}

/**
 * The peer is taken for dead: fail with 1011 "keepalive ping timeout" (python-websockets' reason),
 * end the transport and destroy it once the Close is flushed, without waiting for an answer.
 */
function failDeadPeer(host: LivenessHost): void {
  const { transport } = host;
  // 5.5.2: the peer MUST answer a Ping with a Pong; it did not, in time.
  host.fail(
    new ProtocolError(
      ErrorCode.KeepAliveTimeout,
      'keepalive ping timeout',
      CloseCode.InternalError,
    ),
  );
  if (transport.writableFinished || transport.destroyed) transport.destroy();
  else transport.once('finish', () => transport.destroy());
}

/**
 * Checks keep-alive options; throws on nonsense rather than misbehaving later.
 *
 * @param options - the `keepAlive` option.
 * @throws {RangeError} for a `maxIdleMs` or `pongTimeoutMs` that is not a positive finite number.
 * @throws {TypeError} for an unknown mode, a payload that is not a function, or `pongTimeoutMs`
 *   in 'pong' mode (nothing answers an unsolicited Pong).
 * @example
 * ```ts
 * validateKeepAlive({ maxIdleMs: 20_000, mode: 'ping', pongTimeoutMs: 10_000 });
 * ```
 */
export function validateKeepAlive(options: KeepAliveOptions): void {
  checkDuration('keepAlive.maxIdleMs', options.maxIdleMs);
  const { mode, payload, pongTimeoutMs } = options;
  if (mode !== undefined && mode !== 'ping' && mode !== 'pong') {
    throw new TypeError(`keepAlive.mode must be 'ping' or 'pong', not ${String(mode)}`);
  }
  if (payload !== undefined && typeof payload !== 'function') {
    throw new TypeError('keepAlive.payload must be a function');
  }
  if (pongTimeoutMs === undefined) return;
  if (mode === 'pong') throw new TypeError("keepAlive.pongTimeoutMs needs mode 'ping'");
  checkDuration('keepAlive.pongTimeoutMs', pongTimeoutMs);
}

/**
 * Throws a RangeError unless `value` is a positive finite number of milliseconds.
 *
 * @param name - the option's name, for the message.
 * @param value - its value.
 * @throws {RangeError} otherwise.
 * @example
 * ```ts
 * checkDuration('idleTimeoutMs', 60_000);
 * ```
 */
export function checkDuration(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds, not ${String(value)}`);
  }
}
