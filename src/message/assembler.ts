// Message layer: frame parts → messages. A message whose parts all arrive within one input batch
// is delivered Strict, and so is any message up to a bound (a single frame of known size, or a
// fragmented one collected until its last frame); one past the bound still open when a batch ends
// is delivered Streamed, with backpressure.

import type { UnderlyingSource } from 'node:stream/web';
import { FastBuffer } from '../codec/bytes.js';
import type { MessageKind } from '../protocol/events.js';
import {
  BinaryMessage,
  TextMessage,
  strictMessageOfParts,
  textMessageFromUtf8,
} from './message.js';
import type { Message } from './message.js';
import { concatBytes } from './streams.js';

/** What the assembler needs from its owner (the connection). */
export interface AssemblerOwner {
  /** A message is ready: Strict, or Streamed with its body still arriving. Must not throw. */
  deliver(message: Message): void;
  /** A Streamed body's queue is full: stop reading the transport until `resumeReading`. */
  pauseReading(): void;
  /** Every Streamed body has room again. */
  resumeReading(): void;
}

/** Options of {@link MessageAssembler}. */
export interface AssemblerOptions {
  /** Bytes (UTF-16 units for text) a Streamed body may queue before reading pauses. Default 64 KiB. */
  streamHighWaterMark?: number;
  /**
   * A message of at most this many payload bytes is delivered Strict, however many frames and
   * reads it spans: a single frame of known size is collected into one buffer of that size, a
   * fragmented message (or one of unknown size) until its last frame. One past the bound that is
   * still open when a batch ends is delivered Streamed, what was collected as its first part.
   * 0 turns collecting off: a message open when a batch ends is Streamed.
   * Default {@link DEFAULT_AGGREGATE_MESSAGE_BYTES}.
   */
  aggregateMessageBytes?: number;
  /**
   * The feeder never writes to a part's memory once it handed the part over (a socket's reads
   * are fresh buffers): a message of known size that spans batches is then kept as views of its
   * parts, sent on without a copy and joined only when read, instead of being copied into one
   * buffer as it arrives. Default `false`: a collected message owns its bytes.
   */
  partsStayValid?: boolean;
}

/** Default of {@link AssemblerOptions.aggregateMessageBytes}: 1 MiB. */
export const DEFAULT_AGGREGATE_MESSAGE_BYTES = 1024 * 1024;

/**
 * A message of known size that spans reads is kept as views of them while each part between its
 * first and last is at least this big (whole reads, as a fast peer's are); a smaller one turns to
 * copying into one buffer, so that a peer trickling bytes cannot make us hold a view per byte.
 */
export const MIN_VIEW_PART_BYTES = 8 * 1024;

const byteSize = (chunk: Uint8Array): number => chunk.byteLength;
const textSize = (chunk: string): number => chunk.length;

/**
 * Assembles the protocol's frame parts into {@link Message}s. The owner forwards
 * `onMessageStart` / `onMessageData` from its ProtocolHandler and calls {@link endBatch} after
 * each `receiveData`. Parts are kept as views, not copied: the protocol owns its input.
 *
 * @example
 * ```ts
 * const assembler = new MessageAssembler({ deliver, pauseReading, resumeReading });
 * protocol.receiveData(chunk); // calls assembler.onMessageStart / onMessageData
 * assembler.endBatch();
 * ```
 */
export class MessageAssembler {
  readonly #owner: AssemblerOwner;
  readonly #highWaterMark: number;
  readonly #aggregateBytes: number;
  readonly #partsStayValid: boolean;
  #kind: MessageKind | undefined;
  /** The whole payload length of a message to collect (its only frame's length), or -1. */
  #wholeBytes = -1;
  /**
   * The parts of a collected message as views of the reads they came in: an echo sends them on
   * without a copy; they are joined when the application reads the payload.
   */
  #views: Uint8Array[] | undefined;
  /** The buffer a collected message fills once its parts are copied (a small middle part). */
  #whole: Buffer | undefined;
  /** Bytes of a collected message received so far. */
  #wholeFill = 0;
  /** A single frame announced past the bound: Streamed at the end of its first batch. */
  #overBound = false;
  /** The first part of the current message received in this batch (a view of the input). */
  #first: Uint8Array | undefined;
  /** Parts after the first of this batch (made on the second part). */
  #rest: Uint8Array[] | undefined;
  /**
   * A message of unknown size collected over earlier batches: its parts copied out of the input,
   * so a message in many small fragments does not hold every read it came in. Grows by doubling,
   * never past the bound.
   */
  #collected: Buffer | undefined;
  #collectedBytes = 0;
  #body: StreamedBody | undefined;
  #stalls = 0;

  /**
   * @param owner - receives messages and pause/resume requests.
   * @param options - the Streamed bodies' queue size, the bound of collected messages.
   */
  constructor(owner: AssemblerOwner, options: AssemblerOptions = {}) {
    this.#owner = owner;
    this.#highWaterMark = options.streamHighWaterMark ?? 64 * 1024;
    this.#aggregateBytes = options.aggregateMessageBytes ?? DEFAULT_AGGREGATE_MESSAGE_BYTES;
    this.#partsStayValid = options.partsStayValid ?? false;
  }

  /**
   * The bytes it holds between input batches: a message being collected (its buffer, or the
   * parts kept as views) and a Streamed body's queued parts not yet read (UTF-16 units for text).
   */
  get heldBytes(): number {
    const collecting = this.#whole?.length ?? (this.#views === undefined ? 0 : this.#wholeFill);
    return collecting + (this.#collected?.length ?? 0) + (this.#body?.queuedSize ?? 0);
  }

  /**
   * A data message begins (ProtocolHandler.onMessageStart).
   *
   * @param kind - text or binary.
   * @param _compressed - RSV1 (the inflate stage, when any, sits in front of the assembler).
   * @param wholeBytes - the message's whole payload length when its first frame is final.
   */
  onMessageStart(kind: MessageKind, _compressed: boolean, wholeBytes?: number): void {
    this.#kind = kind;
    if (wholeBytes === undefined) return;
    if (wholeBytes <= this.#aggregateBytes) this.#wholeBytes = wholeBytes;
    else this.#overBound = true;
  }

  /** A part of the current message (ProtocolHandler.onMessageData). */
  onMessageData(chunk: Uint8Array, last: boolean): void {
    const body = this.#body;
    if (
      this.#wholeBytes >= 0 &&
      (this.#views !== undefined || this.#whole !== undefined || !last)
    ) {
      this.#collect(chunk, last);
    } else if (body !== undefined) {
      if (last) this.#reset();
      body.push(chunk, last);
    } else if (last) {
      const whole =
        this.#first === undefined && this.#collected === undefined ? chunk : this.#concat(chunk);
      const kind = this.#kind;
      this.#reset();
      this.#owner.deliver(
        kind === 'text' ? textMessageFromUtf8(whole) : BinaryMessage.strict(whole),
      );
    } else if (this.#first === undefined) {
      this.#first = chunk;
    } else {
      (this.#rest ??= []).push(chunk);
    }
  }

  /**
   * The input batch is over: a message still open is collected on while within the bound, else
   * it becomes Streamed, with the parts so far.
   */
  endBatch(): void {
    // A message being collected (its size known from a final first frame) is never Streamed.
    if (this.#kind === undefined || this.#body !== undefined || this.#wholeBytes >= 0) return;
    const collecting = this.#aggregateBytes > 0 && !this.#overBound;
    if (collecting && this.#collectedBytes + this.#batchBytes() <= this.#aggregateBytes) {
      this.#keepBatch();
      return;
    }
    const body = new StreamedBody(this, this.#kind === 'text', this.#highWaterMark);
    this.#body = body;
    const collected = this.#collected;
    if (collected !== undefined) body.push(collected.subarray(0, this.#collectedBytes), false);
    if (this.#first !== undefined) body.push(this.#first, false);
    for (const part of this.#rest ?? []) body.push(part, false);
    this.#first = undefined;
    this.#rest = undefined;
    this.#collected = undefined;
    this.#collectedBytes = 0;
    this.#owner.deliver(body.message);
  }

  /**
   * The connection ended: a Streamed body still open errors with `makeError()` ("truncated
   * message"); a message not yet delivered is dropped. The error is made only when a body needs
   * it: most connections end between messages, and an error captures a stack.
   */
  abort(makeError: () => unknown): void {
    const body = this.#body;
    this.#reset();
    body?.fail(makeError());
  }

  /** Called by a body whose queue filled up. */
  stall(): void {
    if (this.#stalls++ === 0) this.#owner.pauseReading();
  }

  /** Called by a body that has room again, ended, or was cancelled. */
  unstall(): void {
    if (--this.#stalls === 0) this.#owner.resumeReading();
  }

  /**
   * Keeps a part of a message of known size: a view (when parts stay valid, until a small middle
   * part comes) or a copy; delivers the message Strict with its last part.
   */
  #collect(chunk: Uint8Array, last: boolean): void {
    const views = this.#views;
    const fill = this.#wholeFill;
    this.#wholeFill = fill + chunk.length;
    const previous = views?.[views.length - 1];
    const adjacent = previous !== undefined && follows(previous, chunk);
    const asView =
      this.#whole === undefined &&
      (views === undefined
        ? this.#partsStayValid
        : adjacent || last || chunk.length >= MIN_VIEW_PART_BYTES);
    if (asView) {
      if (views === undefined) this.#views = [chunk];
      else if (adjacent) views[views.length - 1] = extended(previous, chunk.length);
      else views.push(chunk);
      if (last) this.#deliverViews();
      return;
    }
    const whole = (this.#whole ??= this.#copyViews());
    whole.set(chunk, fill);
    if (!last) return;
    const kind = this.#kind;
    this.#reset();
    this.#owner.deliver(kind === 'text' ? textMessageFromUtf8(whole) : BinaryMessage.strict(whole));
  }

  /** The message's buffer, with the parts kept as views so far copied in. */
  #copyViews(): Buffer {
    const whole = Buffer.allocUnsafe(this.#wholeBytes);
    let offset = 0;
    for (const view of this.#views ?? []) {
      whole.set(view, offset);
      offset += view.length;
    }
    this.#views = undefined;
    return whole;
  }

  #deliverViews(): void {
    const parts = this.#views as Uint8Array[];
    const kind = this.#kind as MessageKind;
    const bytes = this.#wholeFill;
    this.#reset();
    if (parts.length > 1) return this.#owner.deliver(strictMessageOfParts(kind, { parts, bytes }));
    // Read into one run of memory (a reader that plans its reads): nothing to join.
    const whole = parts[0];
    this.#owner.deliver(kind === 'text' ? textMessageFromUtf8(whole) : BinaryMessage.strict(whole));
  }

  #concat(last: Uint8Array): Uint8Array {
    const parts: Uint8Array[] = [];
    if (this.#collected !== undefined)
      parts.push(this.#collected.subarray(0, this.#collectedBytes));
    if (this.#first !== undefined) parts.push(this.#first, ...(this.#rest ?? []));
    parts.push(last);
    return concatBytes(parts);
  }

  /** Bytes of the current message received in this batch. */
  #batchBytes(): number {
    if (this.#first === undefined) return 0;
    let bytes = this.#first.length;
    for (const part of this.#rest ?? []) bytes += part.length;
    return bytes;
  }

  /** Copies this batch's parts of a message being collected into its own buffer. */
  #keepBatch(): void {
    const first = this.#first;
    if (first === undefined) return;
    const needed = this.#collectedBytes + this.#batchBytes();
    let collected = this.#collected;
    if (collected === undefined || collected.length < needed) {
      const capacity = Math.min(
        this.#aggregateBytes,
        Math.max(needed, 2 * (collected?.length ?? 0)),
      );
      const grown = Buffer.allocUnsafe(capacity);
      if (collected !== undefined) grown.set(collected.subarray(0, this.#collectedBytes));
      this.#collected = collected = grown;
    }
    collected.set(first, this.#collectedBytes);
    this.#collectedBytes += first.length;
    for (const part of this.#rest ?? []) {
      collected.set(part, this.#collectedBytes);
      this.#collectedBytes += part.length;
    }
    this.#first = undefined;
    this.#rest = undefined;
  }

  #reset(): void {
    this.#kind = undefined;
    this.#wholeBytes = -1;
    this.#views = undefined;
    this.#whole = undefined;
    this.#wholeFill = 0;
    this.#overBound = false;
    this.#first = undefined;
    this.#rest = undefined;
    this.#collected = undefined;
    this.#collectedBytes = 0;
    this.#body = undefined;
  }
}

/** True when `next` starts where `part` ends, in the same memory: the two are one run of bytes. */
function follows(part: Uint8Array, next: Uint8Array): boolean {
  return part.buffer === next.buffer && part.byteOffset + part.length === next.byteOffset;
}

/** `part` extended by the `bytes` that follow it in its memory. */
function extended(part: Uint8Array, bytes: number): Uint8Array {
  return new FastBuffer(part.buffer, part.byteOffset, part.length + bytes);
}

/** The receiving end of one Streamed message: a ReadableStream fed by the assembler. */
class StreamedBody {
  readonly message: Message;
  readonly #assembler: MessageAssembler;
  readonly #decoder: InstanceType<typeof TextDecoder> | undefined;
  #controller!: ReadableStreamDefaultController<string | Uint8Array>;
  readonly #highWaterMark: number;
  #stalled = false;
  #closeWhenDrained = false;
  #discarding = false;

  constructor(assembler: MessageAssembler, text: boolean, highWaterMark: number) {
    this.#assembler = assembler;
    this.#highWaterMark = highWaterMark;
    const source: UnderlyingSource<string | Uint8Array> = {
      start: (controller) => {
        this.#controller = controller;
      },
      pull: () => this.#pull(),
      cancel: () => this.#cancel(),
    };
    if (text) {
      this.#decoder = new TextDecoder();
      const stream = new ReadableStream<string>(source as UnderlyingSource<string>, {
        highWaterMark,
        size: textSize,
      });
      this.message = TextMessage.streamed(stream);
    } else {
      const strategy = { highWaterMark, size: byteSize };
      const stream = new ReadableStream<Uint8Array>(
        source as UnderlyingSource<Uint8Array>,
        strategy,
      );
      this.message = BinaryMessage.streamed(stream);
    }
  }

  /** What its queue holds for the reader (bytes, or UTF-16 units for text). */
  get queuedSize(): number {
    return this.#discarding ? 0 : this.#highWaterMark - (this.#controller.desiredSize ?? 0);
  }

  /** Queues a part; stalls reading while the queue is full. */
  push(chunk: Uint8Array, last: boolean): void {
    if (this.#discarding) return;
    const part =
      this.#decoder === undefined ? chunk : this.#decoder.decode(chunk, { stream: !last });
    if (part.length > 0) this.#controller.enqueue(part);
    const full = (this.#controller.desiredSize ?? 0) <= 0;
    if (last && !full) this.#controller.close();
    else if (last) this.#closeWhenDrained = true;
    if (full && !this.#stalled) this.#setStalled(true);
    else if (!full && this.#stalled) this.#setStalled(false);
  }

  /** The message was cut short: the reader sees `error`. */
  fail(error: unknown): void {
    if (this.#discarding) return;
    this.#discarding = true;
    this.#controller.error(error);
    if (this.#stalled) this.#setStalled(false);
  }

  #pull(): void {
    if (this.#closeWhenDrained) {
      this.#closeWhenDrained = false;
      this.#controller.close();
    }
    if (this.#stalled) this.#setStalled(false);
  }

  #cancel(): void {
    this.#discarding = true;
    if (this.#stalled) this.#setStalled(false);
  }

  #setStalled(stalled: boolean): void {
    this.#stalled = stalled;
    if (stalled) this.#assembler.stall();
    else this.#assembler.unstall();
  }
}
