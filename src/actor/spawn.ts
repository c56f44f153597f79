// Actor layer: plain in-process actors (Akka's `system.actorOf`, without supervision or remoting):
// a chat room that every socket actor talks to. One message at a time, a bounded mailbox.

import { discardMessage } from '../message/message.js';
import type { Message } from '../message/message.js';
import { Mailbox } from './mailbox.js';
import type { ActorHooks, ActorRef, MailboxOwner } from './mailbox.js';
import { checkBound, checkStrategy } from './overflow.js';
import type { OverflowStrategy } from './overflow.js';
import { logActorError } from './report.js';

/** How a spawned actor ended: `error` is what failed it, when it failed. */
export interface ActorStopped {
  /** What `onStart` or `onMessage` threw (or the mailbox overflow with `fail`), if it failed. */
  readonly error?: unknown;
}

/**
 * A spawned actor's hooks: `onStart`, then `onMessage` once per message, in order (a returned
 * promise holds the next), then `onStop` last. A throw or a rejection stops the actor.
 */
export type ActorBehavior<T> = ActorHooks<T, ActorStopped>;

/** What a spawned actor's factory gets: its own ref, and a way to stop. */
export interface ActorContext<T> {
  /** The actor's own ref (Akka's `self`): hand it to others so they can tell it things. */
  readonly self: ActorRef<T>;
  /** Stops the actor after the messages already waiting (Akka's PoisonPill). */
  stop(): void;
}

/** A spawned actor: a ref to tell, and its end. */
export interface Actor<T> extends ActorRef<T> {
  /** Stops the actor after the messages already waiting (Akka's PoisonPill); later tells return false. */
  stop(): void;
  /** Settles once `onStop` has run (never rejects). */
  readonly stopped: Promise<void>;
}

/** Options of {@link spawn}. */
export interface SpawnOptions {
  /** Told messages that may wait in the mailbox (default 1024). */
  mailboxSize?: number;
  /** What a full mailbox does with one more message (default `dropNew`: `tell` returns false). */
  overflow?: OverflowStrategy;
  /** Told when a hook throws or rejects (default: one line on stderr). */
  onError?: (error: unknown) => void;
}

/** Defaults of a mailbox's bound. */
export const MailboxDefaults = {
  /** Told messages that may wait. */
  mailboxSize: 1024,
  /** What a full mailbox does with one more. */
  overflow: 'dropNew',
} as const satisfies { mailboxSize: number; overflow: OverflowStrategy };

/**
 * Starts an in-process actor (Akka's `actorOf`): `create` makes its hooks, `onStart` runs at
 * once, and each message told is handled one at a time, in order, at once when the actor is
 * idle. The mailbox is bounded (`mailboxSize`, 1024 by default); past it, `overflow` decides.
 * A hook that throws or rejects stops the actor (`onStop` is told the error, `onError` too); there is no
 * supervision and no restart.
 *
 * @param create - makes the actor's hooks; it gets the actor's `self` and `stop`.
 * @param options - the mailbox's bound and overflow strategy, and `onError`.
 * @returns the actor: `tell`, `stop`, `stopped`.
 * @throws what `create` throws; RangeError for a bad option.
 * @example
 * ```ts
 * const counter = spawn<number>(() => {
 *   let total = 0;
 *   return { onMessage: (n) => void (total += n), onStop: () => console.log(total) };
 * });
 * counter.tell(2);
 * counter.stop();
 * ```
 */
export function spawn<T>(
  create: (context: ActorContext<T>) => ActorBehavior<T>,
  options: SpawnOptions = {},
): Actor<T> {
  const actor = new SpawnedActor<T>(options);
  actor.start(create(actor));
  return actor;
}

/** A spawned actor: the owner of its mailbox, and its context. */
class SpawnedActor<T> implements Actor<T>, ActorContext<T>, MailboxOwner<T> {
  readonly #mailbox: Mailbox<T, ActorStopped>;
  readonly #onError: (error: unknown) => void;
  readonly stopped: Promise<void>;
  #resolveStopped!: () => void;
  /** A property, not a method: `({ self, stop }) => ...` takes it apart. */
  readonly stop = (): void => this.#mailbox.finish({});

  constructor(options: SpawnOptions) {
    const capacity = checkBound('mailboxSize', options.mailboxSize, MailboxDefaults.mailboxSize);
    const overflow = checkStrategy('overflow', options.overflow, MailboxDefaults.overflow);
    this.#mailbox = new Mailbox(this, capacity, overflow);
    this.#onError = options.onError ?? ((error) => logActorError('an actor failed', error));
    this.stopped = new Promise((resolve) => (this.#resolveStopped = resolve));
  }

  get self(): ActorRef<T> {
    return this;
  }

  start(behavior: ActorBehavior<T>): void {
    this.#mailbox.start(behavior);
  }

  tell(message: T): boolean {
    return this.#mailbox.tell(message);
  }

  onFailure(error: unknown): void {
    this.#report(error);
    this.#mailbox.finish({ error });
  }

  onStopFailure(error: unknown): void {
    this.#report(error);
  }

  onDropped(message: T): void {
    discardMessage(message as Message);
  }

  onStopped(): void {
    this.#resolveStopped();
  }

  #report(error: unknown): void {
    try {
      this.#onError(error);
    } catch (failure) {
      logActorError('an actor error handler failed', failure);
    }
  }
}
