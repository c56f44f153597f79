// Flow layer: a flow made for each connection once it starts, given that connection (a hub
// subscribes it to topics, and the flow publishes for it). The connection unwraps it before
// running the flow it makes, so the made flow keeps its own style (a map stays on the fast path).

import type { MessageFlow } from './flow.js';
import type { Message, MessageLike } from '../message/message.js';
import type { ReadableWritablePair } from '../message/streams.js';

/**
 * A flow that exists only on a connection: `make` is called with the connection when a handler
 * starts on it, and what it returns runs there. `C` is the connection's type (`Connection`; this
 * module cannot name it without an import cycle).
 *
 * @example
 * const flow = new ConnectionBoundFlow<Connection>((connection) => {
 *   subscribers.add(connection);
 *   return echo();
 * });
 * connection.runDetached(flow);
 */
export class ConnectionBoundFlow<C> implements ReadableWritablePair<MessageLike, Message> {
  /** Makes the flow of one connection. */
  readonly make: (connection: C) => MessageFlow;

  /** @param make - makes the flow of one connection, given it. */
  constructor(make: (connection: C) => MessageFlow) {
    this.make = make;
  }

  /** Not a stream: the flow is made on a connection (accept it, serve it or run it there). */
  get readable(): ReadableStream<MessageLike> {
    throw notOnAConnection();
  }

  /** Not a stream: the flow is made on a connection (accept it, serve it or run it there). */
  get writable(): WritableStream<Message> {
    throw notOnAConnection();
  }
}

function notOnAConnection(): TypeError {
  return new TypeError(
    'this flow is made for each connection: accept, serve or run it on a connection ' +
      '(a transformer goes inside it, not around it)',
  );
}
