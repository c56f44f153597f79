// Actor layer: an actor per socket (Play's `ActorFlow.actorRef`). Its mailbox takes the socket's
// messages through the connection's delivery primitive (a handler's promise holds the next message,
// so reading pauses while it works), `out` sends from the start of its life, `stop` closes the
// socket, and the socket's close stops the actor and tells it how the connection ended.

import { closePayloadLength } from '../codec/close-payload.js';
import { CloseCode } from '../codec/close-code.js';
import { closeForCause, failConnection } from '../connection/connection.js';
import type { Connection } from '../connection/connection.js';
import { ConnectionClosed } from '../errors.js';
import type { CloseOutcome } from '../errors.js';
import { SinkAndSourceFlow } from '../flow/flow.js';
import type { Flow } from '../flow/flow.js';
import { ConnectionBoundFlow } from '../flow/bound-flow.js';
import { discardMessage } from '../message/message.js';
import type { Message, MessageLike } from '../message/message.js';
import { routeOf } from '../routing/connection-route.js';
import type { ConnectionRoute } from '../routing/connection-route.js';
import { Mailbox } from './mailbox.js';
import type { ActorHooks, ActorRef, MailboxOwner } from './mailbox.js';
import { Outbox } from './outbox.js';
import type { OutboxOwner } from './outbox.js';
import { checkBound, checkStrategy } from './overflow.js';
import type { OverflowStrategy } from './overflow.js';
import { logActorError } from './report.js';
import { MailboxDefaults } from './spawn.js';

/**
 * A socket actor's hooks: `onStart` first (before the socket's first message), `onMessage` once
 * per message, in order (a returned promise holds the next, and reading the socket pauses while
 * messages wait), and `onStop` last, told how the connection ended. A throw or a rejection in
 * `onStart` or `onMessage` closes the socket with 1011 and reaches the server's `onError`.
 */
export type SocketActor<In> = ActorHooks<In, CloseOutcome>;

/** What a socket actor's factory gets (Play's `out`, and more). */
export interface SocketActorContext<In, Out, Data = unknown> {
  /**
   * Sends to the socket (Play's `out`): usable at once, before the socket's first message. What
   * the writer cannot take yet waits, up to `bufferSize` values (then `overflowStrategy`).
   */
  readonly out: ActorRef<Out>;
  /** The actor's own mailbox (Akka's `self`): give it to other actors so they can tell it things. */
  readonly self: ActorRef<In>;
  /**
   * Stops the actor and closes the socket (Play's PoisonPill): the values told to `out` before
   * it are sent first, then a Close with `code` (1000 by default) and `reason`. Messages already
   * waiting are handled; later ones are dropped. `onStop` comes once the socket has closed.
   *
   * @throws RangeError for a code that may not be sent or a reason over 123 bytes.
   */
  stop(code?: number, reason?: string): void;
  /** The request, subprotocol and typed data of a connection a Router accepted; else undefined. */
  readonly route: ConnectionRoute<Data> | undefined;
  /** The connection itself, for what the actor does not cover (`ping()`, `closed`). */
  readonly connection: Connection;
}

/** Options of {@link actorFlow}. */
export interface ActorFlowOptions {
  /** Values told to `out` that may wait for the writer (default 256; Play's `bufferSize`). */
  bufferSize?: number;
  /**
   * What a full `out` does with one more value (Play's `overflowStrategy`): `fail` (default)
   * closes the socket with 1013, `dropNew` drops the value, `dropHead` the oldest waiting one.
   */
  overflowStrategy?: OverflowStrategy;
  /** Messages told to `self` that may wait (default 1024). Socket messages wait in the socket. */
  mailboxSize?: number;
  /** What a full mailbox does with one more told message (default `dropNew`). */
  mailboxOverflow?: OverflowStrategy;
}

/** Defaults of a socket actor's `out`. */
export const ActorFlowDefaults = {
  /** Values that may wait in `out`. */
  bufferSize: 256,
  /** What a full `out` does. */
  overflowStrategy: 'fail',
} as const satisfies { bufferSize: number; overflowStrategy: OverflowStrategy };

/**
 * A flow run by an actor, one per connection (Play's `ActorFlow.actorRef(out => props)`):
 * `create` gets `out` (send from the start), `self`, `stop(code, reason)` and the connection's
 * route, and returns the actor's hooks. Messages are handled one at a time, in order; an async
 * handler holds the next, and the socket is read no further once 16 messages wait. It works
 * wherever a flow does (`serve({ flow })`, `accept(flow)`, `upgrade.handleMessages`), and inside
 * a transformer: `json().validate(schema).transform(actorFlow(...))` hands it typed values.
 *
 * @param create - makes the actor of one connection; called once per connection, after the
 *   101, with the connection's route already known.
 * @param options - the bounds of `out` and of the mailbox, and their overflow strategies.
 * @returns the flow; it runs on any number of connections.
 * @throws RangeError for a bad option.
 * @example
 * ```ts
 * const shout = actorFlow<string, string>(({ out, stop }) => ({
 *   onStart: () => void out.tell('welcome'),
 *   onMessage: (line) => (line === 'bye' ? stop(1000, 'bye') : void out.tell(line.toUpperCase())),
 *   onStop: ({ code, closedBy }) => console.log(`closed ${code} by ${closedBy}`),
 * }));
 * await serve({ port: 8080, flow: text().transform(shout) });
 * ```
 */
export function actorFlow<In = Message, Out = MessageLike, Data = unknown>(
  create: (context: SocketActorContext<In, Out, Data>) => SocketActor<In>,
  options: ActorFlowOptions = {},
): Flow<In, Out> {
  const settings: ActorSettings = {
    bufferSize: checkBound('bufferSize', options.bufferSize, ActorFlowDefaults.bufferSize),
    overflowStrategy: checkStrategy(
      'overflowStrategy',
      options.overflowStrategy,
      ActorFlowDefaults.overflowStrategy,
    ),
    mailboxSize: checkBound('mailboxSize', options.mailboxSize, MailboxDefaults.mailboxSize),
    mailboxOverflow: checkStrategy(
      'mailboxOverflow',
      options.mailboxOverflow,
      MailboxDefaults.overflow,
    ),
  };
  return new ConnectionBoundFlow<Connection, In, Out>((connection) =>
    new SocketActorCell<In, Out, Data>(connection, create, settings).flow(),
  );
}

interface ActorSettings {
  readonly bufferSize: number;
  readonly overflowStrategy: OverflowStrategy;
  readonly mailboxSize: number;
  readonly mailboxOverflow: OverflowStrategy;
}

/**
 * One socket's actor: the owner of its mailbox and outbox, and its context. The actor is made
 * in a microtask after the flow starts, once the Router has recorded the route; the socket's
 * messages wait in the mailbox meanwhile.
 */
class SocketActorCell<In, Out, Data>
  implements SocketActorContext<In, Out, Data>, MailboxOwner<In>, OutboxOwner
{
  readonly connection: Connection;
  readonly #mailbox: Mailbox<In, CloseOutcome>;
  readonly #outbox: Outbox<Out>;
  readonly #create: (context: SocketActorContext<In, Out, Data>) => SocketActor<In>;
  /** `stop` bound to this actor, made when first read (many actors never stop themselves). */
  #stop: ((code?: number, reason?: string) => void) | undefined;

  /** A bound function, not a method: `({ out, stop }) => ...` takes it apart. */
  get stop(): (code?: number, reason?: string) => void {
    return (this.#stop ??= (code = CloseCode.Normal, reason = '') => this.#stopWith(code, reason));
  }

  constructor(
    connection: Connection,
    create: (context: SocketActorContext<In, Out, Data>) => SocketActor<In>,
    settings: ActorSettings,
  ) {
    this.connection = connection;
    this.#create = create;
    this.#mailbox = new Mailbox(this, settings.mailboxSize, settings.mailboxOverflow);
    this.#outbox = new Outbox(this, settings.bufferSize, settings.overflowStrategy);
    queueMicrotask(() => this.#start());
    // The stop comes after every message that arrived before the close was handled: once closed,
    // wait for the end of the messages (told at once when they ended already). Listening to the
    // end only then keeps an idle actor to one close listener.
    connection.onClosed((outcome) => {
      this.#outbox.end(); // nothing more can be sent: `out.tell` returns false from now on
      connection.onEnd(() => this.#mailbox.finish(outcome));
    });
  }

  /** The flow the connection runs: the socket's messages into the mailbox, `out` to the writer. */
  flow(): SinkAndSourceFlow<In, Out> {
    // The outbox is an async iterator whose steps may come synchronously (the pump takes both).
    const source = this.#outbox as unknown as AsyncIterable<Out>;
    return new SinkAndSourceFlow<In, Out>((message) => this.#mailbox.post(message), source);
  }

  get out(): ActorRef<Out> {
    return this.#outbox;
  }

  get self(): ActorRef<In> {
    return this.#mailbox;
  }

  get route(): ConnectionRoute<Data> | undefined {
    return routeOf<Data>(this.connection);
  }

  #stopWith(code: number, reason: string): void {
    closePayloadLength(code, reason); // throws RangeError for what a Close cannot carry
    if (this.#mailbox.stopping) return;
    this.#mailbox.refuseMore();
    this.#outbox.end(
      code === CloseCode.Normal && reason === ''
        ? undefined
        : new ConnectionClosed({ code, reason, closedBy: 'local' }),
    );
  }

  onFailure(error: unknown): void {
    failConnection(this.connection, error); // 1011, and the server's onError
    this.#outbox.end();
  }

  onStopFailure(error: unknown): void {
    logActorError("a socket actor's onStop failed", error);
  }

  onDropped(message: In): void {
    discardMessage(message as Message);
  }

  onStopped(): void {}

  onOverflow(): void {
    this.#mailbox.refuseMore();
    this.#outbox.end();
    const limit = { name: 'bufferSize', value: this.#outbox.capacity };
    closeForCause(this.connection, CloseCode.TryAgainLater, 'outgoing buffer full', {
      kind: 'limit',
      limit,
    });
  }

  #start(): void {
    let actor: SocketActor<In>;
    try {
      actor = this.#create(this);
    } catch (error) {
      this.#mailbox.refuseMore();
      this.onFailure(error);
      // No actor: what waits is dropped, and the stop still comes once the socket closes.
      this.#mailbox.start({ onMessage: (message) => this.onDropped(message) });
      return;
    }
    this.#mailbox.start(actor);
  }
}
