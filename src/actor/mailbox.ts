// Actor layer: the mailbox every actor runs on. Messages are handled one at a time, in order: at
// once when the actor is idle, else after those before it; a handler's promise holds the next.
// Messages told by other code are bounded (an overflow strategy decides past the bound); a
// message posted by the socket carries its own hold, so the socket reads no further meanwhile.

import { ErrorCode, WebSocketError } from '../errors.js';
import { isPromiseLike } from '../util/thenable.js';
import type { OverflowStrategy } from './overflow.js';

/**
 * Where an actor receives messages (Akka's `ActorRef`): `tell` puts one in its mailbox and
 * returns at once; the actor handles it after the messages before it.
 *
 * @example
 * ```ts
 * room.tell({ kind: 'say', from: 'ada', text: 'hello' });
 * ```
 */
export interface ActorRef<T> {
  /**
   * Puts a message in the mailbox (Akka's `!`). It is handled at once when the actor is idle,
   * else in its turn.
   *
   * @param message - the message.
   * @returns false when it was dropped: the actor stopped or is stopping, or the mailbox was
   *   full (`dropNew`, or `fail`, which stops the actor).
   */
  tell(message: T): boolean;
}

/** The hooks an actor's mailbox calls: its start, each message, its stop. */
export interface ActorHooks<T, Stopped> {
  /** Before any message; a returned promise holds the first. A throw or a rejection fails the actor. */
  onStart?(): unknown;
  /** One message; a returned promise holds the next. A throw or a rejection fails the actor. */
  onMessage(message: T): unknown;
  /** Last: after the messages before the stop; nothing is handled after it. */
  onStop?(stopped: Stopped): unknown;
}

/** What a mailbox tells the actor that owns it. */
export interface MailboxOwner<T> {
  /** `onStart` or `onMessage` threw or rejected, or the mailbox overflowed with `fail`. */
  onFailure(error: unknown): void;
  /** `onStop` threw or rejected. */
  onStopFailure(error: unknown): void;
  /** A message left unhandled (the actor stopped or failed, or an overflow dropped it). */
  onDropped(message: T): void;
  /** `onStop` has run: the actor is gone. */
  onStopped(): void;
}

/** A message from the socket, with the hold its listener waits on. */
class Posted<T> {
  constructor(
    readonly value: T,
    readonly done: () => void,
  ) {}
}

/** The stop, queued after the messages before it. */
class Stop<S> {
  constructor(readonly stopped: S) {}
}

const State = { New: 0, Running: 1, Stopping: 2, Stopped: 3 } as const;
type State = (typeof State)[keyof typeof State];

/**
 * An actor's mailbox: a bounded queue in front of its hooks, handled one message at a time.
 * It is the actor's {@link ActorRef} (`self`).
 */
export class Mailbox<T, S> implements ActorRef<T> {
  readonly #owner: MailboxOwner<T>;
  readonly #capacity: number;
  readonly #overflow: OverflowStrategy;
  #hooks: ActorHooks<T, S> | undefined;
  /** Waiting entries from `#head` on (an index: a backlog drains in linear time). */
  #queue: (T | Posted<T> | Stop<S>)[] = [];
  #head = 0;
  /** Told messages waiting: the bounded ones. */
  #told = 0;
  /** A hook runs (synchronously, or its promise is pending): the next entry waits. */
  #busy = false;
  #state: State = State.New;
  #stopQueued = false;
  #failed = false;

  /**
   * @param owner - told of failures, drops and the end.
   * @param capacity - told messages that may wait.
   * @param overflow - what a full mailbox does with one more.
   */
  constructor(owner: MailboxOwner<T>, capacity: number, overflow: OverflowStrategy) {
    this.#owner = owner;
    this.#capacity = capacity;
    this.#overflow = overflow;
  }

  /** True from the stop (asked for, or a failure) on: later messages are dropped. */
  get stopping(): boolean {
    return this.#state >= State.Stopping;
  }

  /**
   * Starts handling: `onStart` first, then what waits. Messages told or posted before it wait.
   *
   * @param hooks - the actor's hooks.
   */
  start(hooks: ActorHooks<T, S>): void {
    if (this.#hooks !== undefined) return;
    this.#hooks = hooks;
    if (this.#state === State.New) this.#state = State.Running;
    if (hooks.onStart !== undefined && !this.#stopQueued) {
      this.#busy = true;
      let result: unknown;
      try {
        result = hooks.onStart();
      } catch (error) {
        this.#busy = false;
        this.#fail(error);
      }
      if (this.#busy) this.#settle(result, undefined);
    }
    this.#drain();
  }

  tell(message: T): boolean {
    if (this.#state >= State.Stopping) return false;
    if (this.#told >= this.#capacity && !this.#makeRoom()) return false;
    this.#queue.push(message);
    this.#told++;
    this.#drain();
    return true;
  }

  /**
   * A message from the socket: handled now when the actor is idle, else in its turn. Not
   * bounded here: the socket posts the next one only once this one's hold settles.
   *
   * @param message - the message.
   * @returns undefined when it was handled synchronously (or dropped), else a promise settled
   *   once it was handled.
   */
  post(message: T): Promise<void> | undefined {
    if (this.#state >= State.Stopping) {
      this.#owner.onDropped(message);
      return undefined;
    }
    if (this.#busy || this.#head < this.#queue.length || this.#state === State.New) {
      return new Promise((resolve) => {
        this.#queue.push(new Posted(message, resolve));
      });
    }
    const held = this.#handle(message, undefined);
    if (held === undefined && this.#head < this.#queue.length) this.#drain();
    return held;
  }

  /** No more messages from now on; those waiting are still handled, then the stop. */
  refuseMore(): void {
    if (this.#state < State.Stopping) this.#state = State.Stopping;
  }

  /**
   * Queues the stop after what waits: `onStop(stopped)` runs last. Only the first call counts.
   *
   * @param stopped - what `onStop` is told.
   */
  finish(stopped: S): void {
    if (this.#stopQueued) return;
    this.#stopQueued = true;
    this.refuseMore();
    this.#queue.push(new Stop(stopped));
    this.#drain();
  }

  #drain(): void {
    const queue = this.#queue;
    while (!this.#busy && this.#head < queue.length && this.#hooks !== undefined) {
      const entry = queue[this.#head];
      queue[this.#head++] = undefined as unknown as T;
      if (entry instanceof Stop) {
        this.#stop(entry.stopped);
      } else if (entry instanceof Posted) {
        if (this.#state === State.Stopped) this.#drop(entry);
        else void this.#handle(entry.value, entry.done);
      } else {
        this.#told--;
        if (this.#state === State.Stopped) this.#owner.onDropped(entry);
        else void this.#handle(entry, undefined);
      }
    }
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024) {
      queue.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Runs `onMessage`; a promise it returns keeps the mailbox busy until it settles. */
  #handle(message: T, done: (() => void) | undefined): Promise<void> | undefined {
    this.#busy = true;
    let result: unknown;
    try {
      result = (this.#hooks as ActorHooks<T, S>).onMessage(message);
    } catch (error) {
      this.#busy = false;
      this.#fail(error);
      done?.();
      return undefined;
    }
    return this.#settle(result, done);
  }

  /** After a hook returned: done now, or once its promise settles (then the mailbox goes on). */
  #settle(result: unknown, done: (() => void) | undefined): Promise<void> | undefined {
    if (!isPromiseLike(result)) {
      this.#busy = false;
      done?.();
      return undefined;
    }
    return Promise.resolve(result).then(
      () => this.#resume(done),
      (error: unknown) => {
        this.#fail(error);
        this.#resume(done);
      },
    );
  }

  #resume(done: (() => void) | undefined): void {
    this.#busy = false;
    done?.();
    this.#drain();
  }

  #stop(stopped: S): void {
    this.#state = State.Stopped;
    const onStop = (this.#hooks as ActorHooks<T, S>).onStop;
    let result: unknown;
    try {
      result = onStop?.call(this.#hooks, stopped);
    } catch (error) {
      this.#stopped(error, true);
      return;
    }
    if (!isPromiseLike(result)) {
      this.#stopped(undefined, false);
      return;
    }
    this.#busy = true;
    Promise.resolve(result).then(
      () => this.#stopped(undefined, false),
      (error: unknown) => this.#stopped(error, true),
    );
  }

  /** After `onStop`: whatever is left is dropped, and the owner is told. */
  #stopped(error: unknown, failed: boolean): void {
    this.#busy = false;
    if (failed) this.#owner.onStopFailure(error);
    this.#dropWaiting();
    this.#owner.onStopped();
  }

  /** The actor failed: what waits is dropped (the stop stays queued), and the owner is told. */
  #fail(error: unknown): void {
    if (this.#failed || this.#state === State.Stopped) return;
    this.#failed = true;
    this.refuseMore();
    this.#dropWaiting();
    this.#owner.onFailure(error);
  }

  /** Drops every waiting message (resolving their holds); a queued stop stays. */
  #dropWaiting(): void {
    const waiting = this.#queue.splice(this.#head);
    this.#queue.length = 0;
    this.#head = 0;
    this.#told = 0;
    for (const entry of waiting) {
      if (entry instanceof Stop) this.#queue.push(entry);
      else if (entry instanceof Posted) this.#drop(entry);
      else this.#owner.onDropped(entry);
    }
  }

  #drop(posted: Posted<T>): void {
    this.#owner.onDropped(posted.value);
    posted.done();
  }

  /** The mailbox is full: applies the overflow strategy; true when the new message may go in. */
  #makeRoom(): boolean {
    if (this.#overflow === 'dropNew') return false;
    if (this.#overflow === 'fail') {
      this.#fail(
        new WebSocketError(
          ErrorCode.MailboxFull,
          `the mailbox is full (${this.#capacity} messages waiting)`,
        ),
      );
      return false;
    }
    const queue = this.#queue;
    for (let at = this.#head; at < queue.length; at++) {
      const entry = queue[at];
      if (entry instanceof Posted || entry instanceof Stop) continue;
      queue.splice(at, 1);
      this.#told--;
      this.#owner.onDropped(entry);
      return true;
    }
    return false;
  }
}
