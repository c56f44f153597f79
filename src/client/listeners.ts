// Client layer: the low-level listener interface (sttp's low-level handlers): callbacks for open,
// message, ping, pong, close and error on a client Connection, with backpressure kept.

import { CloseCode } from '../codec/close-code.js';
import { closeRequest } from '../connection/close-request.js';
import type { Connection } from '../connection/connection.js';
import { ConnectionClosed } from '../errors.js';
import { isPromiseLike } from '../util/thenable.js';
import { discardMessage } from '../message/message.js';
import type { Message } from '../message/message.js';
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
  guarded(() => listener.onOpen?.(connection, response));
  // Messages come straight from the connection; a promise onMessage returns holds the next.
  const delivery = new Delivery(connection, listener, report);
  connection.onMessage((message) => delivery.deliver(message));
  // The end comes after the last message: its error's cause is the protocol or socket failure.
  connection.onEnd((error) => {
    if (error instanceof ConnectionClosed && error.cause !== undefined) report(error);
    void connection.closed.then((outcome) => guarded(() => listener.onClose?.(outcome)));
  });
}

/**
 * Hands messages to `onMessage`, in order. A Streamed body it left unread is then dropped. A throw
 * or a rejection goes to the connection, which closes with 1011 (or the error's own close code).
 */
class Delivery {
  readonly #connection: Connection;
  readonly #listener: WebSocketListener;
  readonly #report: (error: unknown) => void;

  constructor(
    connection: Connection,
    listener: WebSocketListener,
    report: (error: unknown) => void,
  ) {
    this.#connection = connection;
    this.#listener = listener;
    this.#report = report;
  }

  /** One message; a promise holds the next ones back until it settles. */
  deliver(message: Message): Promise<void> | undefined {
    let result: void | PromiseLike<void>;
    try {
      result = this.#listener.onMessage?.(message, this.#connection);
    } catch (error) {
      discardMessage(message);
      this.#failed(error);
      throw error;
    }
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then(
        () => discardMessage(message),
        (error: unknown) => {
          discardMessage(message);
          this.#failed(error);
          throw error;
        },
      );
    }
    discardMessage(message);
    return undefined;
  }

  /** A failure goes to onError; a close asked for on purpose (its own close code) does not. */
  #failed(error: unknown): void {
    if (closeRequest(error) === undefined) this.#report(error);
  }
}
