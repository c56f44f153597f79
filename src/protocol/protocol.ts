// Protocol layer: the sans-I/O WebSocket session (RFC 6455 sections 5-7). Bytes in through
// receiveData/receiveEof, events out through a ProtocolHandler, bytes to send out through
// takeOutgoing. No sockets, timers or streams: the connection layer binds it to a transport.

import { EMPTY } from '../codec/bytes.js';
import { CloseCode } from '../codec/close-code.js';
import { fitCloseReason, parseClosePayload } from '../codec/close-payload.js';
import { ErrorCode, InvalidStateError, ProtocolError } from '../errors.js';
import { maskKeySource } from '../codec/mask.js';
import { Opcode } from '../codec/opcode.js';
import { CloseState } from './close-state.js';
import type { CloseOutcome, MessageKind, ProtocolHandler, Side } from './events.js';
import { FrameParser } from './parser.js';
import type { ControlFrameSink } from './parser.js';
import { ProtocolState } from './protocol-options.js';
import type { ProtocolOptions } from './protocol-options.js';
import { MessageSender, outOfSequence } from './sender.js';
import { FrameWriter } from './serializer.js';

export { ProtocolState } from './protocol-options.js';
export type { ProtocolOptions } from './protocol-options.js';

/**
 * A sans-I/O WebSocket session for one side of an established connection.
 *
 * The handler's callbacks run synchronously inside {@link Protocol.receiveData}. An exception a
 * callback throws is not treated as a protocol error: it propagates out of `receiveData`, the
 * rest of that chunk is dropped and the protocol reads no more input; the owner decides what to
 * do (typically `fail(1011)`).
 *
 * @example
 * const protocol = new Protocol({ side: 'server', handler });
 * socket.on('data', (chunk) => {
 *   protocol.receiveData(chunk);
 *   for (const bytes of protocol.takeOutgoing()) socket.write(bytes);
 *   if (protocol.closeTransportExpected()) socket.end();
 * });
 * socket.on('end', () => protocol.receiveEof());
 */
export class Protocol implements ControlFrameSink {
  /** Which side this session plays. */
  readonly side: Side;
  private currentState: ProtocolState = ProtocolState.Open;
  private outcome: CloseOutcome | undefined = undefined;
  private readonly close = new CloseState();
  private readonly handler: ProtocolHandler;
  /** The per-message limit it was given (what a close cause names when it is exceeded). */
  readonly maxMessageBytes: number | undefined;
  /** The per-frame limit it was given. */
  readonly maxFrameBytes: number | undefined;
  private readonly rsv1Allowed: boolean | undefined;
  /** Made on the first bytes: a connection that never receives anything needs none. */
  private parserMade: FrameParser | undefined;
  private inputDiscarded = false;
  private readonly writer: FrameWriter;
  private autoPong: boolean;
  private readonly sender: MessageSender;
  private readonly deferParseFailures: boolean;
  private readonly deferCloseEcho: boolean;

  constructor(options: ProtocolOptions) {
    this.side = options.side;
    this.handler = options.handler;
    this.autoPong = options.autoPong ?? true;
    this.deferParseFailures = options.deferParseFailures ?? false;
    this.deferCloseEcho = options.deferCloseEcho ?? false;
    this.maxMessageBytes = options.maxMessageBytes;
    this.maxFrameBytes = options.maxFrameBytes;
    this.rsv1Allowed = options.rsv1Allowed;
    // 5.3: "The masking key is a 32-bit value chosen at random by the client."
    const masks = options.side === 'client' ? maskKeySource(options.maskGenerator) : null;
    this.writer = new FrameWriter(masks);
    const frameBytes = options.maxOutgoingFrameBytes ?? Infinity;
    this.sender = new MessageSender(this.writer, options.rsv1Allowed ?? false, frameBytes);
  }

  /** OPEN, then CLOSING once a Close was sent, then CLOSED when the transport ended. */
  get state(): ProtocolState {
    return this.currentState;
  }

  /** How the connection ended; undefined until the state is CLOSED. */
  get closeOutcome(): CloseOutcome | undefined {
    return this.outcome;
  }

  /** True once the peer's Close arrived (answered or not: see {@link Protocol.closeSent}). */
  get closeReceived(): boolean {
    return this.close.closeReceived;
  }

  /** True once a Close was sent: ours, or the answer to the peer's. Nothing can be sent after it. */
  get closeSent(): boolean {
    return this.close.closeSent;
  }

  /** True when bytes wait in {@link Protocol.takeOutgoing}. */
  get hasOutgoing(): boolean {
    return this.writer.pendingBytes !== 0;
  }

  /** The number of bytes waiting in {@link Protocol.takeOutgoing}. */
  get outgoingBytes(): number {
    return this.writer.pendingBytes;
  }

  /**
   * Payload bytes of the data frame being read that have not arrived yet; 0 between frames, in a
   * control frame, and once input is discarded. With {@link Protocol.lastDataFrameBytes}, what a
   * reader needs to have the rest of a large frame land right after its beginning.
   */
  get awaitedPayloadBytes(): number {
    return this.inputDiscarded ? 0 : (this.parserMade?.awaitedPayloadBytes ?? 0);
  }

  /** The payload length of the latest data frame whose header was read (being read, or done). */
  get lastDataFrameBytes(): number {
    return this.parserMade?.lastDataFrameBytes ?? 0;
  }

  /**
   * Feeds bytes received from the transport. The chunk becomes the protocol's: it may be
   * unmasked in place, and payloads handed to the handler are views of it. Input is discarded
   * after a failure, after the peer's Close, after EOF, and after a handler threw. Not reentrant.
   *
   * @throws whatever a handler callback throws (never a protocol error: those fail the connection)
   */
  receiveData(chunk: Uint8Array): void {
    if (this.inputDiscarded) return;
    const parser = this.parser;
    if (parser.discarding) return;
    try {
      parser.push(chunk);
    } catch (error) {
      this.onParseError(error);
    }
  }

  /** The transport ended (EOF or closed): state CLOSED; the outcome is 1006 unless clean. */
  receiveEof(): void {
    if (this.currentState === ProtocolState.Closed) return;
    this.discardInput();
    this.sender.abort();
    this.currentState = ProtocolState.Closed;
    this.outcome = this.close.outcome();
  }

  /**
   * Sends the first frame of a text message (a string, or bytes already encoded as UTF-8).
   *
   * @param fin false when continuations follow ({@link Protocol.sendContinuation})
   * @param compressed sets RSV1: `data` is already compressed by permessage-deflate
   * @param maskInPlace a client may mask a large `data` buffer in place instead of a copy
   * @throws {InvalidStateError} after a Close was sent, or `compressed` without the extension
   * @throws {ProtocolError} while a fragmented message is still open (`WSFLOW_ERR_SEND_OUT_OF_SEQUENCE`)
   * @example
   * protocol.sendText('hello');
   * protocol.sendText('hel', false);
   * protocol.sendContinuation('lo', true);
   */
  sendText(data: string | Uint8Array, fin = true, compressed = false, maskInPlace = false): void {
    this.checkCanSend();
    this.sender.text(data, fin, compressed, maskInPlace);
  }

  /**
   * Sends complete frames serialized once for many connections (a hub's topic message), in order
   * with everything else sent. A server only: the frames are unmasked.
   *
   * @param frames - one or more whole, unmasked frames; RSV1 only where deflate was agreed.
   * @throws {InvalidStateError} after a Close was sent, or on a client
   * @throws {ProtocolError} while a fragmented message is still open
   * @example
   * protocol.sendFrames(serializeFrame(Opcode.Text, Buffer.from('news')));
   */
  sendFrames(frames: Uint8Array): void {
    this.checkCanSend();
    if (this.side !== 'server') throw new InvalidStateError('a client masks every frame it sends');
    if (this.sender.messageOpen) throw outOfSequence('a fragmented message is open: end it first');
    this.writer.writeFrameBytes(frames);
  }

  /**
   * Sends the first frame of a binary message. See {@link Protocol.sendText}.
   *
   * @example
   * protocol.sendBinary(Uint8Array.of(1, 2, 3));
   */
  sendBinary(data: Uint8Array, fin = true, compressed = false, maskInPlace = false): void {
    this.checkCanSend();
    this.sender.binary(data, fin, compressed, maskInPlace);
  }

  /**
   * Sends a whole message in one frame whose payload is `parts` one after the other, written as
   * they are instead of joined first (a message received in several reads is sent on without a
   * copy). Text parts are UTF-8 bytes. A client masks a copy; the parts are not changed. Longer
   * than `maxOutgoingFrameBytes`, the parts are joined and fragmented as {@link Protocol.sendBinary}.
   *
   * @param kind - `'text'` or `'binary'`.
   * @param parts - the payload, in order.
   * @throws {InvalidStateError} after a Close was sent
   * @throws {ProtocolError} while a fragmented message is still open (`WSFLOW_ERR_SEND_OUT_OF_SEQUENCE`)
   * @example
   * protocol.sendWholeMessage('binary', [Uint8Array.of(1, 2), Uint8Array.of(3)]);
   */
  sendWholeMessage(kind: MessageKind, parts: readonly Uint8Array[]): void {
    this.checkCanSend();
    this.sender.whole(kind === 'text' ? Opcode.Text : Opcode.Binary, parts);
  }

  /**
   * Sends a continuation frame of the open message; `fin` ends it.
   *
   * @throws {ProtocolError} when no message is open (`WSFLOW_ERR_SEND_OUT_OF_SEQUENCE`)
   * @example
   * protocol.sendBinary(first, false);
   * protocol.sendContinuation(rest, true);
   */
  sendContinuation(data: string | Uint8Array, fin: boolean, maskInPlace = false): void {
    this.checkCanSend();
    this.sender.continuation(data, fin, maskInPlace);
  }

  /**
   * Sends a Ping (5.5.2). @throws {RangeError} for a payload over 125 bytes
   *
   * @example
   * protocol.sendPing('keepalive');
   */
  sendPing(payload: Uint8Array | string = EMPTY): void {
    this.checkCanSend();
    this.sender.control(Opcode.Ping, payload);
  }

  /**
   * Turns auto-pong on or off from now on (a handler that answers Pings itself turns it off).
   *
   * @param on - answer each Ping with a Pong carrying its payload.
   * @example
   * protocol.setAutoPong(false);
   */
  setAutoPong(on: boolean): void {
    this.autoPong = on;
  }

  /** Sends an unsolicited Pong (5.5.3: a unidirectional heartbeat). */
  sendPong(payload: Uint8Array | string = EMPTY): void {
    this.checkCanSend();
    this.sender.control(Opcode.Pong, payload);
  }

  /**
   * Starts the closing handshake: sends a Close (empty body without `code`); state CLOSING.
   * Nothing can be sent after it. Keep reading: the peer's messages still arrive until its Close.
   *
   * @throws {RangeError} for a code that may not be sent or a reason over 123 bytes
   * @throws {InvalidStateError} when a Close was already sent (also as the echo of the peer's)
   * @example
   * protocol.sendClose(1000, 'bye');
   */
  sendClose(code?: number, reason = ''): void {
    this.checkCanSend();
    this.writer.writeClose(code, reason);
    this.close.recordSent(code, reason);
    this.sender.abort();
    this.currentState = ProtocolState.Closing;
  }

  /**
   * Answers the peer's Close with a Close carrying its code (5.5.1: "When sending a Close frame in
   * response, the endpoint typically echos the status code it received"), an empty body for an
   * empty one; state CLOSING. Called by the protocol itself unless `deferCloseEcho` is set.
   *
   * @throws {InvalidStateError} before the peer's Close, or when a Close was already sent
   * @example
   * protocol.answerClose(); // after onPeerClose, once the replies before it were sent
   */
  answerClose(): void {
    if (!this.close.closeReceived) throw new InvalidStateError('no Close was received');
    this.checkCanSend();
    const code = this.close.receivedCode;
    // 5.5.1: "If an endpoint receives a Close frame and did not previously send a Close frame, the
    // endpoint MUST send a Close frame in response."
    const echo = code === CloseCode.NoStatusReceived ? undefined : code;
    this.writer.writeClose(echo, '');
    this.close.recordSent(echo, '');
    this.sender.abort();
    this.currentState = ProtocolState.Closing;
  }

  /**
   * Fails the connection (7.1.7): sends a Close with `code` unless one was sent (or `code` is
   * 1006, which sends none), stops reading, and asks for the transport to be closed
   * ({@link Protocol.closeTransportExpected}). A no-op once CLOSED.
   *
   * @throws {RangeError} for a code that may not be sent (other than 1006) or a long reason
   * @example
   * protocol.fail(1011, 'internal error');
   */
  fail(code: number, reason = ''): void {
    if (this.currentState === ProtocolState.Closed) return;
    if (!this.close.closeSent && code !== CloseCode.AbnormalClosure) {
      this.writer.writeClose(code, reason);
      this.close.recordSent(code, reason);
    }
    // 7.1.7: "An endpoint MUST NOT continue to attempt to process data (including a responding
    // Close frame) from the remote endpoint after being instructed to _Fail the WebSocket
    // Connection_."
    this.close.failed = true;
    this.discardInput();
    this.sender.abort();
    this.currentState = ProtocolState.Closing;
  }

  /**
   * Fails the connection because of `error` (the one path for every failure that carries a
   * ProtocolError): sends a Close with its close code and its message, cut to fit, then tells the
   * handler through `onProtocolError`. A no-op once CLOSED.
   *
   * @param error - what went wrong; its `closeCode` is sent.
   * @example
   * protocol.failWith(new ProtocolError(ErrorCode.InvalidUtf8, 'invalid UTF-8', 1007));
   */
  failWith(error: ProtocolError): void {
    if (this.currentState === ProtocolState.Closed) return;
    this.fail(error.closeCode, fitCloseReason(error.message));
    this.handler.onProtocolError(error);
  }

  /**
   * The bytes to write to the transport, in order; empties the queue. Consecutive small frames
   * share one buffer.
   */
  takeOutgoing(): Uint8Array[] {
    return this.writer.take();
  }

  /**
   * @internal For the connection layer: the buffer a client made for a masked copy of a large
   * frame among the bytes of the last {@link Protocol.takeOutgoing}, once; it gives it back
   * (`recycleFrameBuffer`) when the transport is done with it, so a later copy is masked into it.
   */
  takeLentBuffer(): Buffer | undefined {
    return this.writer.takeLent();
  }

  /**
   * True when the owner should end the transport now: after a failure, or on the server once
   * both Close frames went. 7.1.1: "The underlying TCP connection, in most normal cases, SHOULD
   * be closed first by the server". A client otherwise waits for the server to close, with a
   * timeout of its own (python-websockets' `close_expected`).
   */
  closeTransportExpected(): boolean {
    if (this.currentState === ProtocolState.Closed) return false;
    if (this.close.failed) return true;
    return this.side === 'server' && this.close.handshakeComplete;
  }

  /**
   * The parser's control frame callback: Ping, Pong and Close (5.5). Called by the parser (the
   * Protocol is its own ControlFrameSink, which saves an object per connection); not for applications.
   */
  onControlFrame(opcode: number, payload: Uint8Array): void {
    if (opcode === Opcode.Ping) this.onPing(payload);
    else if (opcode === Opcode.Pong) this.callHandler(opcode, payload);
    else this.onClose(payload);
  }

  private onPing(payload: Uint8Array): void {
    // 5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response,
    // unless it already received a Close frame." (And nothing leaves after our own Close.)
    if (this.autoPong && !this.close.closeSent) {
      this.writer.writeFrame(Opcode.Pong, true, false, payload, false);
    }
    this.callHandler(Opcode.Ping, payload);
  }

  private get parser(): FrameParser {
    return this.parserMade ?? this.makeParser();
  }

  private makeParser(): FrameParser {
    const { side, maxMessageBytes, maxFrameBytes, rsv1Allowed } = this;
    const options = { side, maxMessageBytes, maxFrameBytes, rsv1Allowed };
    return (this.parserMade = new FrameParser(options, this.handler, this));
  }

  private discardInput(): void {
    this.inputDiscarded = true;
    this.parserMade?.discard();
  }

  private onClose(payload: Uint8Array): void {
    const { code, reason } = parseClosePayload(payload);
    this.discardInput();
    this.close.recordReceived(code, reason);
    // With deferCloseEcho the owner answers once the messages before the Close are answered.
    if (!this.close.closeSent && !this.deferCloseEcho) this.answerClose();
    this.parser.inCallback = true;
    this.handler.onPeerClose(code, reason);
    this.parser.inCallback = false;
  }

  private callHandler(opcode: number, payload: Uint8Array): void {
    this.parser.inCallback = true;
    if (opcode === Opcode.Ping) this.handler.onPing(payload);
    else this.handler.onPong(payload);
    this.parser.inCallback = false;
  }

  /** The one place where parse errors become close codes (STYLE.md section 4). */
  private onParseError(error: unknown): void {
    const parser = this.parser;
    if (parser.inCallback) {
      parser.inCallback = false;
      this.discardInput();
      throw error;
    }
    const failure =
      error instanceof ProtocolError
        ? error
        : new ProtocolError(ErrorCode.Internal, 'internal error', CloseCode.InternalError, {
            cause: error,
          });
    if (!this.deferParseFailures) return this.failWith(failure);
    // The owner sends the Close (failWith) once what came before the bad frame is answered.
    this.discardInput();
    this.handler.onProtocolError(failure);
  }

  private checkCanSend(): void {
    if (this.close.closeSent) throw new InvalidStateError('cannot send after a Close frame');
    if (this.currentState === ProtocolState.Closed)
      throw new InvalidStateError('connection is closed');
  }
}
