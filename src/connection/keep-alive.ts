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
import type { CauseNote } from './close-cause.js';

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
  /** Sends a Ping and times its round trip. */
  sendPing(payload: Uint8Array | string): void;
  /** Sends a Close (when none was sent) and starts the close timeout; `note` is its cause. */
  close(code: number, reason: string, note?: CauseNote): void;
  /** Ends the transport once the protocol asks for it; arms the close timeout. */
  checkClosing(): void;
  /** Fails the connection with the error's close code (the engine's one failure path). */
  fail(error: ProtocolError, note?: CauseNote): void;
  /** Errors of application code (here: the payload function). */
  onApplicationError(error: unknown): void;
}

/**
 * How much traffic went each way so far. The owner only adds to these on the hot path (no clock
 * read, no timer touched); timers compare them between their samples.
 */
export interface TrafficCounters {
  /** Bytes received from the transport. */
  readonly bytesReceived: number;
  /** Writes made to the transport (each flush of frames is one). */
  readonly writes: number;
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
 * const activity = { count: () => traffic.bytesReceived, busy: () => busyWithInput(transport) };
 * ```
 */
export function busyWithInput(transport: Duplex): boolean {
  return transport.isPaused() && !transport.writableNeedDrain;
}

/**
 * Sends keep-alive frames on one connection while it is open. Any byte received is a sign of
 * life (a Pong stuck behind a large message of the peer's is still on its way), and so is
 * reading paused by backpressure (see {@link busyWithInput}).
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
  readonly #traffic: TrafficCounters;
  readonly #idle: IdleTimer;
  /** The pong deadline, while a Ping waits for a sign of life. */
  #deadline: TimerHandle | undefined;
  /** The bytes received when the Ping the deadline runs for went out. */
  #receivedAtPing = 0;

  /**
   * @param host - the connection engine.
   * @param traffic - the traffic counters (kept up to date by the owner).
   * @param options - validated options.
   * @param clock - the timers.
   */
  constructor(
    host: LivenessHost,
    traffic: TrafficCounters,
    options: KeepAliveOptions,
    clock: Clock,
  ) {
    this.#host = host;
    this.#clock = clock;
    this.#options = options;
    this.#traffic = traffic;
    // Ping mode waits for silence from the peer; pong mode for silence of our own.
    const count = options.mode === 'pong' ? () => traffic.writes : () => traffic.bytesReceived;
    const activity = { count, busy: () => busyWithInput(host.transport) };
    this.#idle = new IdleTimer(clock, options.maxIdleMs, activity, () => this.#send());
  }

  /** Starts counting idle time. */
  start(): void {
    this.#idle.start();
  }

  /** A Pong arrived: in ping mode, traffic from the peer at a known time (no sample needed). */
  onPong(): void {
    if (this.#options.mode !== 'pong' && this.#idle.running) this.#idle.start();
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
      if (ping) this.#host.sendPing(payload);
      else protocol.sendPong(payload);
    } catch (error) {
      this.#host.onApplicationError(error);
      return;
    }
    // Before the flush: over an in-memory transport the answer may arrive inside flush().
    if (ping && this.#options.pongTimeoutMs !== undefined) this.#startDeadline();
    writer.flush();
    // After the flush, so that our own write does not count as activity (pong mode).
    if (protocol.state === ProtocolState.Open) this.#idle.start(); // flush() may have ended it
  }

  /**
   * A Ping went out: the peer has `pongTimeoutMs` to send anything. The deadline runs from the
   * first Ping that nothing has followed yet; a later Ping does not push it back.
   */
  #startDeadline(): void {
    const received = this.#traffic.bytesReceived;
    if (this.#deadline !== undefined && received === this.#receivedAtPing) return;
    this.#clearDeadline();
    this.#receivedAtPing = received;
    this.#armDeadline();
  }

  #armDeadline(): void {
    const timeoutMs = this.#options.pongTimeoutMs as number;
    this.#deadline = unrefTimer(this.#clock.setTimeout(() => this.#onDeadline(), timeoutMs));
  }

  #clearDeadline(): void {
    if (this.#deadline === undefined) return;
    this.#clock.clearTimeout(this.#deadline);
    this.#deadline = undefined;
  }

  #onDeadline(): void {
    this.#deadline = undefined;
    // Anything at all received since the Ping, the Pong or any byte of anything else (a Pong
    // waits behind the rest of a large message): the peer is alive.
    if (this.#traffic.bytesReceived !== this.#receivedAtPing) return;
    // We paused reading ourselves: the answer may be waiting in our own buffers.
    if (busyWithInput(this.#host.transport)) this.#armDeadline();
    else failDeadPeer(this.#host, this.#options.pongTimeoutMs as number);
  }
}

/**
 * The peer is taken for dead: fail with 1011 "keepalive ping timeout" (python-websockets' reason),
 * end the transport and destroy it once the Close is flushed, without waiting for an answer.
 */
function failDeadPeer(host: LivenessHost, pongTimeoutMs: number): void {
  const { transport } = host;
  // 5.5.2: the peer MUST answer a Ping with a Pong; it did not, in time.
  const error = new ProtocolError(
    ErrorCode.KeepAliveTimeout,
    'keepalive ping timeout',
    CloseCode.InternalError,
  );
  const timer = { name: 'keepAlive.pongTimeoutMs', ms: pongTimeoutMs };
  host.fail(error, { kind: 'keep-alive', error, timer });
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
