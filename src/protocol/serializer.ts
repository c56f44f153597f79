// Protocol layer: the frame serializer. Small frames are written header and payload together
// into a shared slab, so consecutive frames leave as one buffer; large payloads go out as
// [header, payload] without a copy (a client masks a copy, header in front, unless told it may
// mask in place).

import { closePayloadLength, writeClosePayload } from '../codec/close-payload.js';
import { encodedHeaderLength, encodeFrameHeader } from '../codec/frame-header.js';
import { applyMask, maskCopy, rotateKey } from '../codec/mask.js';
import { FastBuffer } from '../codec/bytes.js';
import { Opcode } from '../codec/opcode.js';

/** Payloads up to this many bytes are copied next to their header; larger ones are not copied. */
export const COPY_THRESHOLD_BYTES = 4096;
/** Strings whose UTF-8 form surely fits in this many bytes are encoded straight into the slab. */
const STRING_IN_SLAB_BYTES = 8192;
const SLAB_BYTES = 64 * 1024;
/** The first buffer a writer copies prepared frames into, and the largest it grows to. */
const FRAMES_BUFFER_MIN_BYTES = 1024;
const FRAMES_BUFFER_MAX_BYTES = 16 * 1024;

// One slab shared by every writer of the process, used as a bump allocator: a region, once
// written and handed out, is never written again, so views of it stay valid; a full slab is
// left to the views that still hold it. Idle connections hold no write buffer of their own.
let slab: Buffer = Buffer.alloc(0); // allocated on first use
let slabUsed = 0;

/** The largest frame buffer kept for the next masked copy (see {@link recycleFrameBuffer}). */
const SPARE_MAX_BYTES = 2 * 1024 * 1024;

// One spare buffer for the masked copies of large frames, shared by every client writer of the
// process: a frame buffer the transport is known to be done with comes back here, and the next
// large frame is masked into memory that is mapped and warm instead of a fresh allocation (whose
// pages fault in as the mask writes them).
let spare: Buffer | undefined;

/** Reserves `n` bytes of the slab (n ≤ SLAB_BYTES) and returns their offset. */
function reserve(n: number): number {
  if (slabUsed + n > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += n;
  return at;
}

/**
 * Gives back a buffer from {@link FrameWriter.takeLent} once the transport is done with it (it
 * copied its bytes, as a TCP socket does by the time its write calls back): a later masked copy
 * of a large frame, on any client writer, is made into it instead of into fresh memory (whose
 * pages fault in as the mask writes them). One spare buffer is kept, of at most 2 MiB. Never give
 * back a buffer the transport may still read: it would be overwritten.
 *
 * @param buffer - A buffer {@link FrameWriter.takeLent} returned.
 * @example
 * const lent = writer.takeLent();
 * if (lent !== undefined) socket.write(lastChunk, (error) => error ?? recycleFrameBuffer(lent));
 */
export function recycleFrameBuffer(buffer: Buffer): void {
  if (buffer.length <= SPARE_MAX_BYTES && (spare === undefined || spare.length < buffer.length)) {
    spare = buffer;
  }
}

/**
 * Serializes frames into an outgoing queue. A writer for the client side masks every frame with
 * a fresh key from `nextMaskKey` (RFC 6455 section 5.3); a server writer (`nextMaskKey` null)
 * never masks.
 *
 * @example
 * const writer = new FrameWriter(null);
 * writer.writeText(Opcode.Text, true, false, 'hello', Infinity);
 * writer.writeFrame(Opcode.Ping, true, false, new Uint8Array(0), false);
 * writer.take(); // [<81 05 68 65 6c 6c 6f 89 00>]: both frames in one buffer
 */
export class FrameWriter {
  /** Bytes to write, in order; made when the first frame is queued (many connections never send). */
  private queue: Uint8Array[] | undefined;
  private queuedBytes = 0;
  /** The slab region written since the last queue entry: [rangeStart, rangeEnd) of rangeSlab. */
  private rangeSlab: Buffer | null = null;
  private rangeStart = 0;
  private rangeEnd = 0;
  /**
   * Where prepared frames are copied: the writer's own, since a hub writes one message to every
   * connection before the next (in the shared slab, one connection's frames would lie apart and
   * leave as many buffers). Let go at each take, so an idle connection holds none; the next one
   * is sized for what the last batch needed, and replaced, four times larger up to 16 KiB, when
   * a batch outgrows it.
   */
  private framesBuffer: Buffer | null = null;
  private framesUsed = 0;
  /** The bytes of prepared frames copied between the last two takes. */
  private framesLastBatch = 0;
  private readonly nextMaskKey: (() => number) | null;
  private readonly masked: boolean;
  /** The last buffer made for a masked copy since the last take, and the one before that take. */
  private lent: Buffer | undefined;
  private lentTaken: Buffer | undefined;

  constructor(nextMaskKey: (() => number) | null) {
    this.nextMaskKey = nextMaskKey;
    this.masked = nextMaskKey !== null;
  }

  /** Bytes serialized and not yet taken. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /**
   * Returns the bytes to write, in order, and empties the queue. Consecutive small frames share
   * one buffer. The buffers are the caller's; the writer never touches them again.
   */
  take(): Uint8Array[] {
    this.closeRange();
    if (this.framesBuffer !== null) {
      this.framesLastBatch = this.framesUsed;
      this.framesBuffer = null;
    }
    const out = this.queue ?? [];
    this.queue = undefined;
    this.queuedBytes = 0;
    this.lentTaken = this.lent;
    this.lent = undefined;
    return out;
  }

  /**
   * The buffer made for the last masked copy among the bytes of the last {@link take}, once:
   * hand it to {@link recycleFrameBuffer} when the transport is done with it.
   */
  takeLent(): Buffer | undefined {
    const buffer = this.lentTaken;
    this.lentTaken = undefined;
    return buffer;
  }

  /** A buffer of `size` bytes for a masked copy: the spare one when it is large enough. */
  private frameBuffer(size: number): Buffer {
    let buffer = spare;
    if (buffer !== undefined && buffer.length >= size) spare = undefined;
    else buffer = Buffer.allocUnsafe(size);
    this.lent = buffer;
    return buffer.length === size ? buffer : buffer.subarray(0, size);
  }

  /**
   * Writes one frame. With `mayMutate`, a client may mask a large `payload` in place instead of
   * masking a copy.
   */
  writeFrame(
    opcode: number,
    fin: boolean,
    rsv1: boolean,
    payload: Uint8Array,
    mayMutate: boolean,
  ): void {
    const length = payload.length;
    const key = this.masked ? (this.nextMaskKey as () => number)() : 0;
    const headerLength = encodedHeaderLength(length, this.masked);
    if (length <= COPY_THRESHOLD_BYTES) {
      const at = reserve(headerLength + length);
      encodeFrameHeader(slab, at, fin, rsv1, opcode, length, this.masked, key);
      if (length !== 0) slab.set(payload, at + headerLength);
      applyMask(slab, at + headerLength, at + headerLength + length, key, 0);
      this.append(at, headerLength + length);
      return;
    }
    if (this.masked && key !== 0 && !mayMutate) {
      // The caller's bytes must stay as they are: mask a copy, made with its header in front, so
      // the frame is one buffer (one write) and the bytes are read once.
      const frame = this.frameBuffer(headerLength + length);
      encodeFrameHeader(frame, 0, fin, rsv1, opcode, length, true, key);
      maskCopy(payload, frame, headerLength, key);
      this.closeRange();
      (this.queue ??= []).push(frame);
      this.queuedBytes += headerLength + length;
      return;
    }
    const at = reserve(headerLength);
    encodeFrameHeader(slab, at, fin, rsv1, opcode, length, this.masked, key);
    this.append(at, headerLength);
    this.closeRange();
    if (this.masked) applyMask(payload, 0, length, key, 0);
    (this.queue ??= []).push(payload);
    this.queuedBytes += length;
  }

  /**
   * Writes one final, unfragmented frame whose payload is `parts` one after the other, without
   * joining them first: a server queues them behind the header as they are; a client masks them
   * into one buffer behind the header (the parts stay as they were). Small payloads are copied
   * into the slab, as in {@link FrameWriter.writeFrame}.
   *
   * @param bytes - the sum of the parts' lengths.
   */
  writeFrameOfParts(opcode: number, parts: readonly Uint8Array[], bytes: number): void {
    const masked = this.masked;
    const key = masked ? (this.nextMaskKey as () => number)() : 0;
    const headerLength = encodedHeaderLength(bytes, masked);
    if (bytes <= COPY_THRESHOLD_BYTES) {
      const at = reserve(headerLength + bytes);
      encodeFrameHeader(slab, at, true, false, opcode, bytes, masked, key);
      let offset = at + headerLength;
      for (const part of parts) {
        slab.set(part, offset);
        offset += part.length;
      }
      applyMask(slab, at + headerLength, offset, key, 0);
      this.append(at, headerLength + bytes);
      return;
    }
    if (masked && key !== 0) {
      const frame = this.frameBuffer(headerLength + bytes);
      encodeFrameHeader(frame, 0, true, false, opcode, bytes, true, key);
      let offset = headerLength;
      for (const part of parts) {
        // Each part starts at its own position within the payload: the key turns with it.
        maskCopy(part, frame, offset, rotateKey(key, offset - headerLength));
        offset += part.length;
      }
      this.closeRange();
      (this.queue ??= []).push(frame);
      this.queuedBytes += headerLength + bytes;
      return;
    }
    const at = reserve(headerLength);
    encodeFrameHeader(slab, at, true, false, opcode, bytes, masked, key);
    this.append(at, headerLength);
    this.closeRange();
    const queue = (this.queue ??= []);
    for (const part of parts) queue.push(part);
    this.queuedBytes += bytes;
  }

  /**
   * Writes a message part as frames of at most `frameBytes` payload bytes: the first with
   * `opcode` (and RSV1 when `rsv1`), the others as continuations; FIN on the last when `fin`.
   */
  writeFragments(
    opcode: number,
    fin: boolean,
    rsv1: boolean,
    payload: Uint8Array,
    frameBytes: number,
    mayMutate: boolean,
  ): void {
    const length = payload.length;
    if (length <= frameBytes) {
      this.writeFrame(opcode, fin, rsv1, payload, mayMutate);
      return;
    }
    for (let offset = 0; offset < length; offset += frameBytes) {
      const stop = Math.min(length, offset + frameBytes);
      const first = offset === 0;
      const part = payload.subarray(offset, stop);
      this.writeFrame(
        first ? opcode : Opcode.Continuation,
        fin && stop === length,
        first && rsv1,
        part,
        mayMutate,
      );
    }
  }

  /**
   * Writes text as one frame or several (see {@link FrameWriter.writeFragments}). A short string
   * is encoded straight into the slab behind its header, with no intermediate buffer.
   */
  writeText(opcode: number, fin: boolean, rsv1: boolean, text: string, frameBytes: number): void {
    const bound = text.length * 3;
    if (bound > STRING_IN_SLAB_BYTES || bound > frameBytes) {
      this.writeFragments(opcode, fin, rsv1, Buffer.from(text, 'utf8'), frameBytes, true);
      return;
    }
    const masked = this.masked;
    const key = masked ? (this.nextMaskKey as () => number)() : 0;
    const reserved = encodedHeaderLength(bound, masked);
    const at = reserve(reserved + bound);
    const length = text.length === 0 ? 0 : slab.write(text, at + reserved, 'utf8');
    const headerLength = encodedHeaderLength(length, masked);
    if (headerLength < reserved) {
      // The bound took a longer length form than the real size needs: move the payload back.
      slab.copyWithin(at + headerLength, at + reserved, at + reserved + length);
    }
    slabUsed = at + headerLength + length;
    encodeFrameHeader(slab, at, fin, rsv1, opcode, length, masked, key);
    applyMask(slab, at + headerLength, at + headerLength + length, key, 0);
    this.append(at, headerLength + length);
  }

  /**
   * Queues complete frames serialized elsewhere (a hub frames a message once for many
   * connections). Up to {@link COPY_THRESHOLD_BYTES} they are copied one after the other into a
   * buffer of this writer's own, so a burst leaves in one or a few buffers; larger ones are queued
   * as they are, never changed.
   * Only a server writer takes them: they are unmasked.
   */
  writeFrameBytes(frames: Uint8Array): void {
    const length = frames.length;
    if (length > COPY_THRESHOLD_BYTES) {
      this.closeRange();
      (this.queue ??= []).push(frames);
      this.queuedBytes += length;
      return;
    }
    let buffer = this.framesBuffer;
    if (buffer === null || this.framesUsed + length > buffer.length) {
      const size =
        buffer === null
          ? Math.min(
              Math.max(this.framesLastBatch, FRAMES_BUFFER_MIN_BYTES),
              FRAMES_BUFFER_MAX_BYTES,
            )
          : Math.min(4 * buffer.length, FRAMES_BUFFER_MAX_BYTES);
      buffer = this.framesBuffer = Buffer.allocUnsafe(Math.max(size, length));
      this.framesUsed = 0;
    }
    const at = this.framesUsed;
    buffer.set(frames, at);
    this.framesUsed = at + length;
    this.appendIn(buffer, at, length);
  }

  /**
   * Writes a Close frame: empty body when `code` is undefined.
   *
   * @throws {RangeError} for a code that may not be sent or a reason over 123 bytes
   */
  writeClose(code: number | undefined, reason: string): void {
    const length = closePayloadLength(code, reason);
    const key = this.masked ? (this.nextMaskKey as () => number)() : 0;
    const headerLength = encodedHeaderLength(length, this.masked);
    const at = reserve(headerLength + length);
    encodeFrameHeader(slab, at, true, false, Opcode.Close, length, this.masked, key);
    writeClosePayload(slab, at + headerLength, code, reason);
    applyMask(slab, at + headerLength, at + headerLength + length, key, 0);
    this.append(at, headerLength + length);
  }

  /** Records `n` bytes written at `slab[at]`, extending the current range when contiguous. */
  private append(at: number, n: number): void {
    this.appendIn(slab, at, n);
  }

  /** Records `n` bytes written at `buffer[at]`, extending the current range when contiguous. */
  private appendIn(buffer: Buffer, at: number, n: number): void {
    if (this.rangeSlab !== buffer || this.rangeEnd !== at) {
      this.closeRange();
      this.rangeSlab = buffer;
      this.rangeStart = at;
    }
    this.rangeEnd = at + n;
    this.queuedBytes += n;
  }

  /** Turns the current slab range into a queue entry. */
  private closeRange(): void {
    const range = this.rangeSlab;
    if (range === null) return;
    (this.queue ??= []).push(
      new FastBuffer(
        range.buffer,
        range.byteOffset + this.rangeStart,
        this.rangeEnd - this.rangeStart,
      ),
    );
    this.rangeSlab = null;
  }
}

/** Options of {@link serializeFrame}. */
export interface SerializeFrameOptions {
  /** FIN bit; default true. */
  fin?: boolean;
  /** RSV1 bit (permessage-deflate); default false. */
  rsv1?: boolean;
  /** Masks the payload with this key ({@link readMaskKey} form) when given. */
  maskKey?: number;
}

/**
 * Serializes one frame into a new buffer (tests, tools, the testkit; the protocol uses
 * `FrameWriter`). The payload is not modified.
 *
 * @example
 * serializeFrame(Opcode.Text, Buffer.from('hi')); // <81 02 68 69>
 * serializeFrame(Opcode.Ping, new Uint8Array(0), { maskKey: 0x04030201 }); // <89 80 01 02 03 04>
 */
export function serializeFrame(
  opcode: number,
  payload: Uint8Array,
  options: SerializeFrameOptions = {},
): Uint8Array {
  const masked = options.maskKey !== undefined;
  const key = options.maskKey ?? 0;
  const headerLength = encodedHeaderLength(payload.length, masked);
  const frame = Buffer.allocUnsafe(headerLength + payload.length);
  encodeFrameHeader(
    frame,
    0,
    options.fin ?? true,
    options.rsv1 ?? false,
    opcode,
    payload.length,
    masked,
    key,
  );
  frame.set(payload, headerLength);
  applyMask(frame, headerLength, frame.length, key, 0);
  return frame;
}
