// Client layer: a message sent fragment by fragment by hand (sttp's `send(frame, isContinuation)`),
// carried as a Streamed message whose chunks are the fragments, so order and backpressure hold.

import type { Connection } from '../connection/connection.js';
import { BinaryMessage, TextMessage } from '../message/message.js';
import type { Message, MessageLike } from '../message/message.js';

interface Fragment {
  readonly payload: string | Uint8Array;
  readonly last: boolean;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One message being sent in fragments. Each fragment becomes a frame when the connection's
 * writer takes it, after every message sent before; its `push` settles then. The final fragment
 * is followed by an empty final frame (how Streamed messages end).
 */
export class FragmentedMessage {
  /** The kind of the message, from its first fragment. */
  readonly kind: 'text' | 'binary';
  /** Settles when the whole message was sent, or rejects when the connection closed first. */
  readonly done: Promise<void>;
  /** Settles when the first fragment was taken by the writer. */
  readonly first: Promise<void>;
  readonly #waiting: Fragment[] = [];
  #controller!: ReadableStreamDefaultController<string | Uint8Array>;
  #pulling = false;
  #failure: unknown;

  /**
   * Starts the message and sends its first fragment.
   *
   * @param connection - Where the message goes.
   * @param first - The first fragment: text (a string or Strict TextMessage) or binary.
   * @throws {TypeError} For a Streamed message or a value that is not a message.
   */
  constructor(connection: Connection, first: MessageLike) {
    this.kind = kindOf(first);
    payloadOf(first, this.kind); // Throws before anything is sent.
    const stream = new ReadableStream<string | Uint8Array>(
      { start: (c) => void (this.#controller = c), pull: () => this.#pull() },
      { highWaterMark: 0 },
    );
    const message =
      this.kind === 'text'
        ? TextMessage.streamed(stream as ReadableStream<string>)
        : BinaryMessage.streamed(stream as ReadableStream<Uint8Array>);
    this.first = this.push(first, false);
    this.done = connection.send(message);
    this.done.catch((error: unknown) => this.#fail(error));
  }

  /**
   * Queues the next fragment.
   *
   * @param frame - The fragment, of the message's kind.
   * @param last - True for the final fragment.
   * @returns Settles when the writer took it (the final one: when the message was sent).
   * @throws {TypeError} (synchronously) For a fragment of the other kind or a Streamed message;
   *   the message stays open.
   */
  push(frame: MessageLike, last: boolean): Promise<void> {
    const payload = payloadOf(frame, this.kind);
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const taken = new Promise<void>((resolve, reject) => {
      this.#waiting.push({ payload, last, resolve, reject });
    });
    if (this.#pulling) this.#pull();
    return last ? taken.then(() => this.done) : taken;
  }

  #pull(): void {
    const next = this.#waiting.shift();
    this.#pulling = next === undefined;
    if (next === undefined) return;
    this.#controller.enqueue(next.payload);
    if (next.last) this.#controller.close();
    next.resolve();
  }

  #fail(error: unknown): void {
    this.#failure = error;
    for (const fragment of this.#waiting.splice(0)) fragment.reject(error);
  }
}

/** 'text' for strings and TextMessages, 'binary' for bytes and BinaryMessages. */
function kindOf(frame: MessageLike): 'text' | 'binary' {
  if (typeof frame === 'string' || frame instanceof TextMessage) return 'text';
  if (frame instanceof Uint8Array || frame instanceof BinaryMessage) return 'binary';
  throw new TypeError('a fragment is a string, a Uint8Array or a Strict message');
}

/** The payload of a fragment, which must be of the message's kind and Strict. */
function payloadOf(frame: MessageLike, kind: 'text' | 'binary'): string | Uint8Array {
  if (kindOf(frame) !== kind) {
    throw new TypeError(`a continuation of a ${kind} message must be ${kind} too`);
  }
  if (typeof frame === 'string' || frame instanceof Uint8Array) return frame;
  const message = frame as Message; // kindOf refused Pings and Pongs
  if (!message.isStrict) throw new TypeError('a fragment must be Strict, not a Streamed message');
  return message.isText ? message.text : message.data;
}
