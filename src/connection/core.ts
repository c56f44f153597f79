// Connection layer: the engine under `Connection` — transport events → Protocol → assembler →
// delivery, with pause reasons for backpressure, the close handshake and its timeout.
//
// The stack, transport side first, and where each stage is wired:
//   transport   any Duplex; module-level transportOn* listeners, owner found by a symbol  startReading()
//   protocol    Protocol (its FrameParser inside, made on the first bytes)               constructor
//   liveness    keep-alive Pings and idle timeout (LivenessHost)                        constructor
//   inflate     InflateStage, from the first compressed message on (CompressionOwner)   onMessageStart()
//   assembler   MessageAssembler: frame parts → messages (AssemblerOwner)               get assembler()
//   delivery    IncomingQueue (IncomingOwner); MapRunner for map() flows                constructor; Connection
//   writer      OutgoingWriter (OutgoingOwner), with the deflate compressor             constructor
//   reads       ReadTargets of the client's own socket: where its reads land (optional)  constructor
// Every stage reaches the engine through its owner interface; failure goes through fail().

import type { Duplex } from 'node:stream';
import { CloseCode, isOkCloseCode } from '../codec/close-code.js';
import { ConnectionClosed, ErrorCode, ProtocolError } from '../errors.js';
import type { NegotiatedDeflate } from '../extensions/deflate-options.js';
import type { InflateStage } from '../extensions/inflate-stage.js';
import { MessageAssembler } from '../message/assembler.js';
import type { AssemblerOwner } from '../message/assembler.js';
import type { Message } from '../message/message.js';
import type { ControlMessage } from '../message/control.js';
import type { CloseOutcome, MessageKind, ProtocolHandler } from '../protocol/events.js';
import { Protocol, ProtocolState } from '../protocol/protocol.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { IncomingQueue } from './incoming.js';
import type { IncomingOwner } from './incoming.js';
import { closeRequest } from './close-request.js';
import { LOCAL_CLOSE, PEER_CLOSE, makeCloseCause, noteOfError } from './close-cause.js';
import {
  connectionCloseChannel,
  errorChannel,
  messageChannel,
  pingRoundTripChannel,
} from './channels.js';
import type {
  ConnectionClosePayload,
  ErrorPayload,
  ErrorSource,
  MessagePayload,
  PingRoundTripPayload,
} from './channels.js';
import type { CauseNote, NotedCause } from './close-cause.js';
import { ConnectionCompression } from './compression.js';
import type { CompressionOwner } from './compression.js';
import { createLiveness } from './liveness.js';
import { ensureNativeMask } from './native-mask.js';
import type { Liveness } from './liveness.js';
import { joinMemoryBudget } from './memory-budget.js';
import type { BudgetAccount, BudgetHolder } from './memory-budget.js';
import { OutgoingWriter } from './outgoing.js';
import { PingRoundTrip } from './round-trip.js';
import type { OutgoingOwner } from './outgoing.js';
import { resolveConnectionOptions } from './options.js';
import type { ConnectionOptions } from './options.js';
import { PauseReason } from './pause.js';

type Listener = (payload: Uint8Array) => void;
const kCore = Symbol('wsflow.connection');
type BoundTransport = Duplex & { [kCore]?: ConnectionCore };

/**
 * Binds one Protocol to one transport. Received messages are collected during each
 * `receiveData` and delivered after it returns, so application code never runs inside the parser.
 */
export class ConnectionCore
  implements
    ProtocolHandler,
    AssemblerOwner,
    IncomingOwner,
    OutgoingOwner,
    CompressionOwner,
    BudgetHolder
{
  readonly transport: Duplex;
  readonly protocol: Protocol;
  readonly incoming: IncomingQueue;
  readonly writer: OutgoingWriter;
  /** The first failure of application code that asked for no close code (runUntilClosed() rethrows it). */
  handlerError: unknown;
  /** Told of `handlerError` once it is set (the Connection's `onError`). */
  onHandlerError: ((error: unknown) => void) | undefined;
  pingListeners: Listener[] | undefined;
  pongListeners: Listener[] | undefined;
  /** permessage-deflate as the handshake agreed it, if it did. */
  readonly deflate: NegotiatedDeflate | undefined;
  /** Called once with the outcome when the transport is gone (no promise per connection). */
  closeListeners: ((outcome: CloseOutcome) => void)[] | undefined;
  #closed: Promise<CloseOutcome> | undefined;
  #resolveClosed: ((outcome: CloseOutcome) => void) | undefined;
  #outcome: CloseOutcome | undefined;
  readonly #clock: Clock;
  readonly #closeTimeoutMs: number;
  /** Messages completed during the current input batch (made on the first one). */
  #batch: Message[] | undefined;
  readonly #liveness: Liveness | undefined;
  /** Times Pings; made on the first one sent. */
  #roundTrip: PingRoundTrip | undefined;
  /** permessage-deflate, when negotiated. */
  readonly #compression: ConnectionCompression | undefined;
  /** Its stage in front of the assembler, from the first compressed message on. */
  #inflation: InflateStage | undefined;
  #assembler: MessageAssembler | undefined;
  readonly #aggregateMessageBytes: number;
  #paused = 0;
  #closeTimer: TimerHandle | undefined;
  /**
   * A Close that waits until the messages read before it are answered: a parse error's, or the
   * answer to the peer's Close.
   */
  #pendingClose: ProtocolError | typeof ANSWER_CLOSE | undefined;
  #pendingCloseTimer: TimerHandle | undefined;
  /** The peer ended its side while the answer to its Close waited: taken up once it is sent. */
  #endAfterAnswer = false;
  /**
   * Set by a consumer whose replies are in the writer once it has taken a message (map's
   * runner): the Close then waits for nothing else, not a turn of the event loop.
   */
  repliesWrittenWhenTaken = false;
  /** What began the close, noted when it happened (the first note wins). */
  #note: NotedCause | undefined;
  #transportEnded = false;
  #discardingInput = false;
  #finished = false;
  #failure: unknown;
  /** This connection's account in the server's memory budget, if it has one. */
  readonly #budget: BudgetAccount | undefined;
  /** The public Connection this engine serves: what the diagnostics channels name. */
  readonly face: object;
  /** When it started, on its clock: timed only while someone listens to its close. */
  readonly #startedAt: number | undefined;
  /** The message being received, counted while someone listens to `wsflow:message`. */
  #inbound: InboundCount | undefined;

  constructor(transport: Duplex, connectionOptions: ConnectionOptions, face: object) {
    const options = resolveConnectionOptions(connectionOptions);
    ensureNativeMask();
    this.transport = transport;
    this.face = face;
    this.#clock = options.clock;
    if (connectionCloseChannel.hasSubscribers) this.#startedAt = options.clock.now();
    this.#closeTimeoutMs = options.closeTimeoutMs;
    this.protocol = new Protocol({
      side: options.side,
      handler: this,
      maxMessageBytes: options.maxMessageBytes,
      maxFrameBytes: options.maxFrameBytes,
      autoPong: options.autoPong,
      // RFC 7692: RSV1 marks a compressed message, so it is allowed only once deflate is agreed.
      rsv1Allowed: options.deflate !== undefined,
      maskGenerator: options.maskGenerator,
      // Messages before a bad frame, or before the peer's Close, are delivered and answered
      // before our Close (sendPendingClose).
      deferParseFailures: true,
      deferCloseEcho: true,
    });
    this.onHandlerError = options.onError;
    this.#aggregateMessageBytes = options.aggregateMessageBytes;
    this.incoming = new IncomingQueue(this, options.incomingHighWaterMark);
    this.writer = new OutgoingWriter(this.protocol, transport, this, options.writeBatchMessages);
    this.deflate = options.deflate;
    if (options.deflate !== undefined) {
      const compression = new ConnectionCompression(
        this,
        options.deflate,
        options.side,
        options.maxMessageBytes,
      );
      this.writer.compressor = compression.compressor;
      this.#compression = compression;
    }
    this.#liveness = createLiveness(this, options, this.#clock);
    if (options.memoryBudget !== undefined) {
      this.#budget = this.writer.budget = joinMemoryBudget(options.memoryBudget, this);
    }
    options.readTargets?.follow(this.protocol);
    (transport as BoundTransport)[kCore] = this;
    (transport as Partial<{ setNoDelay(on: boolean): void }>).setNoDelay?.(true);
    process.nextTick(startReading, this, options.head);
  }

  /** Frame parts → messages; made on the first message (many connections only ever send). */
  get assembler(): MessageAssembler {
    return (this.#assembler ??= new MessageAssembler(this, {
      aggregateMessageBytes: this.#aggregateMessageBytes,
      // The transport's chunks are ours once read (the parser unmasks them in place, and a
      // message within one read is a view of it already): one spanning reads needs no copy.
      partsStayValid: true,
    }));
  }

  /** Settles with how the connection ended; made on first use, never rejects. */
  get closed(): Promise<CloseOutcome> {
    if (this.#closed === undefined) {
      const outcome = this.#outcome;
      this.#closed =
        outcome === undefined
          ? new Promise((resolve) => (this.#resolveClosed = resolve))
          : Promise.resolve(outcome);
    }
    return this.#closed;
  }

  /** The round-trip time of the latest Ping answered, in ms; undefined before the first answer. */
  get lastPingRttMs(): number | undefined {
    return this.#roundTrip?.lastMs;
  }

  /** Sends a Ping (flushed by the caller) and times it. */
  sendPing(payload: Uint8Array | string): void {
    this.protocol.sendPing(payload);
    (this.#roundTrip ??= new PingRoundTrip(this.#clock)).pingSent(payload);
  }

  /** True once the transport closed and the outcome is known. */
  get finished(): boolean {
    return this.#finished;
  }

  /**
   * Application code failed (a handler, a listener, a streamed source) or asked to close with a
   * code: close once, with the error's own sendable code or 1011, and remember real failures.
   */
  onApplicationError(error: unknown): void {
    // The peer's protocol error comes first (often it is what failed the application: a Streamed
    // body cut short by it); after the peer's Close, the answer is its echo.
    if (this.#pendingClose !== undefined) this.sendPendingClose();
    if (this.#finished || this.protocol.state !== ProtocolState.Open) return;
    const request = closeRequest(error);
    const first = request === undefined && this.handlerError === undefined;
    if (first) this.handlerError = error;
    const note = noteOfError(error);
    this.noteCause(note);
    if (errorChannel.hasSubscribers && note.kind !== 'local' && (first || request !== undefined)) {
      this.publishError(note.kind === 'handler' ? 'handler' : 'protocol', error);
    }
    this.close(request?.code ?? CloseCode.InternalError, request?.reason ?? 'internal error');
    if (first) this.onHandlerError?.(error);
  }

  /** Bytes from the transport: parse, deliver what is complete, flush what is due. */
  receive(chunk: Uint8Array): void {
    if (this.#finished) return;
    this.#liveness?.onReceived(chunk.length);
    try {
      this.protocol.receiveData(chunk);
    } catch (error) {
      // Nothing the parser calls here throws (listeners' errors are caught): a bug. Fail safe.
      const internal = 'internal error';
      this.fail(
        new ProtocolError(ErrorCode.Internal, internal, CloseCode.InternalError, { cause: error }),
      );
    }
    this.#inflation?.endBatch();
    this.deliverBatch();
    if (this.#pendingClose !== undefined) this.#closeOnceAnswered();
    this.writer.flush();
    this.checkClosing();
    this.#budget?.report();
  }

  /**
   * BudgetHolder: what it buffers now, sending (see {@link OutgoingWriter.heldBytes}) and
   * receiving (the socket's unread input, a message being collected, a Streamed body's queued
   * parts, messages waiting for the handler); nothing once the transport is destroyed.
   */
  measureHeldBytes(): number {
    const transport = this.transport;
    if (transport.destroyed) return 0;
    return (
      this.writer.heldBytes +
      transport.readableLength +
      this.incoming.queuedBytes +
      (this.#assembler?.heldBytes ?? 0) +
      (this.#inflation?.heldBytes ?? 0)
    );
  }

  /**
   * BudgetHolder: the memory budget is full and this connection holds the most. Messages waiting
   * for the handler and hub messages not yet written are dropped, the Close (1013 "memory budget
   * exceeded") is sent, and the transport is destroyed when the Close waits behind bytes the peer
   * has not read.
   */
  shedForBudget(): void {
    if (!this.#finished && this.protocol.state === ProtocolState.Open) {
      this.writer.pendingFrames = undefined; // a hub's held-back messages are not released
      this.writer.dropQueuedFrames();
      this.incoming.discard();
      const error = new ProtocolError(
        ErrorCode.MemoryBudget,
        'memory budget exceeded',
        CloseCode.TryAgainLater,
      );
      const bytes = this.#budget?.budget.bytes;
      const limit = bytes === undefined ? undefined : { name: 'memoryBudget.bytes', value: bytes };
      this.fail(
        error,
        limit === undefined ? { kind: 'budget', error } : { kind: 'budget', error, limit },
      );
    }
    if (this.transport.writableLength > 0) this.transport.destroy();
  }

  /**
   * The input held messages, then a bad frame or the peer's Close: send our Close once the
   * application took them and asked for more, the promise callbacks that follow ran (a
   * disconnected source answers in them) and the writer wrote what they sent, or after the close
   * timeout. Autobahn cases 3.2-3.4, 4.1.3-4.1.5, 4.2.3-4.2.5 and 5.15 expect the replies before
   * a failure's Close; a peer that sends its last messages with its Close expects their replies.
   */
  #closeOnceAnswered(): void {
    if (this.#pendingCloseTimer !== undefined) return;
    if (this.repliesWrittenWhenTaken && this.#inflation === undefined) {
      // Usually at once (a synchronous map): then no timer and no turn are spent on the Close.
      this.incoming.whenConsumed(() => sendOnceWritten(this));
      if (this.#pendingClose === undefined) return;
      this.#pendingCloseTimer = this.#clock.setTimeout(
        () => this.sendPendingClose(),
        this.#closeTimeoutMs,
      );
      return;
    }
    this.#pendingCloseTimer = this.#clock.setTimeout(
      () => this.sendPendingClose(),
      this.#closeTimeoutMs,
    );
    const whenConsumed = (): void =>
      this.incoming.whenConsumed(() => setImmediate(sendOnceWritten, this));
    // Complete messages may still be inflating: they are delivered (and answered) first.
    if (this.#inflation === undefined) whenConsumed();
    else this.#inflation.whenDrained(whenConsumed);
  }

  /** Sends the pending Close, now (from a timer or once the application answered). */
  sendPendingClose(): void {
    const pending = this.#pendingClose;
    if (pending === undefined) return;
    this.#clearPendingClose();
    // The peer's Close is answered by close(), whatever code it is given (5.5.1: its echo).
    if (pending === ANSWER_CLOSE) this.close(CloseCode.Normal, '');
    else this.fail(pending);
  }

  #clearPendingClose(): void {
    this.#pendingClose = undefined;
    if (this.#pendingCloseTimer === undefined) return;
    this.#clock.clearTimeout(this.#pendingCloseTimer);
    this.#pendingCloseTimer = undefined;
  }

  /**
   * Fails the connection because of `error` (the engine's one failure path): the protocol sends
   * the Close and tells {@link ConnectionCore.onProtocolError}; the Close is flushed and the
   * transport ended when due.
   */
  fail(error: ProtocolError, note?: CauseNote): void {
    this.noteCause(note ?? noteOfError(error, this.protocol));
    this.protocol.failWith(error);
    this.writer.flush();
    this.checkClosing();
  }

  /** Ends the assembler's batch and hands its messages on (also after an async inflate). */
  deliverBatch(): void {
    this.#assembler?.endBatch();
    const batch = this.#batch;
    if (batch === undefined || batch.length === 0) return;
    for (let i = 0; i < batch.length; i++) this.incoming.push(batch[i]);
    batch.length = 0;
  }

  /** IncomingOwner: messages wait for the application, or not any more. */
  setIncomingPaused(paused: boolean): void {
    this.setPaused(PauseReason.Incoming, paused);
  }

  /**
   * A Ping or Pong for a flow that receives them: after the messages that began before it
   * (some may still be inflating), handed on with them once the input batch ends.
   */
  deliverControl(message: ControlMessage): void {
    const inflation = this.#inflation;
    // The queue carries data and control messages alike; only flows that asked get the latter.
    const deliver = (): void => this.deliver(message as unknown as Message);
    if (inflation === undefined) deliver();
    else inflation.afterHeld(deliver);
  }

  /** AssemblerOwner: a message is complete; it is handed on once the input batch ends. */
  deliver(message: Message): void {
    (this.#batch ??= []).push(message);
  }

  /** AssemblerOwner: a Streamed body's queue is full. */
  pauseReading(): void {
    this.setPaused(PauseReason.Assembler, true);
  }

  /** AssemblerOwner: every Streamed body has room again. */
  resumeReading(): void {
    this.setPaused(PauseReason.Assembler, false);
  }

  /**
   * Sets or clears one reason to pause reading the transport. Once the protocol discards its
   * input (after the peer's Close or a failure) reading never pauses, so the EOF gets through.
   */
  setPaused(reason: number, paused: boolean): void {
    const before = this.#paused;
    this.#paused = paused && !this.#discardingInput ? before | reason : before & ~reason;
    if (before === 0 && this.#paused !== 0) this.transport.pause();
    else if (this.#paused === 0 && !this.#finished && this.transport.isPaused())
      this.transport.resume();
  }

  /**
   * Sends a Close (when none was sent yet) and starts the close timeout. After the peer's Close,
   * the Close sent is the answer to it, with its code (5.5.1), not `code`. Without a code, the
   * Close has no body.
   */
  close(code: number | undefined, reason: string, note: CauseNote = LOCAL_CLOSE): void {
    const protocol = this.protocol;
    this.noteCause(note);
    if (protocol.state === ProtocolState.Open) {
      this.writer.releasePending(); // a hub's messages published before the Close go first
      if (protocol.closeReceived) protocol.answerClose();
      else protocol.sendClose(code, reason);
      this.writer.flush();
    }
    if (this.#pendingClose === ANSWER_CLOSE) this.#clearPendingClose();
    this.checkClosing();
    if (this.#endAfterAnswer) {
      this.#endAfterAnswer = false;
      this.onTransportEnd();
    }
  }

  /** Once closing: arm the timeout, and end the transport when the protocol says so. */
  checkClosing(): void {
    if (this.#finished || this.protocol.state === ProtocolState.Open) return;
    this.#liveness?.stop();
    if (this.#discardingInput && this.#paused !== 0) this.setPaused(this.#paused, false);
    if (this.#closeTimer === undefined) {
      this.#closeTimer = this.#clock.setTimeout(() => this.#onCloseTimeout(), this.#closeTimeoutMs);
    }
    if (!this.#transportEnded && this.protocol.closeTransportExpected()) {
      this.#transportEnded = true;
      this.writer.flush();
      this.transport.end();
    }
  }

  /** The peer ended its side: EOF for the protocol, and end ours. */
  onTransportEnd(): void {
    // The peer sent its Close and ended its side, and still reads: answer what came first.
    if (this.#pendingClose === ANSWER_CLOSE && canStillWrite(this.transport)) {
      this.#endAfterAnswer = true;
      return;
    }
    this.protocol.receiveEof();
    this.writer.flush();
    if (!this.#transportEnded) {
      this.#transportEnded = true;
      this.transport.end();
    }
  }

  /** The transport failed: remember why; 'close' follows. */
  onTransportError(error: unknown): void {
    if (errorChannel.hasSubscribers) this.publishError('transport', error);
    this.#failure ??= error;
    this.noteCause({ kind: 'transport', error });
    this.transport.destroy();
  }

  /** The transport is gone: settle the outcome, end the streams, resolve `closed`. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#budget?.leave();
    this.#liveness?.stop();
    if (this.#closeTimer !== undefined) this.#clock.clearTimeout(this.#closeTimer);
    this.#clearPendingClose();
    this.protocol.receiveEof();
    const closeOutcome = this.protocol.closeOutcome ?? NO_CLOSE;
    const cause = makeCloseCause(this.#note, closeOutcome.cause, this.#failure);
    const outcome: CloseOutcome = { ...closeOutcome, cause };
    const ok = outcome.wasClean && isOkCloseCode(outcome.code);
    // Errors capture a stack: make them only where they are needed.
    const failure = this.#failure;
    const closedError = (): ConnectionClosed =>
      new ConnectionClosed(
        outcome,
        undefined,
        failure === undefined ? undefined : { cause: failure },
      );
    this.#inflation?.abortOpen();
    this.#abortAssembler(() => truncated(outcome, failure));
    // Messages that arrived whole but are still inflating are delivered before the end.
    const end = (): void => this.incoming.end(ok ? undefined : closedError());
    if (this.#inflation === undefined) end();
    else this.#inflation.finish(end);
    this.#compression?.close();
    this.writer.close(closedError);
    this.#outcome = outcome;
    if (connectionCloseChannel.hasSubscribers) this.#publishClose(outcome);
    this.#resolveClosed?.(outcome);
    const listeners = this.closeListeners;
    if (listeners !== undefined)
      for (const listener of listeners.slice()) notifyClosed(listener, outcome);
  }

  /**
   * Notes what begins the close, unless something did already (the first note wins): its kind
   * and details, and whether the connection was still open. Nothing is noted once it is over.
   */
  noteCause(note: CauseNote): void {
    if (this.#note !== undefined || this.#finished) return;
    const phase = this.protocol.closeSent ? 'closing' : 'open';
    this.#note = { ...note, phase };
  }

  /** Tells `wsflow:error` of a failure (the caller checked that someone listens). */
  publishError(source: ErrorSource, error: unknown): void {
    const message: ErrorPayload = {
      connection: this.face,
      side: this.protocol.side,
      source,
      error,
    };
    errorChannel.publish(message);
  }

  #publishClose(outcome: CloseOutcome): void {
    const startedAt = this.#startedAt;
    const message: ConnectionClosePayload = {
      connection: this.face,
      side: this.protocol.side,
      code: outcome.code,
      reason: outcome.reason,
      wasClean: outcome.wasClean,
      cause: outcome.cause,
      durationMs: startedAt === undefined ? undefined : this.#clock.now() - startedAt,
    };
    connectionCloseChannel.publish(message);
  }

  /** ProtocolHandler: a message begins (to the assembler). */
  onMessageStart(kind: MessageKind, compressed: boolean, wholeBytes?: number): void {
    if (messageChannel.hasSubscribers) this.#inbound = new InboundCount(kind, compressed);
    // From the first compressed message on, every message goes through the stage, in order.
    if (compressed) this.#inflation ??= this.#compression?.inflateStage();
    (this.#inflation ?? this.assembler).onMessageStart(kind, compressed, wholeBytes);
  }

  /** ProtocolHandler: a part of the message (to the assembler). */
  onMessageData(chunk: Uint8Array, last: boolean): void {
    if (this.#inbound !== undefined) this.#countInbound(chunk.length, last);
    (this.#inflation ?? this.assembler).onMessageData(chunk, last);
  }

  /** Counts a part of the message being received; tells `wsflow:message` once it is whole. */
  #countInbound(bytes: number, last: boolean): void {
    const inbound = this.#inbound as InboundCount;
    inbound.bytes += bytes;
    if (!last) return;
    this.#inbound = undefined;
    if (!messageChannel.hasSubscribers) return;
    const message: MessagePayload = {
      connection: this.face,
      side: this.protocol.side,
      direction: 'in',
      kind: inbound.kind,
      bytes: inbound.bytes,
      compressed: inbound.compressed,
    };
    messageChannel.publish(message);
  }

  /** ProtocolHandler: a Ping (the protocol answered it); tells the listeners. */
  onPing(payload: Uint8Array): void {
    if (this.pingListeners !== undefined) this.#notify(this.pingListeners, payload);
  }

  /** ProtocolHandler: a Pong; times the Ping it answers, tells keep-alive and the listeners. */
  onPong(payload: Uint8Array): void {
    if (this.#roundTrip?.onPong(payload) === true && pingRoundTripChannel.hasSubscribers) {
      const rttMs = this.#roundTrip.lastMs as number;
      const message: PingRoundTripPayload = {
        connection: this.face,
        side: this.protocol.side,
        rttMs,
      };
      pingRoundTripChannel.publish(message);
    }
    this.#liveness?.onPong();
    if (this.pongListeners !== undefined) this.#notify(this.pongListeners, payload);
  }

  /**
   * ProtocolHandler: the peer's Close; a message still open is truncated, input is discarded. It
   * is answered once the messages before it are (#closeOnceAnswered); nothing keeps it alive.
   */
  onPeerClose(code: number, reason: string): void {
    this.#discardingInput = true;
    this.noteCause(PEER_CLOSE);
    if (!this.protocol.closeSent) {
      this.#pendingClose ??= ANSWER_CLOSE;
      this.#liveness?.stop();
    }
    this.#inflation?.abortOpen();
    this.#abortAssembler(() => truncated({ code, reason, closedBy: 'remote' }));
  }

  /** ProtocolHandler: the peer broke the protocol; its Close is queued, input is discarded. */
  onProtocolError(error: ProtocolError): void {
    // A parse error leaves the protocol open: the Close waits for the replies (#failOnceAnswered).
    if (this.protocol.state === ProtocolState.Open) this.#pendingClose ??= error;
    // A deferred parse error comes here again when its Close is sent: told once.
    if (errorChannel.hasSubscribers && this.#failure !== error)
      this.publishError('protocol', error);
    this.noteCause(noteOfError(error, this.protocol));
    this.#discardingInput = true;
    this.#failure ??= error;
    this.#inflation?.abortOpen();
    this.#abortAssembler(() =>
      truncated({ code: error.closeCode, reason: '', closedBy: 'local' }, error),
    );
  }

  /**
   * Aborts the message the assembler has open. Behind the inflate stage, only once the complete
   * messages it still inflates were delivered: their output goes through the assembler, and an
   * abort in the middle of one would deliver the rest of it as a message of its own.
   */
  #abortAssembler(makeError: () => unknown): void {
    const inflation = this.#inflation;
    if (inflation === undefined) this.#assembler?.abort(makeError);
    else inflation.afterHeld(() => this.#assembler?.abort(makeError));
  }

  // Listeners run inside the parse, so the payload view is still valid; their errors are caught
  // here and handled after it, never thrown into the parser.
  #notify(listeners: Listener[], payload: Uint8Array): void {
    for (const listener of listeners.slice()) {
      try {
        listener(payload);
      } catch (error) {
        queueMicrotask(() => this.onApplicationError(error));
      }
    }
  }

  #onCloseTimeout(): void {
    this.#closeTimer = undefined;
    // The timeout is the news after an ordinary close; after any other, the close's own cause is.
    const kind = this.#note?.kind;
    if (!this.#finished && (kind === undefined || kind === 'local' || kind === 'peer')) {
      const timer = { name: 'closeTimeoutMs', ms: this.#closeTimeoutMs };
      this.#note = { kind: 'timeout', phase: 'closing', timer };
    }
    if (!this.#finished) this.transport.destroy();
  }
}

/** Calls a close listener; its error surfaces as an uncaught exception, as from an event listener. */
function notifyClosed(listener: (outcome: CloseOutcome) => void, outcome: CloseOutcome): void {
  try {
    listener(outcome);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** A message being received: its kind and the payload bytes read so far. */
class InboundCount {
  readonly kind: MessageKind;
  readonly compressed: boolean;
  bytes = 0;
  constructor(kind: MessageKind, compressed: boolean) {
    this.kind = kind;
    this.compressed = compressed;
  }
}

/** The pending Close that answers the peer's. */
const ANSWER_CLOSE = Symbol("answer the peer's Close");

const NO_CLOSE: CloseOutcome = {
  code: CloseCode.AbnormalClosure,
  reason: '',
  wasClean: false,
  closedBy: 'none',
  cause: { kind: 'transport', phase: 'open' },
};

function truncated(
  outcome: Partial<CloseOutcome> & { code: number },
  cause?: unknown,
): ConnectionClosed {
  const message = `truncated message: the connection closed (${outcome.code}) before its end`;
  return new ConnectionClosed(outcome, message, cause === undefined ? undefined : { cause });
}

function startReading(core: ConnectionCore, head: Uint8Array | undefined): void {
  const transport = core.transport;
  if (head !== undefined && head.length > 0) core.receive(head);
  transport.on('data', transportOnData);
  transport.on('end', transportOnEnd);
  transport.on('error', transportOnError);
  transport.on('close', transportOnClose);
  if (transport.destroyed) core.finish();
  else core.setPaused(0, false); // a transport handed over paused starts flowing (unless we paused it)
}

/** The application answered what came before the pending Close: send it once that is written. */
function sendOnceWritten(core: ConnectionCore): void {
  core.writer.whenIdle(() => core.sendPendingClose());
}

/** True while the transport takes writes after the peer ended its side (it allows half-open). */
function canStillWrite(transport: Duplex): boolean {
  return transport.allowHalfOpen && !transport.writableEnded && !transport.destroyed;
}

function owner(transport: Duplex): ConnectionCore {
  return (transport as BoundTransport)[kCore] as ConnectionCore;
}

function transportOnData(this: Duplex, chunk: Uint8Array): void {
  owner(this).receive(chunk);
}

function transportOnEnd(this: Duplex): void {
  owner(this).onTransportEnd();
}

function transportOnError(this: Duplex, error: Error): void {
  owner(this).onTransportError(error);
}

function transportOnClose(this: Duplex): void {
  owner(this).finish();
}
