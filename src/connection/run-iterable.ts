// Connection layer: flows as async iterables, without WHATWG streams. The incoming side is the
// connection's queue as an async iterator; the outgoing side is pulled straight into the writer,
// one message at a time, waiting only when the transport is full.

import { CloseCode } from '../codec/close-code.js';
import type { MessageLike } from '../message/message.js';
import { openIterator } from '../message/streams.js';
import type { StreamSource } from '../message/streams.js';
import { isPromiseLike } from '../util/thenable.js';
import type { ConnectionCore } from './core.js';

type Output = AsyncIterator<MessageLike> | Iterator<MessageLike>;

/**
 * Runs a function flow (typically an async generator): it reads the connection's messages as an
 * async iterable and its output goes to the writer; when the output ends the connection closes
 * with 1000, when it throws with 1011 (or the error's own sendable code).
 *
 * @param core - the connection engine.
 * @param flow - the function of the incoming messages.
 */
export function runIterableFlow(
  core: ConnectionCore,
  flow: (incoming: AsyncIterable<never>) => StreamSource<MessageLike>,
): void {
  let output: StreamSource<MessageLike>;
  try {
    output = flow(core.incoming.iterable() as AsyncIterable<never>);
  } catch (error) {
    core.onApplicationError(error);
    return;
  }
  pumpOutput(core, output);
}

/**
 * Sends everything `source` yields, in order, and closes with 1000 after its end: the outgoing
 * side of a function flow or of `fromSinkAndSource`. Replies produced in one turn leave in one
 * write (the writer flushes once per tick); past 8 transport high-water marks of buffered output
 * it stops pulling until the transport drains.
 *
 * @param core - the connection engine.
 * @param source - an async iterable, an iterable or a ReadableStream.
 */
export function pumpOutput(core: ConnectionCore, source: StreamSource<MessageLike>): void {
  let iterator: Output;
  try {
    iterator = openIterator(source);
  } catch (error) {
    core.onApplicationError(error);
    return;
  }
  new OutputPump(core, iterator).pull();
}

/**
 * Pulls an iterator into the writer. Its callbacks are made once per connection, not per
 * message: each step costs the iterator's own promise and one reaction, no async function frame.
 */
class OutputPump {
  readonly #core: ConnectionCore;
  readonly #iterator: Output;
  readonly #onStep = (step: IteratorResult<MessageLike>): void => {
    if (this.#take(step)) this.pull();
  };
  readonly #onError = (error: unknown): void => this.#fail(error);
  /** Made when the transport first fills up (many connections never do). */
  #onReady: (() => void) | undefined;

  constructor(core: ConnectionCore, iterator: Output) {
    this.#core = core;
    this.#iterator = iterator;
  }

  /** Asks for the next message; a synchronous iterator's are taken in a loop. */
  pull(): void {
    for (;;) {
      let step: IteratorResult<MessageLike> | Promise<IteratorResult<MessageLike>>;
      try {
        step = this.#iterator.next();
      } catch (error) {
        this.#fail(error);
        return;
      }
      if (isPromiseLike<IteratorResult<MessageLike>>(step)) {
        step.then(this.#onStep, this.#onError);
        return;
      }
      if (!this.#take(step)) return;
    }
  }

  /** Sends one step's message; true to pull the next now, false when done or waiting. */
  #take(step: IteratorResult<MessageLike>): boolean {
    const core = this.#core;
    if (step.done === true) {
      core.close(CloseCode.Normal, '');
      // The output is done: if nothing reads the incoming side, drop it so the peer's Close gets through.
      if (!core.incoming.consumed) core.incoming.discard();
      return false;
    }
    let ready: Promise<void> | undefined;
    try {
      ready = core.writer.send(step.value) ?? core.writer.readyForMore();
    } catch (error) {
      this.#fail(error);
      return false;
    }
    if (ready === undefined) return true;
    ready.then((this.#onReady ??= () => this.pull()), this.#onError);
    return false;
  }

  #fail(error: unknown): void {
    this.#core.onApplicationError(error);
    // Stops a generator still running (after a failed send), so its `finally` blocks run.
    const iterator = this.#iterator;
    void Promise.resolve()
      .then(() => iterator.return?.())
      .catch(() => undefined);
  }
}
