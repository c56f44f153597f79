// Client layer: the incoming side of the high-level socket — messages, pings (when auto-pong is
// off) and the close event, one per receive(). Fed by the connection's message listener (no
// stream in between); the close event follows the connection's end signal, which comes after the
// last message. Bounded when asked (overflow fails it), otherwise delivery is held back while it
// holds `incomingHighWaterMark` messages (and reading pauses soon after), so the server is slowed
// down instead.

import { CloseCode } from '../codec/close-code.js';
import type { Connection } from '../connection/connection.js';
import { ConnectionClosed, WebSocketBufferFull } from '../errors.js';
import { discardMessage } from '../message/message.js';
import type { Message } from '../message/message.js';
import { ClientCloseEvent, ClientPingEvent } from './client-events.js';

/** What one receive() hands out. */
export type InboxEvent = Message | ClientPingEvent | ClientCloseEvent;

/** Pings kept while nobody receives, without a bound set: older ones are dropped (RFC 6455 5.5.3). */
const MAX_UNBOUNDED_PINGS = 16;

/**
 * A receive() waiting for the inbox: offered events in order (each offered one leaves the queue)
 * until it takes one.
 */
export interface InboxWaiter {
  /** Offered the next event: true when it took it and settled, false to skip it and wait on. */
  offer(event: InboxEvent): boolean;
  /** Settles with an error: the inbox failed, the waiter gave up, or the close was handed out. */
  fail(error: unknown): void;
  /** Set by the inbox: clears what watches a receive() with a time limit or a signal. */
  cleanup: (() => void) | undefined;
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

/** Options of a {@link SocketInbox}. */
export interface InboxOptions {
  /** Bounds the buffer (eager reading; one more fails the socket with 1008). */
  capacity?: number;
  /** Queue Pings too (auto-pong is off). */
  pings: boolean;
  /**
   * Without a capacity: messages held before delivery is held back (reading then pauses after at
   * most 16 more). Default 16.
   */
  highWaterMark?: number;
}

/** The queue between a connection's message delivery and the socket's receive(). */
export class SocketInbox {
  readonly #connection: Connection;
  readonly #capacity: number | undefined;
  /** Without a capacity: the messages held here when delivery is told to wait. */
  readonly #highWaterMark: number;
  readonly #queue: (Message | ClientPingEvent)[] = [];
  readonly #waiters: InboxWaiter[] = [];
  /** Messages (not pings) in the queue. */
  #messages = 0;
  #pings = 0;
  /** Settles the promise that holds message delivery back, while it does. */
  #resume: (() => void) | undefined;
  #stopped = false;
  #close: ClientCloseEvent | undefined;
  #closeHandedOut = false;
  #failure: unknown;

  /**
   * @param connection - The connection; its messages go to this inbox from now on.
   * @param options - `capacity` bounds the buffer; `pings` queues Pings too; `highWaterMark`.
   * @throws {RangeError} When `capacity` is not a positive integer.
   */
  constructor(connection: Connection, options: InboxOptions) {
    const { capacity, highWaterMark = 16 } = options;
    checkCapacity(capacity);
    this.#connection = connection;
    this.#capacity = capacity;
    this.#highWaterMark = Math.max(1, highWaterMark);
    if (options.pings) {
      connection.onPing((payload) => this.#addPing(new ClientPingEvent(new Uint8Array(payload))));
    }
    // The end comes after the last message (also one still inflating at the close); the close
    // event follows once the connection is closed.
    connection.onMessage((message) => this.#onMessage(message));
    connection.onEnd(() => this.#ended());
  }

  /**
   * The next event if one is at hand and no earlier next() waits, else `undefined`: the fast
   * path of receive(), with no promise. The close event and failures come through next().
   *
   * @returns The next message or ping, taken off the queue; or undefined.
   */
  poll(): Message | ClientPingEvent | undefined {
    if (this.#waiters.length > 0 || this.#failure !== undefined) return undefined;
    const event = this.#queue.shift();
    if (event !== undefined) this.#taken(event);
    return event;
  }

  /**
   * Lines a waiter up for the next events: queued ones, the next messages, or the close event
   * (once; later waiters fail with ConnectionClosed).
   *
   * @param waiter - Offered events until it takes one.
   * @param watch - Called with `giveUp`: calling it takes the waiter out of the line (so it takes
   *   nothing) and fails it with the error given. What `watch` returns is called once the waiter
   *   is served or gave up (to clear its timer).
   */
  wait(
    waiter: InboxWaiter,
    watch?: (giveUp: (error: unknown) => void) => (() => void) | undefined,
  ): void {
    this.#waiters.push(waiter);
    if (watch !== undefined) {
      waiter.cleanup = watch((error) => {
        const at = this.#waiters.indexOf(waiter);
        if (at === -1) return; // served first
        this.#waiters.splice(at, 1);
        waiter.cleanup?.();
        waiter.fail(error);
      });
    }
    this.#deliver();
  }

  /** Drops what waits, and every later message: the socket is closing on its own initiative. */
  stop(): void {
    this.#stopped = true;
    for (const event of this.#queue.splice(0)) {
      if (!(event instanceof ClientPingEvent)) discardMessage(event);
    }
    this.#messages = 0;
    this.#pings = 0;
    this.#resumeDelivery(); // Reading goes on, so the server's Close gets through.
  }

  /** The map run on the connection: a message, in order, straight from delivery. */
  #onMessage(message: Message): Promise<void> | undefined {
    if (this.#stopped || this.#failure !== undefined) {
      discardMessage(message);
      return undefined;
    }
    if (this.#queue.length === 0 && this.#waiters.length > 0) {
      this.#offer(message);
      return undefined;
    }
    this.#queue.push(message);
    this.#messages++;
    const capacity = this.#capacity;
    if (capacity !== undefined) {
      if (this.#queue.length > capacity) this.#overflow(capacity);
      return undefined;
    }
    if (this.#messages < this.#highWaterMark) return undefined;
    // A returned promise holds delivery back: the connection queues a few, then stops reading.
    return new Promise<void>((resolve) => (this.#resume = resolve));
  }

  #addPing(ping: ClientPingEvent): void {
    if (this.#stopped || this.#failure !== undefined || this.#close !== undefined) return;
    if (this.#queue.length === 0 && this.#waiters.length > 0) return this.#offer(ping);
    this.#queue.push(ping);
    this.#pings++;
    const capacity = this.#capacity;
    if (capacity !== undefined && this.#queue.length > capacity) return this.#overflow(capacity);
    if (capacity === undefined && this.#pings > MAX_UNBOUNDED_PINGS) this.#dropOldestPing();
  }

  #dropOldestPing(): void {
    const at = this.#queue.findIndex((event) => event instanceof ClientPingEvent);
    this.#queue.splice(at, 1);
    this.#pings--;
  }

  /** An event left the queue: count it, and let delivery go on once half the mark is free. */
  #taken(event: Message | ClientPingEvent): void {
    if (event instanceof ClientPingEvent) {
      this.#pings--;
    } else if (--this.#messages <= this.#highWaterMark >> 1) {
      this.#resumeDelivery();
    }
  }

  #resumeDelivery(): void {
    const resume = this.#resume;
    if (resume === undefined) return;
    this.#resume = undefined;
    resume();
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

  /** The last message was delivered: the close event follows once the connection is closed. */
  #ended(): void {
    void this.#connection.closed.then((outcome) => {
      this.#close = new ClientCloseEvent(outcome);
      this.#deliver();
    });
  }

  /** Hands events to waiters, in order, as long as there are both. */
  #deliver(): void {
    while (this.#waiters.length > 0) {
      if (this.#failure !== undefined) this.#fail(this.#failure);
      else if (this.#queue.length > 0) {
        const event = this.#queue.shift() as Message | ClientPingEvent;
        this.#taken(event);
        this.#offer(event);
      } else if (this.#close === undefined) return;
      else if (this.#closeHandedOut) this.#fail(new ConnectionClosed(this.#close));
      else {
        this.#closeHandedOut = true;
        this.#offer(this.#close);
      }
    }
  }

  /** Offers an event to the first waiter; it leaves the line once it took one. */
  #offer(event: InboxEvent): void {
    const waiter = this.#waiters[0];
    if (!waiter.offer(event)) return;
    this.#waiters.shift();
    waiter.cleanup?.();
  }

  /** Fails the first waiter. */
  #fail(error: unknown): void {
    const waiter = this.#waiters.shift() as InboxWaiter;
    waiter.cleanup?.();
    waiter.fail(error);
  }
}
