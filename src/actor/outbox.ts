// Actor layer: a socket actor's `out` (Play's `out` ActorRef). What the actor tells it waits here,
// bounded, until the connection's writer pulls it: the actor can send from the start of its life,
// before the socket's first message, and a peer that does not read cannot grow it past the bound.

import type { ActorRef } from './mailbox.js';
import type { OverflowStrategy } from './overflow.js';

const DONE: IteratorResult<never> = Object.freeze({ done: true, value: undefined });

/** What the outbox tells the socket actor. */
export interface OutboxOwner {
  /** The buffer was full and the strategy is `fail`: the socket closes (1013). */
  onOverflow(): void;
}

/** Settles the pending `next()`: with a step, or with a rejected promise (a close request). */
type Waiter<Out> = (step: IteratorResult<Out> | Promise<never>) => void;

/**
 * The outgoing values of a socket actor: an {@link ActorRef} for the actor, and for the
 * connection an iterator it pulls. `next()` returns a waiting value synchronously (the
 * connection's output pump takes such steps without a promise) and a promise only when empty.
 */
export class Outbox<Out> implements ActorRef<Out> {
  readonly #owner: OutboxOwner;
  readonly #capacity: number;
  readonly #overflow: OverflowStrategy;
  #queue: Out[] | undefined;
  #head = 0;
  #waiter: Waiter<Out> | undefined;
  /** The end, once asked for: after what waits, done (or the error, a close request). */
  #end: { error: unknown } | undefined;

  /**
   * @param owner - told of an overflow with `fail`.
   * @param capacity - values that may wait.
   * @param overflow - what a full buffer does with one more.
   */
  constructor(owner: OutboxOwner, capacity: number, overflow: OverflowStrategy) {
    this.#owner = owner;
    this.#capacity = capacity;
    this.#overflow = overflow;
  }

  /** The values that may wait (the actor's `bufferSize`). */
  get capacity(): number {
    return this.#capacity;
  }

  /**
   * Sends a value to the socket, after those told before it.
   *
   * @param value - a value of the flow's outgoing type (a message, or what the transformer encodes).
   * @returns false when it was dropped: the actor stopped, or the buffer was full.
   */
  tell(value: Out): boolean {
    if (this.#end !== undefined) return false;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter({ done: false, value });
      return true;
    }
    const queue = (this.#queue ??= []);
    if (queue.length - this.#head >= this.#capacity) {
      if (this.#overflow === 'dropNew') return false;
      if (this.#overflow === 'fail') {
        this.#owner.onOverflow();
        return false;
      }
      queue[this.#head++] = undefined as Out; // dropHead: the oldest goes
    }
    queue.push(value);
    return true;
  }

  /**
   * Ends the output after the values waiting: the connection then closes with 1000, or, with
   * `error` (a ConnectionClosed carrying a code), with that code and reason.
   *
   * @param error - a close request, or undefined for 1000.
   */
  end(error?: unknown): void {
    if (this.#end !== undefined) return;
    this.#end = { error };
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    waiter(error === undefined ? DONE : Promise.reject(error));
  }

  /** The connection's pull: a waiting value at once, else a promise of the next one. */
  next(): IteratorResult<Out> | Promise<IteratorResult<Out>> {
    const queue = this.#queue;
    if (queue !== undefined && this.#head < queue.length) {
      const value = queue[this.#head];
      queue[this.#head++] = undefined as Out;
      if (this.#head === queue.length) {
        queue.length = 0;
        this.#head = 0;
      } else if (this.#head >= 1024) {
        queue.splice(0, this.#head);
        this.#head = 0;
      }
      return { done: false, value };
    }
    const end = this.#end;
    if (end !== undefined) return end.error === undefined ? DONE : Promise.reject(end.error);
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  /** The connection stopped pulling (its output failed): later values are dropped. */
  return(): IteratorResult<Out> {
    this.#end ??= { error: undefined };
    this.#waiter = undefined;
    this.#queue = undefined;
    this.#head = 0;
    return DONE;
  }

  /** The outbox is its own iterator, pulled once by the connection. */
  [Symbol.asyncIterator](): this {
    return this;
  }
}
