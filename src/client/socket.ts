// Client layer: sttp's high-level WebSocket — receive() and send() on an open socket, fragments by
// hand, pings, close, the response headers and async iteration, over one client Connection.

import { CloseCode, isOkCloseCode } from '../codec/close-code.js';
import type { Connection } from '../connection/connection.js';
import { ConnectionClosed, TimeoutError } from '../errors.js';
import { BinaryMessage, TextMessage, discardMessage } from '../message/message.js';
import type { Message, MessageLike } from '../message/message.js';
import type { CloseOutcome } from '../protocol/events.js';
import { ProtocolState } from '../protocol/protocol.js';
import type { ClientOptions } from './connect.js';
import { FragmentedMessage } from './fragments.js';
import { outOfSequence } from '../protocol/sender.js';
import type { ResponseHeaders, ValidUpgrade } from './response.js';
import { ClientCloseEvent, ClientPingEvent } from './client-events.js';
import { SocketInbox } from './socket-inbox.js';
import type { InboxEvent } from './socket-inbox.js';
import {
  BinaryReceive,
  EventReceive,
  TextReceive,
  collectBinary,
  collectText,
} from './socket-receive.js';
import type { ReceiveHost } from './socket-receive.js';

/** Options of {@link openWebSocket}. */
export interface SocketOptions extends ClientOptions {
  /**
   * How many received messages (and, with auto-pong off, pings) the socket may hold for
   * receive(). Past it the socket fails with WebSocketBufferFull and closes with 1008. Default:
   * no bound — once `incomingHighWaterMark` messages wait here, reading pauses (after at most 16
   * more), so the server is slowed down instead.
   */
  bufferCapacity?: number;
}

/** How {@link WebSocketClient.send} frames a message (sttp's `finalFragment` and `isContinuation`). */
export interface SendOptions {
  /** False when more fragments of this message follow. Default true. */
  fin?: boolean;
  /** True for a fragment after the first. Default false. */
  continuation?: boolean;
}

/**
 * An open client WebSocket with sttp's high-level interface. `Extra` is `ClientPingEvent` when
 * auto-pong is off: receive() then hands pings out too, to be answered with {@link pong}.
 *
 * @example
 * const socket = await openWebSocket('ws://127.0.0.1:8080/echo');
 * await socket.send('Hello!');
 * console.log(await socket.receiveText());
 * await socket.close();
 */
export class WebSocketClient<Extra = never> implements AsyncIterable<Message | Extra> {
  /** The server's 101 response: headers, chosen subprotocol, extensions. */
  readonly response: ValidUpgrade;
  readonly #connection: Connection;
  readonly #inbox: SocketInbox;
  #fragment: FragmentedMessage | undefined;
  #unread: Message | undefined;
  /** What a waiting receive() needs from this socket (one object, shared by all of them). */
  readonly #host: ReceiveHost = {
    answer: (ping) => this.#answer(ping),
    track: (message) => (this.#unread = message),
  };

  /**
   * Wraps an open client connection; {@link openWebSocket} makes it before any input is read.
   *
   * @param connection - A client Connection; its incoming stream is taken over.
   * @param response - The upgrade response it was opened with.
   * @param options - `bufferCapacity`, and `autoPong` (false to receive pings).
   * @throws {RangeError} When `bufferCapacity` is not a positive integer.
   */
  constructor(connection: Connection, response: ValidUpgrade, options: SocketOptions = {}) {
    this.response = response;
    this.#connection = connection;
    this.#inbox = new SocketInbox(connection, {
      capacity: options.bufferCapacity,
      pings: options.autoPong === false,
      highWaterMark: options.incomingHighWaterMark,
    });
  }

  /** The response headers of the opening handshake (sttp's `WebSocketResponse.headers`). */
  get headers(): ResponseHeaders {
    return this.response.headers;
  }

  /** The subprotocol the server chose, or undefined. */
  get subprotocol(): string | undefined {
    return this.response.chosenSubprotocol;
  }

  /** True until a Close was sent or received (sttp's `isOpen`). */
  get isOpen(): boolean {
    return this.#connection.state === ProtocolState.Open;
  }

  /** Settles with how the connection ended, once it is closed. Never rejects. */
  get closed(): Promise<CloseOutcome> {
    return this.#connection.closed;
  }

  /**
   * The round-trip time of the latest Ping answered (sent by {@link WebSocketClient.ping} or by
   * the `keepAlive` option), in milliseconds; undefined until one is answered. See
   * `Connection.lastPingRttMs`.
   *
   * @example
   * ```ts
   * const socket = await openWebSocket('ws://127.0.0.1:8080', { keepAlive: { maxIdleMs: 20_000 } });
   * // ... later:
   * console.log(`ping ${socket.lastPingRttMs ?? '-'} ms`);
   * ```
   */
  get lastPingRttMs(): number | undefined {
    return this.#connection.lastPingRttMs;
  }

  /**
   * The next message, in order, or once the connection is closed, a {@link ClientCloseEvent} with
   * the code and reason. A message over `aggregateMessageBytes` (1 MiB by default) that did not
   * arrive whole in one read is Streamed: start reading its stream before the next receive(),
   * which otherwise drops its body.
   *
   * A receive() given up on through `options` (its time ran out, its signal aborted) takes
   * nothing: the next message goes to the next receive(). One abandoned otherwise (a lost
   * `Promise.race` without a signal) still takes the next message when it comes.
   *
   * @param options - `timeoutMs` and `signal` bound the wait; see {@link ReceiveOptions}.
   * @returns The next event; a ClientPingEvent too when auto-pong is off.
   * @throws {ConnectionClosed} (rejects) When called again after the close event.
   * @throws {WebSocketBufferFull} (rejects) Once a bounded buffer overflowed.
   * @throws {TimeoutError} (rejects) When `timeoutMs` passed first.
   * @throws the signal's reason (rejects) When `signal` aborted first.
   * @example
   * const event = await socket.receive({ timeoutMs: 5000 });
   * if (event instanceof ClientCloseEvent) console.log('closed', event.code, event.reason);
   */
  receive(options?: ReceiveOptions): Promise<Message | ClientCloseEvent | Extra> {
    const event = this.#poll();
    if (event !== undefined) return Promise.resolve(event as Message | Extra);
    const waiting = new EventReceive(this.#host);
    this.#wait(waiting, options);
    return waiting.promise as Promise<Message | ClientCloseEvent | Extra>;
  }

  /**
   * The next text message, whole; binary messages before it are skipped, pings answered.
   *
   * @param options - `timeoutMs` and `signal` bound the wait for it (as with receive()).
   * @returns Its text (a Streamed one is collected, within `maxMessageBytes`).
   * @throws {ConnectionClosed} (rejects) When the connection closes first.
   * @throws {WebSocketBufferFull} (rejects) Once a bounded buffer overflowed.
   */
  receiveText(options?: ReceiveOptions): Promise<string> {
    const message = this.#pollKind(true);
    if (message !== undefined) {
      return message.isStrict ? Promise.resolve(message.text) : collectText(message.textStream);
    }
    const waiting = new TextReceive(this.#host);
    this.#wait(waiting, options);
    return waiting.promise;
  }

  /**
   * The next binary message, whole; text messages before it are skipped, pings answered.
   *
   * @param options - `timeoutMs` and `signal` bound the wait for it (as with receive()).
   * @returns Its bytes (a Streamed one is collected, within `maxMessageBytes`).
   * @throws {ConnectionClosed} (rejects) When the connection closes first.
   * @throws {WebSocketBufferFull} (rejects) Once a bounded buffer overflowed.
   */
  receiveBinary(options?: ReceiveOptions): Promise<Uint8Array> {
    const message = this.#pollKind(false);
    if (message !== undefined) {
      return message.isStrict ? Promise.resolve(message.data) : collectBinary(message.dataStream);
    }
    const waiting = new BinaryReceive(this.#host);
    this.#wait(waiting, options);
    return waiting.promise;
  }

  /**
   * Sends a message, or one fragment of a message sent by hand: the first with `fin: false`,
   * then `continuation: true`, the last with `fin: true` (RFC 6455 section 5.4).
   *
   * @param frame - A string (text), a Uint8Array (binary) or a Message; fragments must be Strict.
   * @param options - `fin` and `continuation`.
   * @returns Settles when the frame was handed to the transport (the last fragment: the message).
   * @throws {ProtocolError} (rejects) `WSFLOW_ERR_SEND_OUT_OF_SEQUENCE` for a continuation with no
   *   message open, or a new message while one is open; nothing is sent.
   * @throws {InvalidStateError | ConnectionClosed} (rejects) After Close.
   * @example
   * await socket.send('Hel', { fin: false });
   * await socket.send('lo', { continuation: true });
   */
  send(frame: MessageLike, options?: SendOptions): Promise<void> {
    // A whole message with nothing open: straight to the connection.
    if (options === undefined && this.#fragment === undefined) return this.#connection.send(frame);
    const { fin = true, continuation = false } = options ?? {};
    try {
      if (continuation) return this.#continue(frame, fin);
      if (this.#fragment !== undefined) {
        throw outOfSequence('a fragmented message is open: send its continuations first');
      }
      if (fin) return this.#connection.send(frame);
      const fragment = new FragmentedMessage(this.#connection, frame);
      this.#fragment = fragment;
      fragment.done.then(
        () => this.#endFragment(fragment),
        () => this.#endFragment(fragment),
      );
      return fragment.first;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Sends a Ping; the Pong comes back to the connection (auto-pong answers the server's pings),
   * which times it: {@link WebSocketClient.lastPingRttMs}.
   *
   * @param payload - At most 125 bytes.
   * @throws {RangeError} For a longer payload. @throws {InvalidStateError} After Close.
   */
  ping(payload?: Uint8Array | string): void {
    this.#connection.ping(payload);
  }

  /**
   * Sends a Pong: the answer to a {@link ClientPingEvent} when auto-pong is off.
   *
   * @param payload - The Ping's payload, at most 125 bytes.
   * @throws {RangeError} For a longer payload. @throws {InvalidStateError} After Close.
   */
  pong(payload?: Uint8Array | string): void {
    this.#connection.pong(payload);
  }

  /**
   * Closes: sends a Close and waits for the server's (or the close timeout). Messages not yet
   * received are dropped; receive() then returns the close event. Idempotent.
   *
   * @param code - A sendable close code; default 1000.
   * @param reason - At most 123 bytes of UTF-8.
   * @returns How the connection ended.
   * @throws {RangeError} (synchronously) For a code that may not be sent or a long reason.
   */
  close(code: number = CloseCode.Normal, reason = ''): Promise<CloseOutcome> {
    if (this.#connection.state !== ProtocolState.Open) return this.#connection.closed;
    const closed = this.#connection.close(code, reason);
    this.#inbox.stop();
    return closed;
  }

  /**
   * The received messages (and pings, when auto-pong is off) until the connection closes; ends
   * after a clean 1000, 1001 or 1005 close, throws ConnectionClosed after any other.
   *
   * @returns An iterator; breaking out of the loop leaves the socket open.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Message | Extra> {
    while (true) {
      const event = await this.receive();
      if (!(event instanceof ClientCloseEvent)) {
        yield event;
        continue;
      }
      if (event.wasClean && isOkCloseCode(event.code)) return;
      throw new ConnectionClosed(event);
    }
  }

  /**
   * The next event at hand, without a promise (receive()'s fast path), or undefined: also while
   * an earlier receive() waits, so that none overtakes another. A Streamed message handed out
   * before and not being read is dropped first: its unread body would otherwise stall the
   * connection for good.
   */
  #poll(): Message | ClientPingEvent | undefined {
    this.#dropUnread();
    return this.#track(this.#inbox.poll());
  }

  /** Lines a receive() up for the inbox, when nothing is at hand (or behind earlier ones). */
  #wait(waiting: EventReceive | TextReceive | BinaryReceive, options?: ReceiveOptions): void {
    this.#dropUnread();
    this.#inbox.wait(waiting, giveUpOn(options));
  }

  #dropUnread(): void {
    if (this.#unread === undefined) return;
    discardMessage(this.#unread);
    this.#unread = undefined;
  }

  /** Remembers a Streamed message handed out, to drop its body if the next receive() comes first. */
  #track<E extends InboxEvent | undefined>(event: E): E {
    if (event instanceof TextMessage || event instanceof BinaryMessage) {
      if (!event.isStrict) this.#unread = event;
    }
    return event;
  }

  /** Skips the events at hand (pings answered, the other kind dropped) up to a message of a kind. */
  #pollKind<T extends boolean>(text: T): MessageOfKind<T> | undefined {
    for (let event = this.#poll(); event !== undefined; event = this.#poll()) {
      if (event instanceof ClientPingEvent) this.#answer(event);
      else if (event.isText === text) return event as MessageOfKind<T>;
      else discardMessage(event);
    }
    return undefined;
  }

  #answer(ping: ClientPingEvent): void {
    if (this.isOpen) this.#connection.pong(ping.payload);
  }

  #continue(frame: MessageLike, fin: boolean): Promise<void> {
    const fragment = this.#fragment;
    if (fragment === undefined) {
      throw outOfSequence('no fragmented message is open: start one with { fin: false }');
    }
    const sent = fragment.push(frame, fin);
    if (fin) this.#fragment = undefined;
    return sent;
  }

  #endFragment(fragment: FragmentedMessage): void {
    if (this.#fragment === fragment) this.#fragment = undefined;
  }
}

/** A text message for `true`, a binary one for `false`. */
type MessageOfKind<T extends boolean> = T extends true ? TextMessage : BinaryMessage;

/** Options of {@link WebSocketClient.receive}: how long to wait at most. */
export interface ReceiveOptions {
  /** Give up after this many milliseconds: rejects with a TimeoutError. */
  timeoutMs?: number;
  /** Give up when it aborts: rejects with its reason. */
  signal?: AbortSignal;
}

/** How the inbox gives up on a waiter, from receive()'s options; undefined without any. */
function giveUpOn(
  options: ReceiveOptions | undefined,
): ((giveUp: (error: unknown) => void) => (() => void) | undefined) | undefined {
  if (options === undefined) return undefined;
  const { timeoutMs, signal } = options;
  if (timeoutMs === undefined && signal === undefined) return undefined;
  return (giveUp) => {
    if (timeoutMs !== undefined && !(timeoutMs >= 0 && timeoutMs <= 2 ** 31 - 1)) {
      giveUp(new RangeError(`timeoutMs must be a number of milliseconds >= 0, got ${timeoutMs}`));
      return undefined;
    }
    if (signal?.aborted === true) {
      giveUp(signal.reason);
      return undefined;
    }
    const onAbort = (): void => giveUp((signal as AbortSignal).reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => giveUp(new TimeoutError(`no message within ${timeoutMs} ms`)),
            timeoutMs,
          );
    return () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
  };
}
