// Client layer: the incoming side of the high-level socket — messages, pings (when auto-pong is
// off) and the close event, one per receive(). Bounded when asked (overflow fails it), otherwise
// it reads only on demand, so the connection is backpressured instead of the buffer growing.

import { CloseCode } from '../codec/close-code.js';
import type { Connection } from '../connection/connection.js';
import { ConnectionClosed, WebSocketBufferFull } from '../errors.js';
import { discardMessage } from '../flow/flow.js';
import type { Message } from '../message/message.js';
import type { CloseOutcome } from '../protocol/events.js';

/** The connection closed (sttp's `WebSocketEvent.Close`): what `receive()` returns last. */
export class WebSocketClose implements CloseOutcome {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  readonly closedBy: CloseOutcome['closedBy'];

  /** @param outcome - How the connection ended. */
  constructor(outcome: CloseOutcome) {
    this.code = outcome.code;
    this.reason = outcome.reason;
    this.wasClean = outcome.wasClean;
    this.closedBy = outcome.closedBy;
  }
}

/** A Ping from the server, received only when auto-pong is off: answer it with `pong(payload)`. */
export class WebSocketPing {
  /** @param payload - The Ping's payload (a copy, at most 125 bytes). */
  constructor(readonly payload: Uint8Array) {}
}

/** What one receive() hands out. */
export type InboxEvent = Message | WebSocketPing | WebSocketClose;

/** Pings kept while nobody receives, without a bound set: older ones are dropped (RFC 6455 5.5.3). */
const MAX_UNBOUNDED_PINGS = 16;

interface Waiter {
  resolve(event: InboxEvent): void;
  reject(error: unknown): void;
}

/**
 * Checks a buffer capacity: undefined (no bound) or a positive integer.
 *
 * @param capacity - The capacity to check.
 * @throws {RangeError} For any other value.
 * @returns Nothing; it only checks.
 * @example
 * checkCapacity(16); // fine
 * checkCapacity(0); // RangeError
 */
export function checkCapacity(capacity: number | undefined): void {
  if (capacity !== undefined && !(Number.isInteger(capacity) && capacity > 0)) {
    throw new RangeError(`bufferCapacity must be a positive integer, got ${capacity}`);
  }
}

/** The queue between a connection's incoming side and the socket's receive(). */
export class SocketInbox {
  readonly #connection: Connection;
  readonly #reader: ReadableStreamDefaultReader<Message>;
  readonly #capacity: number | undefined;
  readonly #queue: (Message | WebSocketPing)[] = [];
  readonly #waiters: Waiter[] = [];
  #reading = false;
  #ending = false;
  #close: WebSocketClose | undefined;
  #closeHandedOut = false;
  #failure: unknown;

  /**
   * @param connection - The connection; its incoming stream is locked from now on.
   * @param options - `capacity` bounds the buffer (eager reading); `pings` queues Pings too.
   * @throws {RangeError} When `capacity` is not a positive integer.
   */
  constructor(connection: Connection, options: { capacity?: number; pings: boolean }) {
    const { capacity } = options;
    checkCapacity(capacity);
    this.#connection = connection;
    this.#capacity = capacity;
    this.#reader = connection.incoming.getReader();
    if (options.pings) {
      connection.onPing((payload) => this.#add(new WebSocketPing(new Uint8Array(payload))));
    }
    this.#read();
  }

  /** The next event: a queued one, the next message, or the close event (once; then an error). */
  next(): Promise<InboxEvent> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#deliver();
      this.#read();
    });
  }

  /** Drops what waits, and every later message: the socket is closing on its own initiative. */
  stop(): void {
    for (const event of this.#queue.splice(0)) {
      if (!(event instanceof WebSocketPing)) discardMessage(event);
    }
    this.#reader.cancel().catch(() => undefined);
  }

  /** Reads one message from the connection when someone waits, or always when bounded. */
  #read(): void {
    if (this.#reading || this.#ending || this.#failure !== undefined) return;
    const wanted = this.#capacity !== undefined || this.#waiters.length > this.#queue.length;
    if (!wanted) return;
    this.#reading = true;
    this.#reader.read().then(
      (step) => {
        this.#reading = false;
        if (step.done) return this.#ended();
        this.#add(step.value);
        this.#read();
      },
      () => {
        this.#reading = false;
        this.#ended();
      },
    );
  }

  #add(event: Message | WebSocketPing): void {
    if (this.#failure !== undefined || this.#close !== undefined) {
      if (!(event instanceof WebSocketPing)) discardMessage(event);
      return;
    }
    this.#queue.push(event);
    if (this.#capacity !== undefined && this.#queue.length > this.#capacity) {
      return this.#overflow(this.#capacity);
    }
    if (this.#capacity === undefined && event instanceof WebSocketPing) this.#dropOldPings();
    this.#deliver();
  }

  #dropOldPings(): void {
    const pings = this.#queue.filter((event) => event instanceof WebSocketPing);
    if (pings.length <= MAX_UNBOUNDED_PINGS) return;
    this.#queue.splice(this.#queue.indexOf(pings[0]), 1);
  }

  /** sttp: "If the bound is specified and the buffer fills up, the websocket will error and close." */
  #overflow(capacity: number): void {
    this.#failure = new WebSocketBufferFull(capacity);
    this.stop();
    try {
      this.#connection.close(CloseCode.PolicyViolation, 'incoming buffer full');
    } catch {
      // Closing already: the connection ends on its own.
    }
    this.#deliver();
  }

  /** The incoming side ended: the close event follows once the connection is closed. */
  #ended(): void {
    if (this.#ending) return;
    this.#ending = true;
    void this.#connection.closed.then((outcome) => {
      this.#close = new WebSocketClose(outcome);
      this.#deliver();
    });
  }

  /** Hands events to waiters, in order, as long as there are both. */
  #deliver(): void {
    while (this.#waiters.length > 0) {
      const waiter = this.#waiters[0];
      if (this.#failure !== undefined) waiter.reject(this.#failure);
      else if (this.#queue.length > 0) waiter.resolve(this.#queue.shift() as InboxEvent);
      else if (this.#close === undefined) return;
      else if (this.#closeHandedOut) waiter.reject(new ConnectionClosed(this.#close));
      else {
        this.#closeHandedOut = true;
        waiter.resolve(this.#close);
      }
      this.#waiters.shift();
    }
  }
}
