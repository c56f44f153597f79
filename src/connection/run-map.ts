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

/**
 * Runs `map(fn)` on a connection, one message at a time, in order. While `fn`'s promise or a
 * send is pending, the connection's incoming queue holds the next messages (reading pauses at its
 * high-water mark); while a flush left over 8 times the transport's high-water mark buffered,
 * reading pauses until it drains, so a peer that does not read cannot grow our memory.
 */
export class MapRunner implements MessageListener {
  readonly #core: ConnectionCore;
  readonly #fn: MapFunction<Message, MessageLike>;
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
    // What fn returns (or resolves) is sent before the message counts as taken.
    this.#core.repliesWrittenWhenTaken = true;
    this.#core.writer.drainWatcher = this;
    this.#core.incoming.setListener(this);
  }

  /** MessageListener: the next message, in order; a returned promise holds the ones after it. */
  onMessage(message: Message): Promise<void> | undefined {
    if (this.#failed) {
      discardMessage(message);
      return undefined;
    }
    let out: ReturnType<MapFunction<Message, MessageLike>>;
    try {
      out = this.#fn(message);
    } catch (error) {
      this.#onError(error);
      return undefined;
    }
    if (typeof out === 'string') return this.#emit(out);
    if (isPromiseLike<MessageLike | undefined | void>(out)) return this.#await(out);
    if (out !== undefined) return this.#emit(out as MessageLike);
    return undefined;
  }

  #await(result: PromiseLike<MessageLike | undefined | void>): Promise<void> {
    return Promise.resolve(result).then(
      (value) => (value === undefined ? undefined : this.#emit(value as MessageLike)),
      (error: unknown) => this.#onError(error),
    );
  }

  #emit(value: MessageLike): Promise<void> | undefined {
    if (this.#failed || this.#core.protocol.state !== ProtocolState.Open) {
      if (typeof value === 'object' && !(value instanceof Uint8Array)) discardMessage(value);
      return undefined;
    }
    let pending: Promise<void> | undefined;
    try {
      pending = this.#core.writer.send(value);
    } catch (error) {
      this.#onError(error);
      return undefined;
    }
    return pending?.then(undefined, (error: unknown) => this.#onError(error));
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
    this.#core.onApplicationError(error);
    this.#core.incoming.discard();
  }
}
