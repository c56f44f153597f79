// Server layer: serve()'s own reading of request heads. A WebSocket upgrade (GET with Upgrade and
// Connection: upgrade, no body) goes straight to the upgrade listener, without node:http's parser
// and per-socket setup; every other request is handed to node:http with its bytes put back, so
// plain HTTP is answered exactly as before. Bounded: head size, header count and time.

import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { RequestHeadError, RequestHeadReader } from '../http/request-head.js';
import type { RequestHead, RequestHeadLimits } from '../http/request-head.js';
import { guardTransport } from '../connection/transport-guard.js';
import { systemClock, unrefTimer } from '../time/clock.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { endWithAnswer } from './http-response.js';
import { publishRejected } from './handshake-events.js';
import type { HandshakeRejectReason } from '../connection/channels.js';
import { toIncomingMessage } from './incoming-request.js';

/** What a {@link HeadIntake} needs. */
export interface HeadIntakeOptions extends RequestHeadLimits {
  /** How long a client may take to send its whole request head; then 408. */
  timeoutMs: number;
  /** The clock of that deadline (tests pass a virtual one). Default: the system clock. */
  clock?: Clock;
  /** Gets each WebSocket upgrade request, as node:http's 'upgrade' event would. */
  onUpgrade: (request: IncomingMessage, socket: Socket, head: Buffer) => void;
  /** Gets each other connection, its received bytes put back (unshifted) and reading paused. */
  onOther: (socket: Socket) => void;
}

// node:http's own answers to the same failures, byte for byte.
const ANSWERS = {
  400: Buffer.from('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n', 'latin1'),
  408: Buffer.from('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n', 'latin1'),
  431: Buffer.from(
    'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
    'latin1',
  ),
} as const;

/** The only method whose requests are read here; anything else goes to node:http at once. */
const GET = Buffer.from('GET ', 'latin1');

/** The headers that decide between an upgrade read here and a request for node:http. */
interface UpgradeSignals {
  upgrade: boolean;
  connectionUpgrade: boolean;
  body: boolean;
}

/** One socket whose head is still being read. */
interface PendingHead {
  readonly reader: RequestHeadReader;
  readonly since: number;
}

/**
 * Reads the request head of every socket it is given, then passes the socket on: upgrades to
 * `onUpgrade` with an `IncomingMessage` like node:http's, anything else to `onOther`. Answers
 * 431 for a head over `maxHeadBytes` or `maxHeaderCount`, 408 when it takes over `timeoutMs`,
 * 400 for a half-closed socket with a partial head; a head that breaks the grammar goes to
 * node:http, which answers 400 (or accepts what it tolerates).
 *
 * @example
 * const intake = new HeadIntake({ maxHeadBytes: 16384, maxHeaderCount: 100, timeoutMs: 10_000,
 *   onUpgrade: (request, socket, head) => upgradeListener(request, socket, head),
 *   onOther: (socket) => nodeConnectionListener.call(httpServer, socket) });
 * httpServer.on('connection', (socket) => intake.accept(socket));
 */
export class HeadIntake {
  readonly #options: HeadIntakeOptions;
  readonly #limits: RequestHeadLimits;
  readonly #pending = new Map<Socket, PendingHead>();
  readonly #clock: Clock;
  readonly #sweepEveryMs: number;
  #sweeper: TimerHandle | undefined;
  #closed = false;
  // Shared by every socket (`this` is the socket): no closures per connection.
  readonly #onData: (this: Socket, chunk: Buffer) => void;
  readonly #onEnd: (this: Socket) => void;
  readonly #onClose: (this: Socket) => void;

  constructor(options: HeadIntakeOptions) {
    const pending = this.#pending;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the listeners' `this` is the socket
    const intake = this;
    this.#onData = function (chunk) {
      const head = pending.get(this);
      if (head !== undefined) intake.#read(this, head, chunk);
    };
    this.#onEnd = function () {
      const head = pending.get(this);
      if (head !== undefined) intake.#ended(this, head);
    };
    this.#onClose = function () {
      if (pending.has(this)) intake.#release(this);
    };
    this.#options = options;
    this.#limits = { maxHeadBytes: options.maxHeadBytes, maxHeaderCount: options.maxHeaderCount };
    // One timer for every pending head, as node:http checks its headersTimeout.
    this.#clock = options.clock ?? systemClock;
    this.#sweepEveryMs = Math.min(1000, Math.max(10, Math.floor(options.timeoutMs / 4)));
    this.#armSweeper();
  }

  /** Starts reading the head of a new connection. */
  accept(socket: Socket): void {
    guardTransport(socket);
    if (this.#closed) {
      socket.destroy();
      return;
    }
    const reader = new RequestHeadReader(this.#limits);
    this.#pending.set(socket, { reader, since: this.#clock.now() });
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onClose);
  }

  /** Destroys the sockets still sending their head and reads no new ones. */
  close(): void {
    this.#closed = true;
    this.#clock.clearTimeout(this.#sweeper);
    for (const socket of [...this.#pending.keys()]) socket.destroy();
    this.#pending.clear();
  }

  /** Bytes arrived on a pending socket. */
  #read(socket: Socket, pending: PendingHead, chunk: Buffer): void {
    const { reader } = pending;
    let head: RequestHead | undefined;
    try {
      head = reader.push(chunk);
    } catch (error) {
      const status = error instanceof RequestHeadError ? error.status : 400;
      if (status === 431) return this.#answer(socket, 431, 'header-limit');
      return this.#handOver(socket, pending);
    }
    if (head === undefined) {
      // Only GET requests are read here: anything else is node:http's from its first bytes.
      if (reader.length - chunk.length < GET.length) {
        const received = reader.received;
        const length = Math.min(received.length, GET.length);
        if (received.compare(GET, 0, length, 0, length) !== 0) this.#handOver(socket, pending);
      }
      return;
    }
    const signals = upgradeSignals(head.rawHeaders);
    if (
      head.method !== 'GET' ||
      !signals.upgrade ||
      !signals.connectionUpgrade ||
      signals.body ||
      this.#closed
    ) {
      return this.#handOver(socket, pending);
    }
    this.#release(socket);
    socket.pause();
    const received = reader.received;
    const rest = received.subarray(head.headBytes);
    this.#options.onUpgrade(toIncomingMessage(head, socket), socket, rest);
  }

  /** The client ended its side before its head was complete. */
  #ended(socket: Socket, pending: PendingHead): void {
    if (pending.reader.length === 0) {
      this.#release(socket);
      socket.destroy();
      return;
    }
    this.#answer(socket, 400, 'bad-request');
  }

  /** Answers 408 to every head older than the timeout, then waits for the next sweep. */
  #sweep(): void {
    const now = this.#clock.now();
    for (const [socket, pending] of this.#pending) {
      if (now - pending.since >= this.#options.timeoutMs)
        this.#answer(socket, 408, 'handshake-timeout');
    }
    if (!this.#closed) this.#armSweeper();
  }

  #armSweeper(): void {
    const timer = this.#clock.setTimeout(() => this.#sweep(), this.#sweepEveryMs);
    this.#sweeper = unrefTimer(timer);
  }

  /** Stops reading the socket's head here. */
  #release(socket: Socket): void {
    this.#pending.delete(socket);
    socket.off('data', this.#onData);
    socket.off('end', this.#onEnd);
    socket.off('close', this.#onClose);
  }

  /** Writes a final answer and closes the socket once it is flushed. */
  #answer(socket: Socket, status: 400 | 408 | 431, reason: HandshakeRejectReason): void {
    this.#release(socket);
    endWithAnswer(socket, ANSWERS[status]);
    publishRejected(status, reason);
  }

  /** Gives the socket to node:http with every byte received put back. */
  #handOver(socket: Socket, pending: PendingHead): void {
    this.#release(socket);
    socket.pause();
    socket.unshift(pending.reader.received);
    this.#options.onOther(socket);
    socket.resume();
  }
}

/** Whether the headers ask for an upgrade (as llhttp decides it) or announce a body. */
function upgradeSignals(rawHeaders: readonly string[]): UpgradeSignals {
  const signals = { upgrade: false, connectionUpgrade: false, body: false };
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    // Only four names matter: the length alone rules out every other header cheaply.
    switch (name.length) {
      case 7:
        if (name.toLowerCase() === 'upgrade') signals.upgrade = true;
        break;
      case 10:
        if (name.toLowerCase() === 'connection' && hasUpgradeToken(rawHeaders[i + 1])) {
          signals.connectionUpgrade = true;
        }
        break;
      case 14:
      case 17: {
        const lower = name.toLowerCase();
        if (lower === 'content-length' || lower === 'transfer-encoding') signals.body = true;
        break;
      }
    }
  }
  return signals;
}

/** Whether a Connection value lists the `upgrade` option (any case, among others). */
function hasUpgradeToken(value: string): boolean {
  if (value.length === 7) return value.toLowerCase() === 'upgrade'; // the usual 'Upgrade'
  for (const option of value.split(',')) {
    if (option.trim().toLowerCase() === 'upgrade') return true;
  }
  return false;
}
