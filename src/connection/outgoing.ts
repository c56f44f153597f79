// Connection layer: the outgoing side — messages rendered in order into the protocol, its bytes
// written with coalescing (one write or cork/uncork per batch or tick), and the transport's drain.

import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { MessageCompressor } from './deflate-renderer.js';
import type { FrameOutput, PendingFrames } from './frame-output.js';
import type { BudgetAccount } from './memory-budget.js';
import { renderStreamed, renderStrict } from '../message/renderer.js';
import { recycleFrameBuffer } from '../protocol/serializer.js';
import type { RenderTarget } from '../message/renderer.js';
import { heldPayloadBytes, toMessage } from '../message/message.js';
import type { MessageLike } from '../message/message.js';
import type { Protocol } from '../protocol/protocol.js';
import { backpressureChannel, messageChannel } from './channels.js';
import type { BackpressurePayload } from './channels.js';
import { OutboundMessages } from './outbound-messages.js';

/** Unflushed bytes past which a send flushes at once instead of at the end of the tick. */
const FLUSH_NOW_BYTES = 64 * 1024;
/**
 * Unflushed bytes a memory budget is told of together (the rest at the flush, at the end of the
 * tick): what a connection may hold uncounted for a moment.
 */
const BUDGET_STEP_BYTES = 1024;
/** A map flow stops reading once this many transport high-water marks of output are buffered. */
const PAUSE_READING_HIGH_WATER_MARKS = 8;

/** What the writer needs from its owner (the connection). */
export interface OutgoingOwner {
  /** A Streamed message failed half-sent: the owner must close the connection. */
  onApplicationError(error: unknown): void;
  /** The public Connection, named by the diagnostics channels. */
  readonly face: object;
}

interface Pending {
  readonly value: MessageLike;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Frames serialized once for many connections, waiting their turn (see {@link FrameOutput}). */
class QueuedFrames {
  readonly frames: Uint8Array;
  /** The messages they hold. */
  readonly messages: number;
  constructor(frames: Uint8Array, messages: number) {
    this.frames = frames;
    this.messages = messages;
  }
}

/**
 * Sends messages through a Protocol onto a transport, in order. A Strict message with nothing
 * ahead of it is rendered synchronously (no promise); a Streamed one, or anything behind it, waits
 * its turn. Bytes are flushed once per input batch (by the owner) or per tick, or at once when
 * 64 KiB are pending.
 */
export class OutgoingWriter implements RenderTarget, FrameOutput {
  readonly #protocol: Protocol;
  readonly #transport: Duplex;
  readonly #owner: OutgoingOwner;
  /** Sends waiting their turn, and prepared frames behind them (made on the first one). */
  #queue: (Pending | QueuedFrames)[] | undefined;
  /** The bytes of the prepared frames in the queue. */
  #queuedFrameBytes = 0;
  /** The payload bytes of the Strict messages in the queue, waiting their turn. */
  #queuedSendBytes = 0;
  /** The protocol's unflushed bytes the budget was last told of by {@link OutgoingWriter.#sent}. */
  #budgetedOutgoing = 0;
  readonly #batchMessages: number;
  /** A plain TCP socket: a write that completed at once was copied into the kernel. */
  readonly #copiesOnWrite: boolean;
  /** Frames handed to the protocol since the last flush. */
  #unflushedFrames = 0;
  #pumping = false;
  #flushScheduled = false;
  #drain: Promise<void> | undefined;
  /** Called once the queue is empty and nothing is being rendered (see whenIdle). */
  #onIdle: (() => void) | undefined;
  /** Makes the error of sends after the close (made once, when the first one needs it). */
  #closedBy: (() => unknown) | undefined;
  #closedError: unknown;
  /** Transport writes made (one per flush): keep-alive and the idle timeout sample it. */
  writes = 0;
  /** Told after a flush that left the transport over 8 times its high-water mark. */
  drainWatcher: { onNeedDrain(): void } | undefined;
  /** permessage-deflate, once negotiated: renders the messages it wants compressed. */
  compressor: MessageCompressor | undefined;
  /** {@inheritDoc FrameOutput.pendingFrames} */
  pendingFrames: PendingFrames | undefined;
  /** The memory budget's account of this connection, told when what it buffers grows. */
  budget: BudgetAccount | undefined;
  /** Tells `wsflow:message` of the messages sent; made once someone listens. */
  #outbound: OutboundMessages | undefined;

  /**
   * @param protocol - renders frames.
   * @param transport - receives the bytes.
   * @param owner - told when a Streamed message failed half-sent (it must close then).
   * @param batchMessages - messages sent in a burst that are written together, at most.
   */
  constructor(
    protocol: Protocol,
    transport: Duplex,
    owner: OutgoingOwner,
    batchMessages = Infinity,
  ) {
    this.#protocol = protocol;
    this.#transport = transport;
    this.#owner = owner;
    this.#batchMessages = batchMessages;
    this.#copiesOnWrite =
      transport instanceof Socket && (transport as { encrypted?: boolean }).encrypted !== true;
  }

  /** True when nothing is queued or being rendered. */
  get idle(): boolean {
    return !this.#pumping && (this.#queue === undefined || this.#queue.length === 0);
  }

  /**
   * Calls `callback` once nothing is queued or being rendered: at once when idle, else when the
   * queue has drained (or was dropped by {@link OutgoingWriter.close}). One callback at a time.
   *
   * @param callback - called once.
   */
  whenIdle(callback: () => void): void {
    if (this.idle) callback();
    else this.#onIdle = callback;
  }

  /**
   * Sends a message: now when possible, else after those ahead of it.
   *
   * @param value - a message, string or bytes.
   * @returns `undefined` when it was rendered synchronously, else a promise settled when it is.
   * @throws InvalidStateError after Close; TypeError for a value that is not a message.
   */
  send(value: MessageLike): Promise<void> | undefined {
    if (this.pendingFrames !== undefined) this.releasePending();
    if (this.#closedBy !== undefined) throw this.#errorAfterClose();
    if (this.idle && !this.compressor?.wants(value) && renderStrict(this, value)) return undefined;
    return new Promise<void>((resolve, reject) => {
      (this.#queue ??= []).push({ value, resolve, reject });
      this.#queuedSendBytes += sizeOf(value);
      this.budget?.report();
      if (!this.#pumping) void this.#pump();
    });
  }

  /** {@inheritDoc FrameOutput.bufferedBytes} */
  get bufferedBytes(): number {
    return this.#transport.writableLength + this.#protocol.outgoingBytes + this.#queuedFrameBytes;
  }

  /** What a memory budget counts: {@link OutgoingWriter.bufferedBytes} and the queued sends. */
  get heldBytes(): number {
    return this.bufferedBytes + this.#queuedSendBytes;
  }

  /**
   * Has what a hub holds back for this connection written now, before a message of its own
   * (or its Close) goes out behind it.
   */
  releasePending(): void {
    const pending = this.pendingFrames;
    if (pending === undefined) return;
    this.pendingFrames = undefined;
    pending.writePending();
  }

  /** {@inheritDoc FrameOutput.writeFrames} */
  writeFrames(frames: Uint8Array, messages = 1): boolean {
    if (this.#closedBy !== undefined) return false;
    if (this.idle && !this.#transport.writableNeedDrain) {
      try {
        this.#protocol.sendFrames(frames);
      } catch {
        return false; // a Close went out: nothing more is sent
      }
      if (messageChannel.hasSubscribers) this.#outboundMessages().framesSent(frames);
      this.#sent();
      return true;
    }
    (this.#queue ??= []).push(new QueuedFrames(frames, messages));
    this.#queuedFrameBytes += frames.length;
    this.budget?.report();
    if (!this.#pumping) void this.#pump();
    return true;
  }

  /** {@inheritDoc FrameOutput.dropOldestFrames} */
  dropOldestFrames(): number {
    const queue = this.#queue;
    if (queue === undefined) return 0;
    for (let i = 0; i < queue.length; i++) {
      const entry = queue[i];
      if (!(entry instanceof QueuedFrames)) continue;
      if (i === 0) queue.shift();
      else queue.splice(i, 1);
      this.#queuedFrameBytes -= entry.frames.length;
      this.budget?.report();
      return entry.messages;
    }
    return 0;
  }

  /** {@inheritDoc FrameOutput.dropQueuedFrames} */
  dropQueuedFrames(): number {
    const queue = this.#queue;
    const dropped = this.#queuedFrameBytes;
    if (queue === undefined || dropped === 0) return 0;
    // In place: the pump holds this array while it renders a message.
    let kept = 0;
    for (let i = 0; i < queue.length; i++) {
      const entry = queue[i];
      if (!(entry instanceof QueuedFrames)) queue[kept++] = entry;
    }
    queue.length = kept;
    this.#queuedFrameBytes = 0;
    this.budget?.report();
    return dropped;
  }

  /** RenderTarget: a text frame. */
  sendText(data: string | Uint8Array, fin = true, compressed = false): void {
    this.#protocol.sendText(data, fin, compressed);
    if (messageChannel.hasSubscribers) {
      this.#outboundMessages().frameSent('text', data, fin, compressed);
    }
    this.#sent();
  }

  /** RenderTarget: a binary frame. */
  sendBinary(data: Uint8Array, fin = true, compressed = false): void {
    this.#protocol.sendBinary(data, fin, compressed);
    if (messageChannel.hasSubscribers) {
      this.#outboundMessages().frameSent('binary', data, fin, compressed);
    }
    this.#sent();
  }

  /** RenderTarget: a Ping, in order with the messages around it. */
  sendPing(data: Uint8Array): void {
    this.#protocol.sendPing(data);
    this.#sent();
  }

  /** RenderTarget: a Pong, in order with the messages around it. */
  sendPong(data: Uint8Array): void {
    this.#protocol.sendPong(data);
    this.#sent();
  }

  /** RenderTarget: a whole message whose payload arrived in parts, sent on without joining them. */
  sendWholeMessage(kind: 'text' | 'binary', parts: readonly Uint8Array[]): void {
    this.#protocol.sendWholeMessage(kind, parts);
    if (messageChannel.hasSubscribers) this.#outboundMessages().wholeSent(kind, parts);
    this.#sent();
  }

  /** RenderTarget: a continuation frame. */
  sendContinuation(data: string | Uint8Array, fin: boolean): void {
    this.#protocol.sendContinuation(data, fin);
    if (messageChannel.hasSubscribers)
      this.#outboundMessages().frameSent(undefined, data, fin, false);
    this.#sent();
  }

  /** A promise while the transport's buffer is over its high-water mark, else `undefined`. */
  ready(): Promise<void> | undefined {
    if (this.#drain !== undefined) return this.#drain;
    const transport = this.#transport;
    if (!transport.writableNeedDrain || transport.destroyed) return undefined;
    return this.#waitForDrain();
  }

  /**
   * Like {@link OutgoingWriter.ready}, but only once over 8 times the high-water mark is
   * buffered (the bound the map path reads under): a sender of large messages keeps the next one
   * coming while the transport writes, and a peer that does not read still stops it.
   */
  readyForMore(): Promise<void> | undefined {
    if (this.#drain !== undefined) return this.#drain;
    const transport = this.#transport;
    if (!transport.writableNeedDrain || transport.destroyed) return undefined;
    const limit = PAUSE_READING_HIGH_WATER_MARKS * transport.writableHighWaterMark;
    return transport.writableLength < limit ? undefined : this.#waitForDrain();
  }

  #outboundMessages(): OutboundMessages {
    return (this.#outbound ??= new OutboundMessages(this.#owner.face, this.#protocol.side));
  }

  #waitForDrain(): Promise<void> {
    const transport = this.#transport;
    if (backpressureChannel.hasSubscribers) {
      const message: BackpressurePayload = {
        connection: this.#owner.face,
        side: this.#protocol.side,
        bufferedBytes: transport.writableLength,
        highWaterMark: transport.writableHighWaterMark,
      };
      backpressureChannel.publish(message);
    }
    this.#drain = new Promise<void>((resolve) => {
      const done = (): void => {
        transport.off('drain', done);
        transport.off('close', done);
        this.#drain = undefined;
        resolve();
      };
      transport.on('drain', done);
      transport.on('close', done);
    });
    return this.#drain;
  }

  /** Writes everything the protocol has queued: one write, or several under one cork. */
  flush(): void {
    this.#flushScheduled = false;
    this.#unflushedFrames = 0;
    this.#budgetedOutgoing = 0;
    const protocol = this.#protocol;
    if (!protocol.hasOutgoing) return;
    const chunks = protocol.takeOutgoing();
    const transport = this.#transport;
    if (transport.writableEnded || transport.destroyed) return;
    this.writes++;
    // A client's masked copy of a large frame: once the socket has written it (the kernel has
    // the bytes), its buffer carries a later one, instead of fresh memory.
    const lent = protocol.takeLentBuffer();
    const done = lent !== undefined && this.#copiesOnWrite ? recycleWhenWritten(lent) : undefined;
    if (chunks.length === 1) {
      transport.write(chunks[0], done);
    } else {
      transport.cork();
      const last = chunks.length - 1;
      for (let i = 0; i < last; i++) transport.write(chunks[i]);
      transport.write(chunks[last], done);
      transport.uncork();
    }
    // Pausing reading at the transport's own high-water mark (16 KiB for a socket) would pause
    // after every large echo and leave the pipe empty until the buffer drains; a few times that
    // keeps bytes flowing both ways and still bounds what a peer that does not read can cost us.
    if (
      this.drainWatcher !== undefined &&
      transport.writableNeedDrain &&
      transport.writableLength >= PAUSE_READING_HIGH_WATER_MARKS * transport.writableHighWaterMark
    ) {
      this.drainWatcher.onNeedDrain();
    }
    this.budget?.report();
  }

  /** Flushes at the end of this tick (once, however many sends come before). */
  scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    process.nextTick(flushWriter, this);
  }

  /**
   * The connection is closed: queued sends fail with the error `makeError` makes, later ones
   * throw it. It is made only when a send needs it (an error captures a stack, and most
   * connections send nothing after their end).
   *
   * @param makeError - makes the reason, typically a ConnectionClosed.
   */
  close(makeError: () => unknown): void {
    this.#closedBy ??= makeError;
    const queued = this.#queue?.splice(0);
    this.#queuedFrameBytes = 0;
    this.#queuedSendBytes = 0;
    if (queued !== undefined && queued.length > 0) {
      const error = this.#errorAfterClose();
      for (const pending of queued) if (!(pending instanceof QueuedFrames)) pending.reject(error);
    }
  }

  #errorAfterClose(): unknown {
    return (this.#closedError ??= (this.#closedBy as () => unknown)());
  }

  #sent(): void {
    const full = ++this.#unflushedFrames >= this.#batchMessages;
    const outgoing = this.#protocol.outgoingBytes;
    if (full || outgoing >= FLUSH_NOW_BYTES) {
      this.flush();
      return;
    }
    this.scheduleFlush();
    // What waits for the end of the tick counts too (a broadcast renders a frame for every
    // connection before any of them writes): told by the KiB, without measuring it all, so that
    // a stream of small frames costs nothing per frame.
    const budget = this.budget;
    if (budget !== undefined && outgoing - this.#budgetedOutgoing >= BUDGET_STEP_BYTES) {
      budget.grow(outgoing - this.#budgetedOutgoing);
      this.#budgetedOutgoing = outgoing;
    }
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    while (this.#queue !== undefined && this.#queue.length > 0) {
      await this.ready();
      // Taken after the wait: prepared frames may have been dropped meanwhile.
      const queue = this.#queue;
      const pending = queue[0];
      if (pending === undefined) break;
      if (pending instanceof QueuedFrames) {
        this.#writeQueuedFrames(queue);
        continue;
      }
      try {
        if (this.#closedBy !== undefined) throw this.#errorAfterClose();
        if (this.compressor?.wants(pending.value) || !renderStrict(this, pending.value)) {
          await this.#renderStreamed(pending.value);
        }
        pending.resolve();
      } catch (error) {
        pending.reject(error);
      }
      if (queue[0] === pending) {
        queue.shift();
        this.#queuedSendBytes -= sizeOf(pending.value);
      }
    }
    this.#pumping = false;
    const onIdle = this.#onIdle;
    if (onIdle !== undefined && this.idle) {
      this.#onIdle = undefined;
      onIdle();
    }
  }

  /** Writes the prepared frames at the head of the queue while the transport takes more. */
  #writeQueuedFrames(queue: (Pending | QueuedFrames)[]): void {
    const transport = this.#transport;
    while (queue[0] instanceof QueuedFrames && !transport.writableNeedDrain) {
      const { frames } = queue.shift() as QueuedFrames;
      this.#queuedFrameBytes -= frames.length;
      if (this.#closedBy !== undefined) continue;
      try {
        this.#protocol.sendFrames(frames);
      } catch {
        continue; // a Close went out: the rest is dropped as it comes
      }
      if (messageChannel.hasSubscribers) this.#outboundMessages().framesSent(frames);
      this.#sent();
    }
  }

  async #renderStreamed(value: MessageLike): Promise<void> {
    try {
      const compressor = this.compressor;
      if (compressor?.wants(value)) await compressor.render(this, value);
      else await renderStreamed(this, toMessage(value));
    } catch (error) {
      if (this.#closedBy === undefined) this.#owner.onApplicationError(error);
      throw error;
    }
  }
}

/** A write callback: the buffer goes back for reuse once its write succeeded. */
function recycleWhenWritten(buffer: Buffer): (error?: Error | null) => void {
  return (error) => {
    if (error == null) recycleFrameBuffer(buffer);
  };
}

/** The bytes a value waiting to be sent holds (a string: its UTF-16 length). */
function sizeOf(value: MessageLike): number {
  if (typeof value === 'string') return value.length;
  if (value instanceof Uint8Array) return value.byteLength;
  return heldPayloadBytes(value);
}

function flushWriter(writer: OutgoingWriter): void {
  writer.flush();
}
