// Connection layer: the fast path for `map` flows. The function is called straight from message
// delivery and its results go straight to the writer: no streams, and no promise per message
// while it returns plain values and the writer is idle.

import type { MapFunction } from '../flow/flow.js';
import { discardMessage } from '../message/message.js';
import type { Message, MessageLike } from '../message/message.js';
import { isPromiseLike } from '../util/thenable.js';
import { ProtocolState } from '../protocol/protocol.js';
import { PauseReason } from './pause.js';
import type { ConnectionCore } from './core.js';
import type { MessageListener } from './incoming.js';

/** Messages that may wait for a busy (async) map function before reading pauses. */
const QUEUE_HIGH_WATER_MARK = 16;

/**
 * Runs `map(fn)` on a connection, one message at a time, in order. While `fn`'s promise or a
 * send is pending, new messages queue (reading pauses at 16); while a flush left over 8 times the
 * transport's high-water mark buffered, reading pauses until it drains, so a peer that does not
 * read cannot grow our memory.
 */
export class MapRunner implements MessageListener {
  readonly #core: ConnectionCore;
  readonly #fn: MapFunction<Message, MessageLike>;
  /** Messages waiting for a busy function (made on the first one). */
  #queue: Message[] | undefined;
  #busy = false;
  #failed = false;
  #waitingForDrain = false;

  /**
   * @param core - the connection engine.
   * @param fn - the map function; its first error (or a send's) goes to the core.
   */
  constructor(core: ConnectionCore, fn: MapFunction<Message, MessageLike>) {
    this.#core = core;
    this.#fn = fn;
  }

  /** Starts taking the connection's messages. */
  start(): void {
    this.#core.writer.drainWatcher = this;
    this.#core.incoming.setListener(this);
  }

  /** MessageListener: the next message, in order. */
  onMessage(message: Message): void {
    if (this.#failed) {
      discardMessage(message);
    } else if (this.#busy) {
      const queue = (this.#queue ??= []);
      queue.push(message);
      if (queue.length >= QUEUE_HIGH_WATER_MARK) this.#core.setPaused(PauseReason.Handler, true);
    } else {
      this.#apply(message);
    }
  }

  #apply(message: Message): void {
    let out: ReturnType<MapFunction<Message, MessageLike>>;
    try {
      out = this.#fn(message);
    } catch (error) {
      this.#onError(error);
      return;
    }
    if (typeof out === 'string') this.#emit(out);
    else if (isPromiseLike<MessageLike | undefined | void>(out)) this.#await(out);
    else if (out !== undefined) this.#emit(out as MessageLike);
  }

  #await(result: PromiseLike<MessageLike | undefined | void>): void {
    this.#busy = true;
    Promise.resolve(result).then(
      (value) => {
        this.#busy = false;
        if (value !== undefined) this.#emit(value as MessageLike);
        this.#drain();
      },
      (error: unknown) => this.#onError(error),
    );
  }

  #emit(value: MessageLike): void {
    if (this.#failed || this.#core.protocol.state !== ProtocolState.Open) {
      if (typeof value === 'object' && !(value instanceof Uint8Array)) discardMessage(value);
      return;
    }
    let pending: Promise<void> | undefined;
    try {
      pending = this.#core.writer.send(value);
    } catch (error) {
      this.#onError(error);
      return;
    }
    if (pending === undefined) return;
    this.#busy = true;
    pending.then(
      () => {
        this.#busy = false;
        this.#drain();
      },
      (error: unknown) => this.#onError(error),
    );
  }

  #drain(): void {
    const queue = this.#queue;
    if (queue === undefined) return;
    // An index, not shift(): a backlog of a whole read's messages drains in linear time.
    let next = 0;
    while (!this.#busy && !this.#failed && next < queue.length) this.#apply(queue[next++]);
    queue.splice(0, next);
    if (queue.length < QUEUE_HIGH_WATER_MARK) this.#core.setPaused(PauseReason.Handler, false);
  }

  /** The writer's drain watcher: too much output is buffered; stop reading until it drains. */
  onNeedDrain(): void {
    const drained = this.#core.writer.ready();
    if (drained === undefined || this.#waitingForDrain) return;
    this.#waitingForDrain = true;
    this.#core.setPaused(PauseReason.Write, true);
    void drained.then(() => {
      this.#waitingForDrain = false;
      this.#core.setPaused(PauseReason.Write, false);
    });
  }

  #onError(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    for (const message of this.#queue?.splice(0) ?? []) discardMessage(message);
    this.#core.setPaused(PauseReason.Handler, false);
    this.#core.onApplicationError(error);
  }
}
