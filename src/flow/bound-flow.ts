// Flow layer: a flow made for each connection once it starts, given that connection (a hub
// subscribes it to topics, an actor holds it to stop it and to hear how it closed). The
// connection unwraps it before running the flow it makes, so the made flow keeps its own style
// (a map stays on the fast path); a transformer around it transforms what it makes.

import type { Flow } from './flow.js';
import type { Message, MessageLike } from '../message/message.js';
import type { ReadableWritablePair } from '../message/streams.js';

/**
 * A flow that exists only on a connection: `make` is called with the connection when a handler
 * starts on it, and what it returns runs there. `C` is the connection's type (`Connection`; this
 * module cannot name it without an import cycle); `In` and `Out` are the made flow's, messages
 * unless a transformer goes around it.
 *
 * @example
 * const flow = new ConnectionBoundFlow<Connection>((connection) => {
 *   subscribers.add(connection);
 *   return echo();
 * });
 * connection.runDetached(flow);
 */
export class ConnectionBoundFlow<
  C,
  In = Message,
  Out = MessageLike,
> implements ReadableWritablePair<Out, In> {
  /** Makes the flow of one connection. */
  readonly make: (connection: C) => Flow<In, Out>;

  /** @param make - makes the flow of one connection, given it. */
  constructor(make: (connection: C) => Flow<In, Out>) {
    this.make = make;
  }

  /** Not a stream: the flow is made on a connection (accept it, serve it or run it there). */
  get readable(): ReadableStream<Out> {
    throw notOnAConnection();
  }

  /** Not a stream: the flow is made on a connection (accept it, serve it or run it there). */
  get writable(): WritableStream<In> {
    throw notOnAConnection();
  }
}

function notOnAConnection(): TypeError {
  return new TypeError(
    'this flow is made for each connection: accept, serve or run it on a connection ' +
      '(serve({ flow }), accept(flow), upgrade.handleMessages(flow), connection.runUntilClosed(flow))',
  );
}
