// Protocol layer: the sending half of a session — message sequencing (a message's first frame,
// its continuations, control frames between them) and argument checks, over a FrameWriter.
// The Protocol checks the close state first; this module knows nothing of closing.

import { CloseCode } from '../codec/close-code.js';
import { ErrorCode, InvalidStateError, ProtocolError } from '../errors.js';
import { Opcode } from '../codec/opcode.js';
import type { FrameWriter } from './serializer.js';

const MAX_CONTROL_PAYLOAD = 125;

/**
 * Sends data and control frames in a legal order (RFC 6455 section 5.4): a message starts with a
 * Text or Binary frame, goes on with continuations, and ends with FIN; control frames may come
 * between its fragments. Used by `Protocol`.
 *
 * @example
 * const sender = new MessageSender(new FrameWriter(null), false, Infinity);
 * sender.text('hel', false, false, false);
 * sender.continuation('lo', true, false);
 */
export class MessageSender {
  private open = false;
  private readonly writer: FrameWriter;
  private readonly rsv1Allowed: boolean;
  private readonly frameBytes: number;

  constructor(writer: FrameWriter, rsv1Allowed: boolean, frameBytes: number) {
    if (!(frameBytes >= 1)) throw new RangeError('maxOutgoingFrameBytes must be at least 1');
    this.writer = writer;
    this.rsv1Allowed = rsv1Allowed;
    this.frameBytes = frameBytes;
  }

  /** True while a message was started without FIN and not yet finished. */
  get messageOpen(): boolean {
    return this.open;
  }

  /** Forgets an open message (after Close, failure or EOF). */
  abort(): void {
    this.open = false;
  }

  /** First frame(s) of a text message; bytes are taken as already-encoded UTF-8. */
  text(data: string | Uint8Array, fin: boolean, compressed: boolean, maskInPlace: boolean): void {
    this.start(data, compressed);
    this.write(Opcode.Text, data, fin, compressed, maskInPlace);
  }

  /** First frame(s) of a binary message. */
  binary(data: Uint8Array, fin: boolean, compressed: boolean, maskInPlace: boolean): void {
    if (!(data instanceof Uint8Array)) throw new TypeError('binary data must be a Uint8Array');
    this.start(data, compressed);
    this.write(Opcode.Binary, data, fin, compressed, maskInPlace);
  }

  /**
   * A whole message whose payload is `parts` one after the other (text: UTF-8 bytes), as one
   * frame without joining them; joined and fragmented when longer than the frame limit.
   */
  whole(opcode: number, parts: readonly Uint8Array[]): void {
    let bytes = 0;
    for (const part of parts) {
      if (!(part instanceof Uint8Array)) throw new TypeError('message parts must be Uint8Array');
      bytes += part.length;
    }
    if (this.open) throw outOfSequence('a fragmented message is open: continue it first');
    if (bytes <= this.frameBytes) this.writer.writeFrameOfParts(opcode, parts, bytes);
    else this.write(opcode, Buffer.concat(parts, bytes), true, false, true);
  }

  /** Continuation frame(s) of the open message. */
  continuation(data: string | Uint8Array, fin: boolean, maskInPlace: boolean): void {
    checkData(data);
    if (!this.open) throw outOfSequence('no message to continue: start one first');
    this.write(Opcode.Continuation, data, fin, false, maskInPlace);
  }

  /** A Ping or Pong; `payload` ≤ 125 bytes (5.5). */
  control(opcode: number, payload: Uint8Array | string): void {
    checkData(payload);
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    // 5.5: "All control frames MUST have a payload length of 125 bytes or less".
    if (bytes.length > MAX_CONTROL_PAYLOAD) {
      throw new RangeError(`control frame payload of ${bytes.length} bytes: at most 125`);
    }
    this.writer.writeFrame(opcode, true, false, bytes, false);
  }

  private start(data: unknown, compressed: boolean): void {
    checkData(data);
    if (compressed && !this.rsv1Allowed) {
      throw new InvalidStateError('compressed frames need a negotiated extension (rsv1Allowed)');
    }
    if (this.open) throw outOfSequence('a fragmented message is open: continue it first');
  }

  private write(
    opcode: number,
    data: string | Uint8Array,
    fin: boolean,
    rsv1: boolean,
    maskInPlace: boolean,
  ): void {
    const writer = this.writer;
    if (typeof data === 'string') writer.writeText(opcode, fin, rsv1, data, this.frameBytes);
    else writer.writeFragments(opcode, fin, rsv1, data, this.frameBytes, maskInPlace);
    this.open = !fin;
  }
}

function checkData(data: unknown): void {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new TypeError('data must be a string or a Uint8Array');
  }
}

/**
 * The error of a fragment sent out of order (RFC 6455 section 5.4): a continuation with no
 * message open, or a new message while one is open. Nothing is sent; 1011 is the code to close
 * with if the owner gives up.
 *
 * @param message - What went wrong.
 * @returns A ProtocolError `WSFLOW_ERR_SEND_OUT_OF_SEQUENCE`; nothing is sent.
 * @example
 * if (fragment === undefined) throw outOfSequence('no fragmented message is open');
 */
export function outOfSequence(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.SendOutOfSequence, message, CloseCode.InternalError);
}
