// Client layer: Akka's webSocketClientFlow — the connection as a flow to put in a pipeline
// (`source.pipeThrough(flow)`), connecting when first used, usable once, with its upgrade response.

import type { ReadableWritablePair } from '../message/streams.js';
import type { Connection } from '../connection/connection.js';
import { InvalidStateError } from '../errors.js';
import type { Message, MessageLike } from '../message/message.js';
import type { CloseOutcome } from '../protocol/events.js';
import { requestUpgrade } from './connect.js';
import type { ClientOptions, UpgradeResult } from './connect.js';
import { resolveRequest } from './request.js';
import type { WebSocketRequest } from './request.js';
import type { WebSocketUpgradeResponse } from './response.js';
import { handled } from './single-request.js';

/**
 * A client connection as a flow: write messages to send into `writable`, read received ones from
 * `readable`. Nothing connects until a message is written or read (Akka's materialization). It
 * connects once: using it again throws InvalidStateError; ask for a new flow per connection.
 * Closing `writable` starts the close handshake (1000); aborting it closes with 1011.
 */
export class WebSocketClientFlow implements ReadableWritablePair<Message, MessageLike> {
  /** Resolves with the server's answer once connected or refused; rejects on network failure. */
  readonly upgradeResponse: Promise<WebSocketUpgradeResponse>;
  /** Resolves with how the connection ended; rejects with the HandshakeError if it never opened. */
  readonly closed: Promise<CloseOutcome>;
  readonly #open: () => Promise<UpgradeResult>;
  readonly #readable: ReadableStream<Message>;
  readonly #writable: WritableStream<MessageLike>;
  readonly #settle: { upgrade(result: Promise<UpgradeResult>): void };
  #connecting: Promise<Connection> | undefined;
  #reader: ReadableStreamDefaultReader<Message> | undefined;
  #writer: WritableStreamDefaultWriter<MessageLike> | undefined;
  #finished = false;

  /**
   * @param open - Runs the handshake; called once, when the flow is first used.
   */
  constructor(open: () => Promise<UpgradeResult>) {
    this.#open = open;
    let settleUpgrade!: (result: Promise<UpgradeResult>) => void;
    const upgrade = new Promise<UpgradeResult>((resolve) => (settleUpgrade = resolve));
    this.#settle = { upgrade: settleUpgrade };
    this.upgradeResponse = handled(upgrade.then((result) => result.response));
    this.closed = handled(
      upgrade.then((result) => {
        if (result.connection === undefined) throw result.response.cause;
        return result.connection.closed;
      }),
    );
    void this.closed.then(this.#markFinished, this.#markFinished);
    this.#readable = new ReadableStream<Message>(
      { pull: (controller) => this.#pull(controller), cancel: (reason) => this.#cancel(reason) },
      { highWaterMark: 0 },
    );
    this.#writable = new WritableStream<MessageLike>({
      write: async (message) => (await this.#outgoing()).write(message),
      close: () => this.#close(),
      abort: (reason) => this.#abort(reason),
    });
  }

  /**
   * The received messages.
   *
   * @throws {InvalidStateError} When the flow was already used (its stream is in a pipe, or the
   *   connection it made has ended).
   */
  get readable(): ReadableStream<Message> {
    return this.#use(this.#readable, 'readable');
  }

  /**
   * The messages to send.
   *
   * @throws {InvalidStateError} When the flow was already used.
   */
  get writable(): WritableStream<MessageLike> {
    return this.#use(this.#writable, 'writable');
  }

  #use<S extends ReadableStream<Message> | WritableStream<MessageLike>>(
    stream: S,
    side: string,
  ): S {
    if (stream.locked || this.#finished) {
      throw new InvalidStateError(
        `this WebSocket client flow was already used (its ${side} side is taken or done): ` +
          'a flow connects once, call webSocketClientFlow(request) again for a new connection',
      );
    }
    return stream;
  }

  readonly #markFinished = (): void => {
    this.#finished = true;
  };

  /** Connects (once): the handshake, then the connection or the handshake's error. */
  #connection(): Promise<Connection> {
    if (this.#connecting === undefined) {
      const upgrade = this.#open();
      this.#settle.upgrade(upgrade);
      this.#connecting = upgrade.then((result) => {
        if (result.connection === undefined) throw result.response.cause;
        return result.connection;
      });
    }
    return this.#connecting;
  }

  async #pull(controller: ReadableStreamDefaultController<Message>): Promise<void> {
    this.#reader ??= (await this.#connection()).incoming.getReader();
    const step = await this.#reader.read();
    if (step.done) controller.close();
    else controller.enqueue(step.value);
  }

  async #cancel(reason: unknown): Promise<void> {
    if (this.#connecting === undefined) return;
    const connection = await this.#connection();
    await (this.#reader ?? connection.incoming).cancel(reason);
  }

  async #outgoing(): Promise<WritableStreamDefaultWriter<MessageLike>> {
    this.#writer ??= (await this.#connection()).outgoing.getWriter();
    return this.#writer;
  }

  /** The source completed: close handshake (1000). Unread incoming is dropped so Close gets in. */
  async #close(): Promise<void> {
    const writer = await this.#outgoing();
    const connection = await this.#connection();
    if (this.#reader === undefined && !connection.incoming.locked) {
      void connection.incoming.cancel();
    }
    await writer.close();
  }

  async #abort(reason: unknown): Promise<void> {
    if (this.#connecting === undefined) return;
    await (await this.#outgoing()).abort(reason);
  }
}

/**
 * A flow that connects to `request` when first used (Akka's `Http().webSocketClientFlow`): put it
 * in a pipeline between a source of messages to send and a sink of received ones. It can be used
 * only once; call this again for each connection.
 *
 * @param request - The request, or just its URL.
 * @param options - Connection options and the refusal body bound.
 * @returns The flow; `upgradeResponse` is its materialized value.
 * @throws {TypeError} For a request that does not check (bad URL, header, subprotocol).
 * @example
 * const flow = webSocketClientFlow('ws://127.0.0.1:8080/echo');
 * const done = concat(['hello']).pipeThrough(flow).pipeTo(new WritableStream({
 *   write: (message) => console.log(message.isText && message.isStrict ? message.text : '<other>'),
 * }));
 * const response = await flow.upgradeResponse;
 * if (response.valid) console.log('connected', response.chosenSubprotocol);
 */
export function webSocketClientFlow(
  request: WebSocketRequest | string | URL,
  options: ClientOptions = {},
): WebSocketClientFlow {
  const resolved = resolveRequest(request);
  return new WebSocketClientFlow(() => requestUpgrade(resolved, options));
}
