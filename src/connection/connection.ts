// Connection layer: the public face of one WebSocket connection over any Node Duplex — incoming
// and outgoing message streams, runUntilClosed(flow) or runDetached(flow), send, ping, close — for servers and clients alike.

import type { Duplex } from 'node:stream';
import { EMPTY } from '../codec/bytes.js';
import { CloseCode } from '../codec/close-code.js';
import { ConnectionClosed, InvalidStateError } from '../errors.js';
import { connectFlow, MapFlow, SinkAndSourceFlow } from '../flow/flow.js';
import type { MessageFlow } from '../flow/flow.js';
import { ConnectionBoundFlow } from '../flow/bound-flow.js';
import { ControlMessagesFlow } from '../flow/control-flow.js';
import { PingMessage, PongMessage } from '../message/control.js';
import type { Message, MessageLike } from '../message/message.js';
import type { NegotiatedDeflate } from '../extensions/deflate-options.js';
import { LOCAL_CLOSE } from './close-cause.js';
import { connectionOpenChannel } from './channels.js';
import type { CauseNote } from './close-cause.js';
import type { CloseOutcome, Side } from '../protocol/events.js';
import type { ProtocolState } from '../protocol/protocol.js';
import { ConnectionCore } from './core.js';
import type { FrameOutput } from './frame-output.js';
import type { ConnectionOptions } from './options.js';
import { MapRunner } from './run-map.js';
import { pumpOutput, runIterableFlow } from './run-iterable.js';

export type { ConnectionOptions } from './options.js';

const RESOLVED = Promise.resolve();

/**
 * Fails a connection as its own handler's failure would (1011, the error recorded and reported),
 * for code that runs on the connection's behalf outside its flow (a server's upgrade handler).
 *
 * @param connection - The connection.
 * @param error - What the application code threw.
 * @example
 * failConnection(connection, new Error('the handler failed after accepting'));
 */
export let failConnection: (connection: Connection, error: unknown) => void;

/**
 * Closes a connection for a reason of wsflow's own, so that its close cause says so: a server's
 * shutdown, a hub's or an actor's limit, a memory budget (kind `budget`). Not public: an
 * application's own close is `local` (`Connection.close`).
 *
 * @param connection - The connection.
 * @param code - A sendable close code.
 * @param reason - The close reason.
 * @param note - The cause's kind and details.
 * @example
 * closeForCause(connection, 1013, 'memory budget', { kind: 'budget', limit: { name: 'maxBytes', value } });
 */
export let closeForCause: (
  connection: Connection,
  code: number,
  reason: string,
  note: CauseNote,
) => void;

/**
 * Starts the close handshake with a Close that has no body (no code, the peer reads 1005), as the
 * WHATWG WebSocket's `close()` without arguments does; not public: `Connection.close` sends 1000.
 *
 * @param connection - The connection.
 * @example
 * closeWithoutCode(connection);
 */
export let closeWithoutCode: (connection: Connection) => void;

/**
 * The prepared-frame writer of a connection (frames serialized once for many connections), for
 * the hub; not public, since raw frames bypass the protocol's checks of their content.
 *
 * @param connection - A server connection.
 * @returns Its writer's {@link FrameOutput} face.
 * @example
 * frameOutputOf(connection).writeFrames(frame);
 */
export let frameOutputOf: (connection: Connection) => FrameOutput;

/**
 * What permessage-deflate the handshake agreed on a connection, if any (the hub shares one
 * compressed frame between connections that reset their context after every message).
 *
 * @param connection - The connection.
 * @returns The negotiated parameters and settings, or undefined.
 * @example
 * const shared = negotiatedDeflateOf(connection)?.params.serverNoContextTakeover === true;
 */
export let negotiatedDeflateOf: (connection: Connection) => NegotiatedDeflate | undefined;

/**
 * What the layer that accepted a connection recorded about its start (a router's route), kept
 * on the connection itself: a field costs less than a WeakMap entry per connection, which the
 * garbage collector must revisit at every full collection.
 *
 * @example
 * connectionContext.set(connection, route);
 * connectionContext.get(connection); // route
 */
export let connectionContext: {
  get(connection: Connection): unknown;
  set(connection: Connection, context: unknown): void;
};

/**
 * One WebSocket connection after the opening handshake. Reads the transport only as fast as the
 * application takes messages, writes with coalescing and respects the transport's backpressure,
 * and runs the close handshake with a timeout (`closeTimeoutMs`, then the transport is destroyed).
 *
 * @example
 * ```ts
 * server.on('upgrade', (req, socket, head) => {
 *   // ... after writing the 101 response:
 *   const connection = new Connection(socket, { side: 'server', head });
 *   connection.runUntilClosed(map((m) => (m.isText && m.isStrict ? `Hello ${m.text}!` : undefined))).catch(console.error);
 * });
 * ```
 */
export class Connection {
  readonly #core: ConnectionCore;
  #outgoing: WritableStream<MessageLike> | undefined;
  #running = false;
  #context: unknown;

  /**
   * @param transport - the byte stream: a net.Socket, a tls.TLSSocket, an HTTP/2 stream, a pair.
   * @param options - side, limits, timeouts; see {@link ConnectionOptions}.
   */
  constructor(transport: Duplex, options: ConnectionOptions) {
    this.#core = new ConnectionCore(transport, options, this);
    if (connectionOpenChannel.hasSubscribers) {
      connectionOpenChannel.publish({ connection: this, side: options.side });
    }
  }

  static {
    failConnection = (connection, error) => connection.#fail(error);
    closeForCause = (connection, code, reason, note) => connection.#core.close(code, reason, note);
    closeWithoutCode = (connection) => connection.#core.close(undefined, '');
    frameOutputOf = (connection) => connection.#core.writer;
    negotiatedDeflateOf = (connection) => connection.#core.deflate;
    connectionContext = {
      get: (connection) => connection.#context,
      set: (connection, context) => {
        connection.#context = context;
      },
    };
  }

  /** Which end of the connection this is. */
  get side(): Side {
    return this.#core.protocol.side;
  }

  /**
   * 'OPEN'; 'CLOSING' once a Close was sent (ours, or the answer to the peer's, which waits until
   * the messages that came before it are answered); 'CLOSED' once the transport is gone.
   */
  get state(): ProtocolState {
    return this.#core.protocol.state;
  }

  /** Settles with how the connection ended, once the transport is closed. Never rejects. */
  get closed(): Promise<CloseOutcome> {
    return this.#core.closed;
  }

  /**
   * The round-trip time of the latest Ping answered, in milliseconds, on the connection's clock:
   * from the Ping being sent (by keep-alive or {@link Connection.ping}) to the Pong that carries
   * its payload being read. Measured for every Ping; undefined until the first one is answered.
   * A Pong that waited behind a large message of the peer's counts that wait too: the time is
   * the peer's responsiveness as this end sees it, not the network's alone.
   *
   * @example
   * ```ts
   * const server = await serve({ port: 8080, flow: echo(), keepAlive: { maxIdleMs: 20_000 } });
   * setInterval(() => {
   *   for (const connection of server.connections) console.log(connection.lastPingRttMs);
   * }, 60_000);
   * ```
   */
  get lastPingRttMs(): number | undefined {
    return this.#core.lastPingRttMs;
  }

  /**
   * The received messages. Completes when the connection closes with 1000, 1001 or 1005 after a
   * close handshake; errors with {@link ConnectionClosed} otherwise. Read it (and the bodies of
   * Streamed messages) to keep messages coming: reading the transport pauses meanwhile.
   * Cancelling it drops every later message.
   */
  get incoming(): ReadableStream<Message> {
    return this.#core.incoming.stream;
  }

  /**
   * Messages to send, in order; a write settles when the transport can take more. `close()`
   * starts the close handshake (1000); `abort(error)` closes with 1011 'internal error' (or the
   * error's own close code, see {@link Connection.runUntilClosed}).
   */
  get outgoing(): WritableStream<MessageLike> {
    return (this.#outgoing ??= new WritableStream<MessageLike>({
      start: (controller) => {
        void this.#core.closed.then((outcome) => controller.error(new ConnectionClosed(outcome)));
      },
      write: (value) => this.#write(value),
      close: () => this.#core.close(CloseCode.Normal, ''),
      abort: (reason) => this.#fail(reason),
    }));
  }

  /**
   * Runs a handler: incoming messages → `flow` → outgoing. When the flow's output completes, the
   * close handshake starts (1000). If the flow fails, the connection closes with 1011 'internal
   * error' — unless the error carries a sendable close code (a {@link ConnectionClosed} thrown on
   * purpose, or a ProtocolError such as 1003/1007), which is then sent with its reason.
   * A {@link MapFlow} is called directly from message delivery (the fast path).
   *
   * @param flow - the handler.
   * @returns the close outcome, once the transport is closed.
   * @throws the flow's error (after the connection closed with 1011); InvalidStateError when
   *   a handler was already started on this connection.
   * @example
   * ```ts
   * const outcome = await connection.runUntilClosed(async function* (incoming) {
   *   for await (const message of incoming) {
   *     if (message.isText) yield TextMessage.streamed(concat(['Hello '], message.textStream));
   *   }
   * });
   * ```
   */
  runUntilClosed(flow: MessageFlow): Promise<CloseOutcome> {
    try {
      this.runDetached(flow);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#core.closed.then((outcome) => {
      if (this.#core.handlerError !== undefined) throw this.#core.handlerError;
      return outcome;
    });
  }

  /**
   * Starts a handler like {@link Connection.runUntilClosed} and returns at once, without a promise: for
   * servers holding many connections. A failing flow closes the connection as with `runUntilClosed`; its
   * error is not reported further (watch {@link Connection.closed} or {@link Connection.onClosed}).
   *
   * @param flow - the handler.
   * @throws InvalidStateError when a handler was already started.
   * @example
   * ```ts
   * connection.runDetached(map((m) => m));
   * connection.onClosed(({ code }) => console.log('closed', code));
   * ```
   */
  runDetached(flow: MessageFlow): void {
    if (this.#running) throw new InvalidStateError('a handler already runs on this connection');
    this.#running = true;
    const core = this.#core;
    let made = this.#made(flow);
    if (made instanceof ControlMessagesFlow) {
      this.#deliverControlMessages(made.autoPong);
      // withControlMessages around a bound flow: made after the unwrapping.
      made = this.#made(made.flow as MessageFlow);
    }
    if (made === undefined) return;
    flow = made;
    if (flow instanceof MapFlow) {
      new MapRunner(core, flow.fn).start();
    } else if (typeof flow === 'function') {
      runIterableFlow(core, flow);
    } else if (flow instanceof SinkAndSourceFlow && typeof flow.sink === 'function') {
      core.incoming.setListener({ onMessage: flow.sink });
      pumpOutput(core, flow.source);
    } else {
      this.#runStreams(flow);
    }
  }

  /**
   * Takes every received message, in order, straight from the connection: no stream, and no
   * promise while `listener` returns plain values. A promise it returns holds the next message
   * until it settles (reading pauses once 16 messages wait behind it); a throw or a
   * rejection closes the connection with 1011 (or the error's own close code, as with
   * {@link Connection.runUntilClosed}) and drops later messages. A Streamed message's body must be
   * read or cancelled by then. It is the connection's one consumer: instead of `runUntilClosed`,
   * `runDetached` or `incoming`.
   *
   * @param listener - gets each message.
   * @throws InvalidStateError when a handler or a listener was already started.
   * @example
   * ```ts
   * connection.onMessage(async (message) => {
   *   if (message.isText && message.isStrict) await db.save(message.text);
   * });
   * connection.onEnd((error) => console.log(error === undefined ? 'done' : `failed: ${error}`));
   * ```
   */
  onMessage(listener: (message: Message) => unknown): void {
    if (this.#running) throw new InvalidStateError('a handler already runs on this connection');
    this.#running = true;
    this.#core.incoming.setListener({ onMessage: listener });
  }

  /**
   * Listens to the end of the messages: called once, after the last message was handed over (and
   * the promise an {@link Connection.onMessage} listener returned for it settled), with
   * `undefined` when the connection closed cleanly with 1000, 1001 or 1005, or the
   * {@link ConnectionClosed} error otherwise (its `cause` is the protocol or transport failure).
   *
   * @param listener - gets the error, or `undefined`.
   * @example
   * ```ts
   * connection.onEnd((error) => {
   *   if (error !== undefined) console.error(error);
   * });
   * ```
   */
  onEnd(listener: (error: ConnectionClosed | undefined) => void): void {
    this.#core.incoming.onEnd(listener as (error: unknown) => void);
  }

  /**
   * Sends one message, after those sent before it.
   *
   * @param message - a Message, a string (text) or a Uint8Array (binary).
   * @returns a promise settled once the message was handed to the transport and it can take more.
   * @throws (rejects with) InvalidStateError after Close, ConnectionClosed once closed, TypeError
   *   for other values.
   * @example
   * ```ts
   * await connection.send('hello');
   * ```
   */
  send(message: MessageLike): Promise<void> {
    try {
      return this.#write(message) ?? RESOLVED;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Sends a Ping; the answer arrives through {@link Connection.onPong}, and its round-trip time
   * becomes {@link Connection.lastPingRttMs}.
   *
   * @param payload - at most 125 bytes.
   * @throws RangeError for a longer payload; InvalidStateError after Close.
   */
  ping(payload: Uint8Array | string = EMPTY): void {
    this.#core.sendPing(payload);
    this.#core.writer.scheduleFlush();
  }

  /**
   * Sends a Pong: the answer to a Ping when `autoPong` is off, or an unsolicited heartbeat
   * (RFC 6455 section 5.5.3).
   *
   * @param payload - at most 125 bytes; echo the Ping's payload to answer it.
   * @throws RangeError for a longer payload; InvalidStateError after Close.
   */
  pong(payload?: Uint8Array | string): void {
    this.#core.protocol.sendPong(payload);
    this.#core.writer.scheduleFlush();
  }

  /**
   * Starts the close handshake; the transport is closed after the peer's Close, or destroyed
   * after `closeTimeoutMs`. Does nothing more when closing already.
   *
   * @param code - a sendable close code (1000-1003, 1007-1014, 3000-4999); default 1000.
   * @param reason - at most 123 bytes of UTF-8.
   * @returns the close outcome, once the transport is closed.
   * @throws RangeError for a code that may not be sent or a reason that is too long.
   * @example
   * ```ts
   * const { code, wasClean } = await connection.close(4000, 'done');
   * ```
   */
  close(code: number = CloseCode.Normal, reason = ''): Promise<CloseOutcome> {
    this.#core.close(code, reason);
    return this.#core.closed;
  }

  /**
   * Destroys the transport at once, without a closing handshake (ws' `terminate`): for a peer
   * that does not answer. `closed` then settles, with 1006 unless the handshake was already done.
   *
   * @example
   * ```ts
   * const timer = setTimeout(() => connection.terminate(), 1000);
   * await connection.close(1001);
   * clearTimeout(timer);
   * ```
   */
  terminate(): void {
    this.#core.noteCause(LOCAL_CLOSE);
    this.#core.transport.destroy();
  }

  /**
   * Listens to the end of the connection: called once with the outcome `closed` settles with, when
   * the transport is gone. Like an event, it is not called when added after the end (`closed` is).
   *
   * @param listener - gets the outcome; an error it throws surfaces as an uncaught exception.
   * @returns a function that removes the listener.
   * @example
   * ```ts
   * connection.onClosed(({ code, reason }) => console.log(`closed ${code} ${reason}`));
   * ```
   */
  onClosed(listener: (outcome: CloseOutcome) => void): () => void {
    const listeners = (this.#core.closeListeners = withListener(
      this.#core.closeListeners,
      listener,
    ));
    return () => removeListener(listeners, listener);
  }

  /**
   * Listens to Pings (auto-pong answers them already unless disabled).
   *
   * @param listener - gets the payload, a view valid during the call; errors close with 1011.
   * @returns a function that removes the listener.
   */
  onPing(listener: (payload: Uint8Array) => void): () => void {
    const listeners = (this.#core.pingListeners = withListener(this.#core.pingListeners, listener));
    return () => removeListener(listeners, listener);
  }

  /**
   * Listens to Pongs.
   *
   * @param listener - gets the payload, a view valid during the call; errors close with 1011.
   * @returns a function that removes the listener.
   */
  onPong(listener: (payload: Uint8Array) => void): () => void {
    const listeners = (this.#core.pongListeners = withListener(this.#core.pongListeners, listener));
    return () => removeListener(listeners, listener);
  }

  /**
   * A connection-bound flow made for this connection, any other flow as it is; undefined when
   * making it threw (the connection is failed then). What it makes may be bound too (an actor's
   * flow made inside a hub's join): that is made in turn, until a flow that runs.
   */
  #made(flow: MessageFlow): MessageFlow | undefined {
    let made = flow;
    try {
      while (made instanceof ConnectionBoundFlow) {
        made = (made as ConnectionBoundFlow<Connection>).make(this);
      }
      return made;
    } catch (error) {
      this.#fail(error);
      return undefined;
    }
  }

  /** From now on, Pings and Pongs join the messages the handler receives (copies of them). */
  #deliverControlMessages(autoPong: boolean): void {
    const core = this.#core;
    core.protocol.setAutoPong(autoPong);
    core.pingListeners = withListener(core.pingListeners, (payload) =>
      core.deliverControl(new PingMessage(new Uint8Array(payload))),
    );
    core.pongListeners = withListener(core.pongListeners, (payload) =>
      core.deliverControl(new PongMessage(new Uint8Array(payload))),
    );
  }

  #write(value: MessageLike): Promise<void> | undefined {
    const writer = this.#core.writer;
    const sent = writer.send(value);
    return sent === undefined ? writer.readyForMore() : sent.then(() => writer.readyForMore());
  }

  #runStreams(flow: MessageFlow): void {
    let connected: ReturnType<typeof connectFlow<Message, MessageLike>>;
    try {
      connected = connectFlow(flow, this.incoming);
    } catch (error) {
      this.#fail(error);
      return;
    }
    connected.input.catch((error: unknown) => this.#fail(error));
    connected.output.pipeTo(this.outgoing).then(
      () => {
        // The output is done: if nothing reads the incoming side, drop it so the peer's Close gets through.
        if (!this.incoming.locked) void this.incoming.cancel();
      },
      (error: unknown) => this.#fail(error),
    );
  }

  /** The handler failed, or asked to close with a code. */
  #fail(error: unknown): void {
    this.#core.onApplicationError(error);
  }
}

/** The list with `listener` added; a new list is made exactly one long (a pushed-to `[]` takes 17). */
function withListener<T>(listeners: T[] | undefined, listener: T): T[] {
  if (listeners === undefined) return [listener];
  listeners.push(listener);
  return listeners;
}

function removeListener<T>(listeners: T[], listener: T): void {
  const at = listeners.indexOf(listener);
  if (at !== -1) listeners.splice(at, 1);
}
