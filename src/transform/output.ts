// Transform layer: the outgoing side of a transformed function flow or pair. It pulls the flow's
// values and encodes them, and lets two things in between: answers to invalid messages (sent in
// their turn) and a decoding failure (which ends the output with its error, so the connection
// closes with its code even when the flow goes on).

import type { MessageLike } from '../message/message.js';
import { openIterator } from '../message/streams.js';
import type { StreamSource } from '../message/streams.js';
import { isPromiseLike } from '../util/thenable.js';

const DONE: IteratorResult<MessageLike> = Object.freeze({ done: true, value: undefined });
const WOKEN = Symbol('woken');
const ignore = (): void => undefined;

/**
 * The encoded output of a flow, with answers and a failure merged in: an async iterable for the
 * connection's writer (which pulls it one message at a time). `undefined` values are skipped.
 */
export class TransformedOutput<Out> implements AsyncIterableIterator<MessageLike> {
  #source: StreamSource<Out> | undefined;
  readonly #encode: (value: Out) => MessageLike;
  #iterator: AsyncIterator<Out> | Iterator<Out> | undefined;
  /** The source's step being waited for, kept across wake-ups so no value is lost. */
  #pending: Promise<IteratorResult<Out>> | undefined;
  #answers: MessageLike[] = [];
  #failure: { error: unknown } | undefined;
  #sourceDone = false;
  #signal: Promise<typeof WOKEN> | undefined;
  #wake: (() => void) | undefined;

  /** @param encode - one value to a message. */
  constructor(encode: (value: Out) => MessageLike) {
    this.#encode = encode;
  }

  /**
   * Sets what to pull (before the first `next()`): the flow may be made after this output, since
   * its input sends answers here.
   *
   * @param source - the flow's output: an async iterable, an iterable or a ReadableStream.
   * @returns this.
   */
  readFrom(source: StreamSource<Out>): this {
    this.#source = source;
    return this;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Sends `reply` before the flow's next value (nothing for undefined).
   *
   * @param reply - an encoded answer.
   */
  answer(reply: MessageLike | undefined): void {
    if (reply === undefined) return;
    this.#answers.push(reply);
    this.#wakeUp();
  }

  /**
   * Ends the output with `error`, after the answers already waiting.
   *
   * @param error - why (a decoding failure: its close code closes the connection).
   */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.#wakeUp();
  }

  async next(): Promise<IteratorResult<MessageLike>> {
    for (;;) {
      if (this.#answers.length > 0) return { done: false, value: this.#answers.shift()! };
      if (this.#failure !== undefined) {
        this.#stopSource();
        throw this.#failure.error;
      }
      if (this.#sourceDone) return DONE;
      const step = await this.#nextStep();
      if (step === WOKEN) continue;
      if (step.done === true) this.#sourceDone = true;
      else if (step.value !== undefined) return { done: false, value: this.#encode(step.value) };
    }
  }

  async return(): Promise<IteratorResult<MessageLike>> {
    this.#stopSource();
    return DONE;
  }

  /** The source's next step, or WOKEN when an answer or a failure came first. */
  #nextStep(): IteratorResult<Out> | Promise<IteratorResult<Out> | typeof WOKEN> {
    let pending = this.#pending;
    if (pending === undefined) {
      const source = this.#source as StreamSource<Out>;
      const result = (this.#iterator ??= openIterator(source)).next();
      if (!isPromiseLike<IteratorResult<Out>>(result)) return result;
      pending = this.#pending = Promise.resolve(result);
      pending.catch(ignore); // awaited below; a failure may end the output before it settles
    }
    const signal = (this.#signal ??= new Promise((resolve) => {
      this.#wake = () => resolve(WOKEN);
    }));
    return Promise.race([pending, signal]).then((step) => {
      if (step !== WOKEN) this.#pending = undefined;
      return step;
    });
  }

  #wakeUp(): void {
    const wake = this.#wake;
    if (wake === undefined) return;
    this.#wake = undefined;
    this.#signal = undefined;
    wake();
  }

  /** Stops the flow's output (its generator's `finally` blocks run). */
  #stopSource(): void {
    this.#sourceDone = true;
    const iterator = this.#iterator;
    if (iterator?.return === undefined) return;
    Promise.resolve()
      .then(() => iterator.return?.())
      .catch(ignore);
  }
}
