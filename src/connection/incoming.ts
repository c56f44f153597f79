// Connection layer: the one place where received messages wait for the application. One bounded
// queue and one end signal, in front of one consumer: a listener (which may hold the next message
// with a promise), an async iterator, or the `incoming` ReadableStream, made only when asked for.

import { discardMessage, heldPayloadBytes } from '../message/message.js';
import { isPromiseLike } from '../util/thenable.js';
import type { Message } from '../message/message.js';

/**
 * A consumer of received messages (an object, so it costs no closure per connection). A promise
 * returned by `onMessage` holds the next message back until it settles; meanwhile messages queue,
 * and reading pauses once `highWaterMark` of them wait.
 */
export interface MessageListener {
  /** Takes one message; anything it returns other than a promise is ignored. */
  onMessage(message: Message): unknown;
}

/** What the queue needs from its owner (the connection). */
export interface IncomingOwner {
  /** Pause (true) or resume (false) reading the transport. */
  setIncomingPaused(paused: boolean): void;
  /** A listener threw or its promise rejected: the owner closes (1011 or the error's code). */
  onApplicationError?(error: unknown): void;
}

/** What the end handed to the consumer is: clean (`undefined`) or an error. */
export type EndListener = (error: unknown) => void;

/** Settles a pending `next()`, or takes a message for the stream's pending pull. */
type Waiter = (step: IteratorResult<Message> | Promise<never>) => void;

const DONE: IteratorResult<Message> = Object.freeze({ done: true, value: undefined });

/**
 * Messages that wait behind a listener's promise before reading pauses. A listener that holds
 * messages keeps its own bound (the client socket's `incomingHighWaterMark`), so this one is small
 * and fixed, as the map path's always was.
 */
const LISTENER_HIGH_WATER_MARK = 16;

/**
 * A bounded queue of received messages in front of one consumer: a listener called in order, an
 * async iterator, or a pull-based ReadableStream made on first use. While `highWaterMark`
 * messages wait, it asks its owner to stop reading the transport. The end comes after the last
 * message was taken (and its hold settled), by construction. Once the consumer gives up, messages
 * are dropped (Streamed bodies cancelled, so their parts are skipped).
 */
export class IncomingQueue {
  readonly #owner: IncomingOwner;
  readonly #highWaterMark: number;
  /** Messages waiting for the consumer (made on the first one). */
  #queue: Message[] | undefined;
  /** Where the next message goes from in the queue (an index: a backlog drains in linear time). */
  #head = 0;
  /** The payload bytes of the messages waiting (a memory budget counts them). */
  #queuedBytes = 0;
  #listener: MessageListener | undefined;
  /** A listener's promise holds delivery. */
  #holding = false;
  #stream: ReadableStream<Message> | undefined;
  #controller: ReadableStreamDefaultController<Message> | undefined;
  /** The iterator's pending `next()` (its resolve: an error ends it as a rejected promise), or the stream's pending pull. */
  #waiter: Waiter | undefined;
  #iterating = false;
  #streamWaiting = false;
  #discarding = false;
  #paused = false;
  #end: { error: unknown } | undefined;
  #endHandedOver = false;
  #endListeners: EndListener[] | undefined;
  /** Called once everything delivered so far was taken and the consumer asks for more. */
  #onConsumed: (() => void) | undefined;

  /**
   * @param owner - pauses and resumes reading; told of listener errors.
   * @param highWaterMark - how many messages may wait before reading pauses.
   */
  constructor(owner: IncomingOwner, highWaterMark = 16) {
    this.#owner = owner;
    this.#highWaterMark = highWaterMark;
  }

  /** The messages as a stream (made on first use); its reader takes them one at a time. */
  get stream(): ReadableStream<Message> {
    return (this.#stream ??= new ReadableStream<Message>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => this.#pullStream(),
        cancel: () => this.#cancel(),
      },
      { highWaterMark: 0 },
    ));
  }

  /** The payload bytes of the Strict messages waiting for the consumer. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** True once a consumer was chosen: a listener, an iterator, or a locked stream. */
  get consumed(): boolean {
    return this.#listener !== undefined || this.#iterating || this.#stream?.locked === true;
  }

  /**
   * Delivers every message to `listener` from now on, after those already waiting, in order.
   *
   * @param listener - its `onMessage` runs once per message; a promise it returns holds the next.
   */
  setListener(listener: MessageListener): void {
    this.#listener = listener;
    this.#drainToListener();
  }

  /**
   * Listens to the end: called once, after the last message was handed to the consumer, with
   * `undefined` for a clean end or the error the connection ended with.
   *
   * @param listener - gets the end's error, or `undefined`.
   */
  onEnd(listener: EndListener): void {
    if (this.#endHandedOver) {
      const error = (this.#end as { error: unknown }).error;
      queueMicrotask(() => listener(error));
    } else {
      (this.#endListeners ??= []).push(listener);
    }
  }

  /**
   * The messages as an async iterable, without a stream: `next()` hands over a waiting message at
   * once, and `return()` (a `break` out of `for await`) drops every later message.
   *
   * @returns the iterable; iterate it once.
   */
  iterable(): AsyncIterable<Message> {
    this.#iterating = true;
    return new IncomingIterator(this);
  }

  /** The iterator's `next()`: a waiting message at once, else a promise of the next one. */
  next(): Promise<IteratorResult<Message>> {
    const message = this.#take();
    if (message !== undefined) return Promise.resolve({ done: false, value: message });
    if (this.#end !== undefined || this.#discarding) return this.#finishIterator();
    return new Promise((resolve) => {
      this.#waiter = resolve;
      this.#checkConsumed();
    });
  }

  /** The iterator's `return()`: the consumer stopped; later messages are dropped. */
  cancel(): void {
    this.#cancel();
  }

  /** A received message. */
  push(message: Message): void {
    if (this.#discarding || this.#end !== undefined) {
      discardMessage(message);
    } else if (this.#listener !== undefined && !this.#holding && this.#waitingCount() === 0) {
      this.#deliver(this.#listener, message);
    } else if (this.#waiter !== undefined) {
      this.#handOver(message);
    } else {
      (this.#queue ??= []).push(message);
      this.#queuedBytes += heldPayloadBytes(message);
      this.#updatePaused();
    }
  }

  /**
   * No more messages: the consumer gets the end after those waiting, cleanly or with `error`.
   *
   * @param error - what the consumer sees after the last message; `undefined` for a clean end.
   */
  end(error?: unknown): void {
    if (this.#end !== undefined) return;
    this.#end = { error };
    this.#checkEnd();
  }

  /** Stops delivering: waiting and later messages are dropped; reading resumes. */
  discard(): void {
    this.#discarding = true;
    const waiter = this.#waiter;
    if (waiter !== undefined && !this.#streamWaiting) {
      this.#waiter = undefined;
      waiter(DONE);
    }
    const queue = this.#queue;
    if (queue !== undefined) {
      const waiting = queue.splice(this.#head);
      queue.length = 0;
      this.#head = 0;
      this.#queuedBytes = 0;
      for (const message of waiting) discardMessage(message);
    }
    this.#updatePaused();
    this.#checkConsumed();
  }

  /**
   * Calls `callback` once every message delivered so far was taken and the consumer asks for
   * the next (a listener's hold settled, or a reader waits): its replies to them are sent by then.
   * At once while no consumer was chosen (nothing would ever answer the messages).
   *
   * @param callback - called once, possibly at once.
   */
  whenConsumed(callback: () => void): void {
    this.#onConsumed = callback;
    this.#checkConsumed();
  }

  #deliver(listener: MessageListener, message: Message): void {
    let result: unknown;
    try {
      result = listener.onMessage(message);
    } catch (error) {
      this.#listenerFailed(error);
      return;
    }
    if (result !== undefined && isPromiseLike(result)) {
      this.#holding = true;
      result.then(
        () => this.#release(),
        (error: unknown) => {
          this.#listenerFailed(error);
          this.#release();
        },
      );
    }
  }

  /** The listener failed: the owner closes, and later messages are dropped. */
  #listenerFailed(error: unknown): void {
    this.#owner.onApplicationError?.(error);
    this.discard();
  }

  #release(): void {
    this.#holding = false;
    this.#drainToListener();
  }

  #drainToListener(): void {
    const listener = this.#listener as MessageListener;
    const queue = this.#queue;
    while (queue !== undefined && !this.#holding && this.#head < queue.length) {
      const message = queue[this.#head];
      queue[this.#head++] = undefined as unknown as Message;
      this.#queuedBytes -= heldPayloadBytes(message);
      if (this.#discarding) discardMessage(message);
      else this.#deliver(listener, message);
    }
    this.#compact();
    this.#updatePaused();
    if (!this.#holding) this.#checkEnd();
    this.#checkConsumed();
  }

  #pullStream(): void {
    const message = this.#take();
    if (message !== undefined) {
      (this.#controller as ReadableStreamDefaultController<Message>).enqueue(message);
    } else if (this.#end !== undefined) {
      this.#finishStream();
    } else {
      this.#streamWaiting = true;
      // Called with a message or DONE only: the stream's end goes through #finishStream.
      this.#waiter = (step) => {
        const result = step as IteratorResult<Message>;
        if (!result.done) this.#controller?.enqueue(result.value);
      };
      this.#checkConsumed();
    }
  }

  /** The next waiting message, off the queue; reading resumes below the mark. */
  #take(): Message | undefined {
    const queue = this.#queue;
    if (queue === undefined || this.#head >= queue.length) return undefined;
    const message = queue[this.#head];
    queue[this.#head++] = undefined as unknown as Message;
    this.#queuedBytes -= heldPayloadBytes(message);
    this.#compact();
    this.#updatePaused();
    return message;
  }

  #handOver(message: Message): void {
    const waiter = this.#waiter as Waiter;
    this.#waiter = undefined;
    this.#streamWaiting = false;
    waiter({ done: false, value: message });
  }

  #finishIterator(): Promise<IteratorResult<Message>> {
    const end = this.#end;
    this.#handEnd();
    if (end === undefined || end.error === undefined || this.#discarding) {
      return Promise.resolve(DONE);
    }
    return Promise.reject(end.error);
  }

  #cancel(): void {
    this.#waiter = undefined;
    this.#streamWaiting = false;
    this.discard();
  }

  #finishStream(): void {
    const controller = this.#controller;
    const end = this.#end;
    if (controller === undefined || end === undefined || this.#discarding) return;
    this.#streamWaiting = false;
    this.#waiter = undefined;
    this.#discarding = true;
    this.#handEnd();
    if (end.error === undefined) controller.close();
    else controller.error(end.error);
  }

  /** After the end: hand it to the consumer once nothing waits before it. */
  #checkEnd(): void {
    const end = this.#end;
    if (end === undefined || this.#waitingCount() > 0 || this.#holding) return;
    if (this.#listener !== undefined || (this.#discarding && !this.#streamWaiting)) {
      this.#handEnd();
    } else if (this.#waiter !== undefined && !this.#streamWaiting) {
      const resolve = this.#waiter;
      this.#waiter = undefined;
      this.#handEnd();
      if (end.error === undefined || this.#discarding) resolve(DONE);
      else resolve(Promise.reject(end.error));
    } else if (this.#streamWaiting) {
      this.#finishStream();
    } else if (!this.consumed) {
      this.#handEnd();
    }
  }

  /** Tells the end listeners, once. */
  #handEnd(): void {
    if (this.#endHandedOver) return;
    this.#endHandedOver = true;
    const error = (this.#end as { error: unknown } | undefined)?.error;
    const listeners = this.#endListeners;
    this.#endListeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener(error);
  }

  #checkConsumed(): void {
    const callback = this.#onConsumed;
    if (callback === undefined) return;
    // With no consumer chosen at all, no answer to what waits can come: nothing to wait for.
    if (this.consumed) {
      if (this.#waitingCount() > 0 || this.#holding) return;
      if (!this.#discarding && this.#listener === undefined && this.#waiter === undefined) return;
    }
    this.#onConsumed = undefined;
    callback();
  }

  #compact(): void {
    const queue = this.#queue;
    if (queue === undefined) return;
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
      this.#queuedBytes = 0; // exact again, whatever a payload's size became once read
    } else if (this.#head >= 1024) {
      queue.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #waitingCount(): number {
    const queue = this.#queue;
    return queue === undefined ? 0 : queue.length - this.#head;
  }

  #updatePaused(): void {
    const mark = this.#listener === undefined ? this.#highWaterMark : LISTENER_HIGH_WATER_MARK;
    const paused = !this.#discarding && this.#waitingCount() >= mark;
    if (paused === this.#paused) return;
    this.#paused = paused;
    this.#owner.setIncomingPaused(paused);
  }
}

/**
 * The connection's messages as an async iterator, without a stream: one small object, its methods
 * on the prototype (an idle connection running an async generator holds it).
 */
class IncomingIterator implements AsyncIterableIterator<Message> {
  readonly #queue: IncomingQueue;

  constructor(queue: IncomingQueue) {
    this.#queue = queue;
  }

  next(): Promise<IteratorResult<Message>> {
    return this.#queue.next();
  }

  /** A `break` out of `for await`: drops every later message. */
  return(): Promise<IteratorResult<Message>> {
    this.#queue.cancel();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Message> {
    return this;
  }
}
