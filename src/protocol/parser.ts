// Protocol layer: the incremental frame parser. Bytes in any chunking → frame parts out (a
// message start, then payload chunks as they arrive, as Akka's FrameEventParser), with every
// receiver rule of RFC 6455 section 5 checked at header time. Sans-I/O: no sockets, no timers.
//
// Ownership: a chunk handed to `push` becomes the parser's. Masked payloads are unmasked in place
// and delivered as views (Buffer instances) over the chunk's memory; nothing is copied except a
// header or a control frame that straddles chunks.

import { CloseCode } from '../codec/close-code.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import {
  FrameHeader,
  headerLengthFromSecondByte,
  MAX_HEADER_BYTES,
  parseFrameHeader,
} from '../codec/frame-header.js';
import { EMPTY, FastBuffer } from '../codec/bytes.js';
import { applyMask } from '../codec/mask.js';
import { Opcode } from '../codec/opcode.js';
import { Utf8Validator, isValidUtf8 } from '../codec/utf8.js';
import type { MessageKind, ProtocolHandler, Side } from './events.js';
import { checkFrameHeader } from './frame-rules.js';

/** Default per-message limit: 16 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * What each fragment after the first adds to a message's accounted size on top of its payload,
 * so that a flood of tiny or empty fragments runs into the message limit (1009) while a 4 MiB
 * message in 64-byte fragments stays well under the 16 MiB default.
 */
export const FRAGMENT_OVERHEAD_BYTES = 16;

/** Where the parser sends the parts of data messages (a {@link ProtocolHandler} fits). */
export type MessageSink = Pick<ProtocolHandler, 'onMessageStart' | 'onMessageData'>;

/** Where the parser sends whole control frames (payload unmasked, ≤ 125 bytes). */
export interface ControlFrameSink {
  onControlFrame(opcode: number, payload: Uint8Array): void;
}

/** Limits and negotiated settings of a {@link FrameParser}. */
export interface FrameParserOptions {
  /** The side this endpoint plays: a server requires masked input, a client forbids it. */
  readonly side: Side;
  /** Per-message limit in bytes, fragments accounted (default 16 MiB). */
  readonly maxMessageBytes?: number;
  /** Per-frame limit in bytes (default: maxMessageBytes). */
  readonly maxFrameBytes?: number;
  /** Whether RSV1 may be set (permessage-deflate negotiated). */
  readonly rsv1Allowed?: boolean;
}

const KINDS: readonly MessageKind[] = ['binary', 'text', 'binary'];

// Parser states: what it waits for.
const AWAITING_HEADER = 0;
const AWAITING_DATA_PAYLOAD = 1;
const AWAITING_CONTROL_PAYLOAD = 2;
const DISCARDING = 3;

/**
 * The chunk-driven frame parser. Callbacks run synchronously inside {@link FrameParser.push}, in
 * wire order; control frames between the fragments of a message are delivered between its parts.
 *
 * @example
 * const parser = new FrameParser({ side: 'client' }, handler, { onControlFrame() {} });
 * parser.push(Buffer.from('810568656c6c6f', 'hex')); // start('text'), data('hello', last)
 */
export class FrameParser {
  /**
   * True while a sink callback runs: an exception that escapes `push` with this set came from the
   * owner's code, not from the wire. The owner resets it.
   */
  inCallback = false;

  /** The payload length of the latest data frame header read (the frame being read, or the last). */
  lastDataFrameBytes = 0;

  private state = AWAITING_HEADER;
  private readonly header = new FrameHeader();
  /** Made on first use: only a header split across chunks needs it. */
  private scratch: Uint8Array | undefined;
  private scratchFill = 0;
  private remaining = 0;
  private phase = 0;
  private control: Uint8Array = EMPTY;
  private controlFill = 0;
  /** Opcode of the open data message (0 when none) and its accounted size. */
  private messageOpcode = 0;
  private messageBytes = 0;
  private checkUtf8 = false;
  /** Made on first use: only text split across frames or chunks needs incremental checking. */
  private utf8: Utf8Validator | undefined;
  private readonly expectMasked: boolean;
  private readonly maxMessageBytes: number;
  private readonly maxFrameBytes: number;
  private readonly rsv1Allowed: boolean;
  private readonly messages: MessageSink;
  private readonly controls: ControlFrameSink;

  constructor(options: FrameParserOptions, messages: MessageSink, controls: ControlFrameSink) {
    this.expectMasked = options.side === 'server';
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.maxFrameBytes = options.maxFrameBytes ?? this.maxMessageBytes;
    this.rsv1Allowed = options.rsv1Allowed ?? false;
    this.messages = messages;
    this.controls = controls;
  }

  /** True once {@link FrameParser.discard} was called: input is ignored from then on. */
  get discarding(): boolean {
    return this.state === DISCARDING;
  }

  /** Payload bytes of the data frame being read still to come; 0 between frames. */
  get awaitedPayloadBytes(): number {
    return this.state === AWAITING_DATA_PAYLOAD ? this.remaining : 0;
  }

  /** True while a fragmented data message is open (started, final frame not yet seen). */
  get inMessage(): boolean {
    return this.messageOpcode !== 0;
  }

  /** Stops parsing: every later chunk is ignored (after a failure or the peer's Close). */
  discard(): void {
    this.state = DISCARDING;
  }

  /**
   * Parses a chunk of any size. The chunk becomes the parser's: it may be unmasked in place and
   * its memory is shared by the payload views handed to the sinks.
   *
   * @throws {ProtocolError} when the peer broke a rule; the parser must not be fed again
   */
  push(chunk: Uint8Array): void {
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      const state = this.state;
      if (state === AWAITING_HEADER) pos = this.readHeader(chunk, pos, end);
      else if (state === AWAITING_DATA_PAYLOAD) pos = this.readDataPayload(chunk, pos, end);
      else if (state === AWAITING_CONTROL_PAYLOAD) pos = this.readControlPayload(chunk, pos, end);
      else return;
    }
  }

  private readHeader(chunk: Uint8Array, pos: number, end: number): number {
    if (this.scratchFill === 0) {
      const length = parseFrameHeader(chunk, pos, end, this.header);
      if (length !== 0) return this.onHeader(chunk, pos + length, end);
    }
    return this.fillScratch(chunk, pos, end);
  }

  /** The header straddles chunks: gather its bytes (and only those) in the scratch buffer. */
  private fillScratch(chunk: Uint8Array, pos: number, end: number): number {
    const scratch = (this.scratch ??= new Uint8Array(MAX_HEADER_BYTES));
    let fill = this.scratchFill;
    while (fill < 2 && pos < end) scratch[fill++] = chunk[pos++];
    const need = fill < 2 ? MAX_HEADER_BYTES + 1 : headerLengthFromSecondByte(scratch[1]);
    while (fill < need && pos < end) scratch[fill++] = chunk[pos++];
    if (fill < need) {
      this.scratchFill = fill;
      return pos;
    }
    this.scratchFill = 0;
    parseFrameHeader(scratch, 0, need, this.header);
    return this.onHeader(chunk, pos, end);
  }

  private onHeader(chunk: Uint8Array, pos: number, end: number): number {
    const header = this.header;
    checkFrameHeader(header, this.expectMasked, this.rsv1Allowed, this.messageOpcode !== 0);
    this.remaining = header.payloadLength;
    this.phase = 0;
    if (header.opcode >= Opcode.Close) return this.onControlHeader(chunk, pos, end);
    this.onDataHeader(header);
    return pos;
  }

  private onDataHeader(h: FrameHeader): void {
    const length = h.payloadLength;
    const first = h.opcode !== Opcode.Continuation;
    const accounted = first ? length : this.messageBytes + length + FRAGMENT_OVERHEAD_BYTES;
    // 10.4: "Implementations that have implementation- and/or platform-specific limitations
    // regarding the frame size or total message size after reassembly from multiple frames MUST
    // protect themselves against exceeding those limits." Checked from the header, before the
    // payload is read.
    if (accounted > this.maxMessageBytes) {
      tooBig(ErrorCode.MessageTooBig, `message of over ${this.maxMessageBytes} bytes`);
    }
    if (length > this.maxFrameBytes) {
      tooBig(ErrorCode.FrameTooBig, `frame of ${length} bytes exceeds the limit`);
    }
    this.messageBytes = accounted;
    this.lastDataFrameBytes = length;
    if (length !== 0) this.state = AWAITING_DATA_PAYLOAD;
    if (first) {
      this.messageOpcode = h.opcode;
      this.checkUtf8 = h.opcode === Opcode.Text && !h.rsv1;
      this.inCallback = true;
      this.messages.onMessageStart(KINDS[h.opcode], h.rsv1, h.fin ? length : undefined);
      this.inCallback = false;
    }
    if (length === 0 && h.fin && this.state !== DISCARDING) this.deliver(EMPTY, true);
  }

  private readDataPayload(chunk: Uint8Array, pos: number, end: number): number {
    const header = this.header;
    const remaining = this.remaining;
    const n = end - pos < remaining ? end - pos : remaining;
    if (header.masked) applyMask(chunk, pos, pos + n, header.maskKey, this.phase);
    this.remaining = remaining - n;
    this.phase = (this.phase + n) & 3;
    const done = n === remaining;
    if (done) this.state = AWAITING_HEADER;
    this.deliver(new FastBuffer(chunk.buffer, chunk.byteOffset + pos, n), done && header.fin);
    return pos + n;
  }

  /** Checks one part of a text message; a whole message needs no incremental state. */
  private validUtf8(part: Uint8Array, last: boolean): boolean {
    if (last && this.utf8 === undefined) return isValidUtf8(part);
    return (this.utf8 ??= new Utf8Validator()).validate(part, last);
  }

  /** Hands a payload part to the sink, after UTF-8 validation for uncompressed text. */
  private deliver(part: Uint8Array, last: boolean): void {
    // 8.1: "When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream
    // is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_."
    if (this.checkUtf8 && !this.validUtf8(part, last)) {
      throw new ProtocolError(
        ErrorCode.InvalidUtf8,
        'invalid UTF-8 in a text message',
        CloseCode.InvalidPayload,
      );
    }
    if (last) this.messageOpcode = 0;
    this.inCallback = true;
    this.messages.onMessageData(part, last);
    this.inCallback = false;
  }

  private onControlHeader(chunk: Uint8Array, pos: number, end: number): number {
    const length = this.header.payloadLength;
    if (end - pos >= length) {
      // The common case: the whole control frame is in this chunk.
      if (this.header.masked) applyMask(chunk, pos, pos + length, this.header.maskKey, 0);
      const payload =
        length === 0 ? EMPTY : new FastBuffer(chunk.buffer, chunk.byteOffset + pos, length);
      this.controls.onControlFrame(this.header.opcode, payload);
      return pos + length;
    }
    this.control = Buffer.allocUnsafe(length);
    this.controlFill = 0;
    this.state = AWAITING_CONTROL_PAYLOAD;
    return pos;
  }

  /** A control frame straddles chunks: gather its payload (≤ 125 bytes) in its own buffer. */
  private readControlPayload(chunk: Uint8Array, pos: number, end: number): number {
    const n = Math.min(this.remaining, end - pos);
    this.control.set(chunk.subarray(pos, pos + n), this.controlFill);
    this.controlFill += n;
    this.remaining -= n;
    if (this.remaining === 0) {
      const payload = this.control;
      this.control = EMPTY;
      this.state = AWAITING_HEADER;
      if (this.header.masked) applyMask(payload, 0, payload.length, this.header.maskKey, 0);
      this.controls.onControlFrame(this.header.opcode, payload);
    }
    return pos + n;
  }
}

function tooBig(code: ErrorCode, message: string): never {
  throw new ProtocolError(code, message, CloseCode.MessageTooBig);
}
