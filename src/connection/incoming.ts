// Connection layer: where received messages wait for the application — handed to a listener (the
// fast path) or queued for the `incoming` ReadableStream, with a bound that pauses reading.

import { discardMessage } from '../message/message.js';
import type { Message } from '../message/message.js';

/** A synchronous consumer of received messages (an object, so it costs no closure). */
export interface MessageListener {
  onMessage(message: Message): void;
}

/** What the queue needs from its owner (the connection). */
export interface IncomingOwner {
  /** Pause (true) or resume (false) reading the transport. */
  setIncomingPaused(paused: boolean): void;
}

/**
 * A bounded queue of received messages in front of one consumer: a listener called synchronously,
 * or a pull-based ReadableStream made on first use. While `highWaterMark` messages wait, it asks
 * its owner to stop reading the transport. Once the stream is cancelled, messages are dropped
 * (Streamed bodies cancelled, so their parts are skipped).
 */
export class IncomingQueue {
  readonly #owner: IncomingOwner;
  readonly #highWaterMark: number;
  /** Messages waiting for the consumer (made on the first one). */
  #queue: Message[] | undefined;
  #listener: MessageListener | undefined;
  #stream: ReadableStream<Message> | undefined;
  #controller: ReadableStreamDefaultController<Message> | undefined;
  #waiting = false;
  #discarding = false;
  #paused = false;
  #end: { error: unknown } | undefined;

  /**
   * @param owner - pauses and resumes reading.
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
        pull: () => this.#pull(),
        cancel: () => this.#cancel(),
      },
      { highWaterMark: 0 },
    ));
  }

  /** True once a consumer was chosen: a listener, or a locked stream. */
  get consumed(): boolean {
    return this.#listener !== undefined || this.#stream?.locked === true;
  }

  /**
   * Delivers every message to `listener` from now on, after those already waiting.
   *
   * @param listener - its `onMessage` is called synchronously per message; must not throw.
   */
  setListener(listener: MessageListener): void {
    this.#listener = listener;
    const queue = this.#queue;
    while (queue !== undefined && queue.length > 0 && this.#listener === listener) {
      listener.onMessage(queue.shift() as Message);
    }
    this.#updatePaused();
  }

  /** A received message. */
  push(message: Message): void {
    if (this.#discarding || this.#end !== undefined) {
      discardMessage(message);
    } else if (this.#listener !== undefined) {
      this.#listener.onMessage(message);
    } else if (this.#waiting) {
      this.#waiting = false;
      (this.#controller as ReadableStreamDefaultController<Message>).enqueue(message);
    } else {
      const queue = (this.#queue ??= []);
      queue.push(message);
      if (queue.length >= this.#highWaterMark) this.#updatePaused();
    }
  }

  /**
   * No more messages: the stream ends after those waiting, cleanly or with `error`.
   *
   * @param error - what the reader sees after the last message; `undefined` for a clean end.
   */
  end(error?: unknown): void {
    if (this.#end !== undefined) return;
    this.#end = { error };
    if (this.#waiting || this.#waitingCount() === 0) this.#finishStream();
  }

  /** Stops delivering: waiting and later messages are dropped; reading resumes. */
  discard(): void {
    this.#discarding = true;
    for (const message of this.#queue?.splice(0) ?? []) discardMessage(message);
    this.#updatePaused();
  }

  #pull(): void {
    const next = this.#queue?.shift();
    if (next !== undefined) {
      (this.#controller as ReadableStreamDefaultController<Message>).enqueue(next);
      this.#updatePaused();
    } else if (this.#end !== undefined) {
      this.#finishStream();
    } else {
      this.#waiting = true;
    }
  }

  #cancel(): void {
    this.#waiting = false;
    this.discard();
  }

  #finishStream(): void {
    const controller = this.#controller;
    const end = this.#end;
    if (controller === undefined || end === undefined || this.#discarding) return;
    this.#waiting = false;
    this.#discarding = true;
    if (end.error === undefined) controller.close();
    else controller.error(end.error);
  }

  #waitingCount(): number {
    return this.#queue?.length ?? 0;
  }

  #updatePaused(): void {
    const paused =
      !this.#discarding &&
      this.#listener === undefined &&
      this.#waitingCount() >= this.#highWaterMark;
    if (paused === this.#paused) return;
    this.#paused = paused;
    this.#owner.setIncomingPaused(paused);
  }
}
