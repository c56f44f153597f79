// Extensions layer: permessage-deflate's place between the protocol and the message assembler.
// Compressed messages are inflated asynchronously; every message, compressed or not, reaches the
// assembler in wire order, and reading pauses while too much waits.

import { EMPTY } from '../codec/bytes.js';
import { CloseCode } from '../codec/close-code.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import { Utf8Validator } from '../codec/utf8.js';
import type { MessageKind, ProtocolHandler } from '../protocol/events.js';
import type { MessageInflater } from './inflater.js';

/** Where messages go once inflated (the assembler): the protocol's message callbacks. */
export type MessagePartSink = Pick<ProtocolHandler, 'onMessageStart' | 'onMessageData'>;

/** What the stage needs from its owner (the connection). */
export interface InflateStageOwner {
  /**
   * Parts went to the sink outside an input batch (an inflate step finished): end that batch as
   * the connection ends its own, so complete messages are delivered and open ones stream.
   */
  delivered(): void;
  /** Stop (true) or resume (false) reading the transport. */
  setPaused(paused: boolean): void;
  /** Compressed data that cannot be inflated, too big or not UTF-8: fail the connection. */
  fail(error: ProtocolError): void;
}

/** A message the stage holds until those before it are delivered. */
interface Held {
  readonly kind: MessageKind;
  readonly compressed: boolean;
  /** Parts arrived and not yet handed on (to zlib or to the sink), and their size. */
  parts: Uint8Array[];
  partBytes: number;
  /** Its last part arrived. */
  ended: boolean;
  /** It was still arriving when an input batch ended: it goes to the sink as it inflates. */
  streamed: boolean;
  /** The sink was told it starts. */
  started: boolean;
  /** Inflated output of a message delivered whole (Strict), gathered until its end. */
  output: Uint8Array[];
  /** What arrived after it and waits until it is handed on (a Ping or Pong for the flow). */
  after: (() => void)[] | undefined;
}

/** Messages held (the one inflating included) past which reading pauses. */
const PAUSE_MESSAGES = 16;
/** Bytes received and not yet inflated or handed on past which reading pauses. */
const PAUSE_BYTES = 64 * 1024;

/**
 * Sits where the assembler would: the owner forwards the protocol's `onMessageStart` /
 * `onMessageData` to it, and calls {@link endBatch} after each input batch. An uncompressed
 * message with nothing before it goes straight through (no cost); a compressed one is inflated
 * one step per input batch, and whatever follows it waits its turn. A compressed message whose
 * frames all arrived within one batch is delivered whole (Strict); one still arriving when its
 * batch ends is handed on part by part as it inflates, text checked as UTF-8 as it goes (the
 * assembler collects it Strict within `aggregateMessageBytes`, and streams it past that).
 *
 * @example
 * const stage = new InflateStage(assembler, inflater, { delivered, setPaused, fail });
 * // ProtocolHandler: onMessageStart(kind, compressed) { stage.onMessageStart(kind, compressed); }
 * protocol.receiveData(chunk);
 * stage.endBatch();
 */
export class InflateStage {
  readonly #sink: MessagePartSink;
  readonly #inflater: MessageInflater;
  readonly #owner: InflateStageOwner;
  readonly #queue: Held[] = [];
  readonly #utf8 = new Utf8Validator();
  #passing = false;
  #waitingBytes = 0;
  /** Inflated bytes gathered for a message delivered whole, not yet handed on. */
  #gatheredBytes = 0;
  #paused = false;
  #failed = false;
  #onDrained: (() => void) | undefined;
  #onIdle: (() => void) | undefined;

  constructor(sink: MessagePartSink, inflater: MessageInflater, owner: InflateStageOwner) {
    this.#sink = sink;
    this.#inflater = inflater;
    this.#owner = owner;
  }

  /** Compressed bytes waiting to be inflated, and inflated ones gathered for a whole message. */
  get heldBytes(): number {
    return this.#waitingBytes + this.#gatheredBytes;
  }

  /** A data message begins (ProtocolHandler.onMessageStart). */
  onMessageStart(kind: MessageKind, compressed: boolean, wholeBytes?: number): void {
    if (this.#failed) return;
    if (!compressed && this.#queue.length === 0) {
      this.#passing = true;
      this.#sink.onMessageStart(kind, false, wholeBytes);
      return;
    }
    this.#queue.push({
      kind,
      compressed,
      parts: [],
      partBytes: 0,
      ended: false,
      streamed: false,
      started: false,
      output: [],
      after: undefined,
    });
    this.#updatePaused();
  }

  /** A part of the current message (ProtocolHandler.onMessageData). */
  onMessageData(chunk: Uint8Array, last: boolean): void {
    if (this.#passing) {
      if (last) this.#passing = false;
      this.#sink.onMessageData(chunk, last);
      return;
    }
    const held = this.#queue[this.#queue.length - 1];
    if (this.#failed || held === undefined) return;
    held.parts.push(chunk);
    held.partBytes += chunk.length;
    this.#waitingBytes += chunk.length;
    if (last) held.ended = true;
    if (held === this.#queue[0] && !held.compressed) this.#work();
    this.#updatePaused();
  }

  /** The input batch is over: a message still arriving streams; inflating goes on. */
  endBatch(): void {
    const tail = this.#queue[this.#queue.length - 1];
    if (tail !== undefined && !tail.ended) tail.streamed = true;
    this.#work();
  }

  /**
   * Runs `callback` once every message that began before now was handed on (at once when none
   * waits): a control message the flow receives keeps its place among the data messages.
   *
   * @param callback - Called once.
   */
  afterHeld(callback: () => void): void {
    const tail = this.#queue[this.#queue.length - 1];
    if (tail === undefined) callback();
    else (tail.after ??= []).push(callback);
  }

  /**
   * The peer closed or broke the protocol: the message still arriving is dropped (the owner
   * aborts the assembler's too); complete ones are still inflated and delivered.
   */
  abortOpen(): void {
    this.#passing = false;
    const tail = this.#queue[this.#queue.length - 1];
    if (tail === undefined || tail.ended) return;
    this.#queue.pop();
    this.#waitingBytes -= tail.partBytes;
    if (this.#queue.length === 0) this.#gatheredBytes = 0; // it was the one inflating
    // What waited behind the dropped message still keeps its place behind the ones before it.
    for (const callback of tail.after ?? []) this.afterHeld(callback);
    this.#updatePaused();
  }

  /**
   * Calls `callback` once every complete message held here was delivered (at once when none
   * waits): a protocol error's Close waits for the replies to messages still inflating.
   *
   * @param callback - Called once.
   */
  whenDrained(callback: () => void): void {
    this.#onIdle = callback;
    this.#checkDrained();
  }

  /**
   * The transport is gone: `done` runs once every complete message was delivered (at once when
   * none waits), and the inflater is then released.
   *
   * @param done - Called once, when nothing is left to deliver.
   */
  finish(done: () => void): void {
    this.abortOpen();
    this.#onDrained = () => {
      this.#inflater.close();
      done();
    };
    this.#work();
    this.#checkDrained();
  }

  /** Hands on what it can, from the head of the queue, and starts the next inflate step. */
  #work(): void {
    while (!this.#failed) {
      const head = this.#queue[0];
      if (head === undefined) return;
      if (!head.compressed) {
        this.#forward(head);
        if (!head.ended) return;
        this.#handedOn();
        continue;
      }
      // A streamed compressed message is announced with its first output (in #emit): a bomb
      // that overflows on its first step never reaches the application.
      if (!this.#inflater.busy && head.parts.length > 0) this.#inflateNext(head);
      return;
    }
  }

  /** The head message was handed on whole: off the queue, then what waited behind it. */
  #handedOn(): void {
    const after = (this.#queue.shift() as Held).after;
    if (after !== undefined) for (const callback of after) callback();
  }

  /** An uncompressed message's turn: its parts go to the sink as they are. */
  #forward(held: Held): void {
    if (!held.started) this.#start(held);
    const parts = held.parts;
    held.parts = [];
    this.#waitingBytes -= held.partBytes;
    held.partBytes = 0;
    for (let i = 0; i < parts.length; i++) {
      this.#sink.onMessageData(parts[i], held.ended && i === parts.length - 1);
    }
  }

  #start(held: Held): void {
    held.started = true;
    this.#sink.onMessageStart(held.kind, false);
    const output = held.output;
    held.output = [];
    this.#gatheredBytes = 0;
    for (const chunk of output) this.#sink.onMessageData(chunk, false);
  }

  #inflateNext(head: Held): void {
    const parts = head.parts;
    const bytes = head.partBytes;
    const last = head.ended;
    head.parts = [];
    head.partBytes = 0;
    this.#inflater.inflate(parts, last, (error, output) => {
      this.#waitingBytes -= bytes;
      this.#inflated(head, last, error, output);
    });
  }

  /** An inflate step finished (asynchronously): hand on its output, then go on. */
  #inflated(head: Held, last: boolean, error: ProtocolError | undefined, output: Buffer[]): void {
    if (this.#failed) return;
    if (head === this.#queue[0]) {
      if (error !== undefined) return this.#fail(error);
      if (head.kind === 'text' && !this.#checkUtf8(output, last)) return this.#fail(utf8Error());
      this.#emit(head, output, last);
      if (last) this.#handedOn();
    }
    this.#work();
    this.#owner.delivered();
    this.#updatePaused();
    this.#checkDrained();
  }

  #emit(head: Held, output: Buffer[], last: boolean): void {
    if (!head.streamed) {
      for (const chunk of output) {
        head.output.push(chunk);
        this.#gatheredBytes += chunk.length;
      }
      if (!last) return;
      this.#sink.onMessageStart(head.kind, false);
      const whole = head.output.length === 1 ? head.output[0] : Buffer.concat(head.output);
      head.output = [];
      this.#gatheredBytes = 0;
      this.#sink.onMessageData(whole, true);
      return;
    }
    if (!head.started) {
      if (output.length === 0 && !last) return;
      this.#start(head);
    }
    for (let i = 0; i < output.length; i++) {
      this.#sink.onMessageData(output[i], last && i === output.length - 1);
    }
    if (last && output.length === 0) this.#sink.onMessageData(EMPTY, true);
  }

  /** 8.1 of RFC 6455 applies to the inflated text, checked as it is inflated. */
  #checkUtf8(output: Buffer[], last: boolean): boolean {
    const validator = this.#utf8;
    let ok = true;
    for (const chunk of output) if (ok) ok = validator.write(chunk);
    if (ok && last) ok = validator.end();
    if (!ok || last) validator.reset();
    return ok;
  }

  #fail(error: ProtocolError): void {
    this.#failed = true;
    this.#queue.length = 0;
    this.#waitingBytes = 0;
    this.#gatheredBytes = 0;
    this.#passing = false;
    this.#updatePaused();
    this.#owner.fail(error);
    this.#checkDrained();
  }

  #checkDrained(): void {
    if (this.#inflater.busy || (this.#queue.length > 0 && !this.#failed)) return;
    const idle = this.#onIdle;
    const drained = this.#onDrained;
    this.#onIdle = undefined;
    this.#onDrained = undefined;
    idle?.();
    drained?.();
  }

  #updatePaused(): void {
    const paused =
      !this.#failed && (this.#queue.length >= PAUSE_MESSAGES || this.#waitingBytes >= PAUSE_BYTES);
    if (paused === this.#paused) return;
    this.#paused = paused;
    this.#owner.setPaused(paused);
  }
}

function utf8Error(): ProtocolError {
  return new ProtocolError(
    ErrorCode.InvalidUtf8,
    'invalid UTF-8 in a compressed text message',
    CloseCode.InvalidPayload,
  );
}
