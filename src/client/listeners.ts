// Client layer: the low-level listener interface (sttp's low-level handlers): callbacks for open,
// message, ping, pong, close and error on a client Connection, with backpressure kept.

import { CloseCode } from '../codec/close-code.js';
import type { Connection } from '../connection/connection.js';
import { ConnectionClosed } from '../errors.js';
import { map } from '../flow/flow.js';
import { isPromiseLike } from '../util/thenable.js';
import { discardMessage } from '../message/message.js';
import type { Message, MessageLike } from '../message/message.js';
import type { CloseOutcome } from '../protocol/events.js';
import { ProtocolState } from '../protocol/protocol.js';
import { openConnection } from './connect.js';
import type { ClientOptions } from './connect.js';
import type { WebSocketRequest } from './request.js';
import type { ValidUpgrade } from './response.js';
import { handled } from './single-request.js';

/**
 * Callbacks for one client connection; all optional. A callback that throws (or an `onMessage`
 * promise that rejects) is reported to `onError` and closes the connection with 1011; throw a
 * ConnectionClosed with a sendable code to close with that code instead.
 */
export interface WebSocketListener {
  /** The upgrade succeeded; called before any other callback. */
  onOpen?(connection: Connection, response: ValidUpgrade): void;
  /**
   * A message, in order. The next one waits for a returned promise. A Streamed message not read
   * by then is dropped (its body cancelled), so it never stalls the connection.
   */
  onMessage?(message: Message, connection: Connection): void | PromiseLike<void>;
  /** A Ping (already answered unless `autoPong` is false: then call `connection.pong`). */
  onPing?(payload: Uint8Array, connection: Connection): void;
  /** A Pong. */
  onPong?(payload: Uint8Array, connection: Connection): void;
  /** The connection ended (after every `onMessage`); called once, only if it opened. */
  onClose?(outcome: CloseOutcome): void;
  /**
   * Something failed, at most once: the handshake (a HandshakeError, and then no other callback
   * follows), a callback, or the connection (a ConnectionClosed with the protocol or socket
   * error as `cause`, before `onClose`).
   */
  onError?(error: unknown): void;
}

/**
 * Opens a client WebSocket driven by callbacks instead of streams.
 *
 * @param request - The request, or just its URL.
 * @param listener - The callbacks.
 * @param options - Connection options (`autoPong`, limits, timeouts).
 * @returns The open connection (to send, ping, close), after `onOpen`. It rejects with the
 *   HandshakeError that `onError` also received; ignoring the rejection is safe.
 * @throws {TypeError} (synchronously) For a request that does not check.
 * @example
 * openWebSocketWithListener('ws://127.0.0.1:8080/echo', {
 *   onOpen: (connection) => void connection.send('hello'),
 *   onMessage: (message) => console.log(message.isText && message.isStrict ? message.text : '<other>'),
 *   onClose: (outcome) => console.log('closed', outcome.code),
 *   onError: (error) => console.error(error),
 * });
 */
export function openWebSocketWithListener(
  request: WebSocketRequest | string | URL,
  listener: WebSocketListener,
  options: ClientOptions = {},
): Promise<Connection> {
  const report = reporter(listener);
  const opened = openConnection(request, options, {
    onConnection: (connection, response) => attach(connection, response, listener, report),
  });
  opened.catch(report);
  return handled(opened.then((result) => result.connection));
}

/** Reports to `onError` at most once; errors of `onError` itself are dropped. */
function reporter(listener: WebSocketListener): (error: unknown) => void {
  let reported = false;
  return (error) => {
    if (reported) return;
    reported = true;
    try {
      listener.onError?.(error);
    } catch {
      // Nothing is left to tell.
    }
  };
}

/** Wires the callbacks to a new connection, before any of its input is read. */
function attach(
  connection: Connection,
  response: ValidUpgrade,
  listener: WebSocketListener,
  report: (error: unknown) => void,
): void {
  const fail = (error: unknown): void => {
    report(error);
    if (connection.state === ProtocolState.Open) {
      connection.close(CloseCode.InternalError, 'internal error');
    }
  };
  const guarded = (call: () => void): void => {
    try {
      call();
    } catch (error) {
      fail(error);
    }
  };
  connection.onPing((payload) => guarded(() => listener.onPing?.(payload, connection)));
  connection.onPong((payload) => guarded(() => listener.onPong?.(payload, connection)));
  // The incoming stream errors with a ConnectionClosed whose cause is the protocol or socket
  // failure; its reader's `closed` tells of it while the messages go the fast way below.
  const ended = connection.incoming.getReader().closed.then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof ConnectionClosed && error.cause !== undefined) report(error);
    },
  );
  guarded(() => listener.onOpen?.(connection, response));
  // map() runs straight from message delivery; a promise it returns pauses reading.
  const delivery = new Delivery(connection, listener);
  const handler = map<Message, MessageLike>((message) => delivery.deliver(message));
  const ran = connection.runUntilClosed(handler).then(() => undefined, report);
  void Promise.all([ended, ran, connection.closed]).then(async ([, , outcome]) => {
    await delivery.drained();
    guarded(() => listener.onClose?.(outcome));
  });
}

/**
 * Hands messages to `onMessage`, in order. A Streamed body it left unread is then dropped. A throw
 * or a rejection goes to the connection, which closes with 1011 (or the error's own close code).
 */
class Delivery {
  readonly #connection: Connection;
  readonly #listener: WebSocketListener;
  /** The promise that holds the next message back, while one does. */
  #holding: Promise<void> | undefined;

  constructor(connection: Connection, listener: WebSocketListener) {
    this.#connection = connection;
    this.#listener = listener;
  }

  /** The map function: one message; a promise holds the next ones back until it settles. */
  deliver(message: Message): Promise<void> | undefined {
    let result: void | PromiseLike<void>;
    try {
      result = this.#listener.onMessage?.(message, this.#connection);
    } catch (error) {
      discardMessage(message);
      throw error;
    }
    if (isPromiseLike(result)) {
      return this.#hold(Promise.resolve(result).finally(() => discardMessage(message)));
    }
    discardMessage(message);
    return undefined;
  }

  /**
   * Settles once no message is held back any more. The connection hands what it queued meanwhile
   * over in promise callbacks, all run before the next macrotask: onClose comes after them.
   */
  async drained(): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const holding = this.#holding;
      if (holding === undefined) return;
      await holding.catch(() => undefined);
    }
  }

  #hold(promise: Promise<void>): Promise<void> {
    this.#holding = promise;
    const release = (): void => {
      if (this.#holding === promise) this.#holding = undefined;
    };
    promise.then(release, release);
    return promise;
  }
}
