// Testkit: an in-memory link, two Duplex ends joined like the two ends of a TCP connection, with no
// socket and no port; and the faults a network brings: writes split anywhere, delay, a peer that
// stops reading, a link gone without a word (half-open), a reset.

import { Duplex } from 'node:stream';
import { systemClock } from '../time/clock.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { createSplitter } from './split.js';
import type { SplitOptions, Splitter } from './split.js';

/** Options of a {@link MemoryLink}. */
export interface MemoryLinkOptions {
  /** Readable and writable high-water mark of both ends, in bytes. Default 16 KiB. */
  highWaterMark?: number;
  /** Split every write into pieces the peer reads one by one (both directions). Default: whole. */
  split?: SplitOptions;
  /** Every write reaches the peer this long after it was made, in order (both directions). */
  delayMs?: number;
  /** The clock `delayMs` runs on: a `VirtualClock` delivers inside its `advance()`. */
  clock?: Clock;
}

/** Which end of a {@link MemoryLink}. */
export type LinkSide = 'client' | 'server';

/**
 * Bytes moved by every link so far: {@link settle} waits until a turn of the event loop moves
 * none.
 */
export const linkTraffic = { pieces: 0 };

/** What both ends of one link share. */
interface LinkState {
  readonly clock: Clock;
  dropped: boolean;
  /** Deliveries under way (a delivery can start another one). */
  delivering: number;
}

/** What a link does to one of its ends, kept out of the ends' public face. */
interface EndControl {
  /** Nothing more is pushed into this end (it stopped reading). */
  stalled: boolean;
  /** The link is being reset: this end gives its peer no end of input. */
  resetting: boolean;
  /** Pushes what waits for the peer. */
  pump(): void;
  /** Forgets what is on its way to the peer. */
  discardInFlight(): void;
}

const controls = new WeakMap<LinkEnd, EndControl>();

function controlOf(end: LinkEnd): EndControl {
  return controls.get(end) as EndControl;
}

/** The largest piece pushed to the peer at once (a TCP read is bounded too). */
const SEGMENT_BYTES = 64 * 1024;

/**
 * Two connected in-memory Duplex streams (`client` and `server`): what one end writes, the other
 * reads. A write completes once the reading end has taken it into its buffer, so backpressure
 * travels end to end as over TCP. `end()` on one end is a FIN (the peer reads the end of its
 * input), `destroy()` closes both.
 *
 * @example
 * ```ts
 * const link = new MemoryLink({ split: { chunkBytes: 1 } });
 * const connection = new Connection(link.server, { side: 'server' });
 * link.client.write(frameBytes); // arrives one byte at a time
 * link.stall('client'); // the client stops reading: the server's writes back up
 * link.drop(); // both ends stay open, nothing gets through any more
 * ```
 */
export class MemoryLink {
  /** The end a client uses. */
  readonly client: LinkEnd;
  /** The end a server uses. */
  readonly server: LinkEnd;
  readonly #state: LinkState;

  /**
   * @param options - buffer sizes and the faults present from the start.
   * @throws {RangeError} for a `highWaterMark` or `delayMs` out of range, or bad `split` options.
   */
  constructor(options: MemoryLinkOptions = {}) {
    const highWaterMark = options.highWaterMark ?? 16 * 1024;
    if (!Number.isInteger(highWaterMark) || highWaterMark <= 0) {
      throw new RangeError(
        `highWaterMark must be a positive integer, not ${String(highWaterMark)}`,
      );
    }
    const delayMs = options.delayMs ?? 0;
    if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
      throw new RangeError(`delayMs must be a finite number >= 0, not ${String(delayMs)}`);
    }
    const state: LinkState = { clock: options.clock ?? systemClock, dropped: false, delivering: 0 };
    this.#state = state;
    const split = options.split;
    const make = (): LinkEnd =>
      new LinkEnd(
        state,
        highWaterMark,
        delayMs,
        split === undefined ? undefined : createSplitter(split),
      );
    this.client = make();
    this.server = make();
    this.client.peer = this.server;
    this.server.peer = this.client;
  }

  /** True once {@link MemoryLink.drop} was called. */
  get dropped(): boolean {
    return this.#state.dropped;
  }

  /** The clock the delays run on. */
  get clock(): Clock {
    return this.#state.clock;
  }

  /**
   * One end stops reading (a peer whose application no longer reads): nothing more reaches it, so
   * the other end's writes stop completing and its buffers fill, as over TCP once the window
   * closes. Bytes already delivered to it are still read.
   *
   * @param side - the end that stops reading.
   */
  stall(side: LinkSide): void {
    controlOf(this[side]).stalled = true;
  }

  /**
   * The end reads again; what waited is delivered.
   *
   * @param side - the end that stalled.
   */
  unstall(side: LinkSide): void {
    const end = this[side];
    controlOf(end).stalled = false;
    controlOf(end.peer).pump();
  }

  /**
   * The link goes away without a word (a cable pulled, a NAT entry forgotten): both ends stay
   * open and writable, every byte written from now on (and every byte still on its way) is lost,
   * and neither end sees an end, a close or an error. Only a keep-alive or a timeout can notice.
   */
  drop(): void {
    this.#state.dropped = true;
    controlOf(this.client).discardInFlight();
    controlOf(this.server).discardInFlight();
  }

  /**
   * Resets the link (a TCP RST): both ends are destroyed with an `ECONNRESET` error, without
   * reading the end of their input first.
   */
  reset(): void {
    for (const end of [this.client, this.server]) {
      controlOf(end).resetting = true;
      const error = Object.assign(new Error('read ECONNRESET'), {
        code: 'ECONNRESET',
        errno: -104,
        syscall: 'read',
      });
      if (!end.destroyed) end.destroy(error);
    }
  }
}

/**
 * One end of a {@link MemoryLink}: a Duplex of bytes. Its counters let tests see what crossed.
 */
export class LinkEnd extends Duplex {
  /** The other end. */
  peer!: LinkEnd;
  /** Calls to _write/_writev: one per write, one per cork/uncork batch. */
  writeCalls = 0;
  /** Bytes this end wrote. */
  bytesSent = 0;
  /** Bytes the peer pushed into this end (delivered or still buffered here). */
  bytesPushed = 0;
  readonly #control: EndControl;
  readonly #link: LinkState;
  readonly #delayMs: number;
  readonly #split: Splitter | undefined;
  /** Pieces of the current write waiting to be pushed to the peer, from `#next` on. */
  #outbox: Buffer[] = [];
  #next = 0;
  #writeDone: ((error?: Error | null) => void) | undefined;
  #delay: TimerHandle | undefined;
  #pumping = false;
  #pumpAgain = false;

  /**
   * @internal Made by {@link MemoryLink}, two at a time.
   *
   * @param link - what both ends share.
   * @param highWaterMark - readable and writable high-water mark, in bytes.
   * @param delayMs - how long each write takes to reach the peer.
   * @param split - how each write is cut, if it is.
   */
  constructor(
    link: LinkState,
    highWaterMark: number,
    delayMs: number,
    split: Splitter | undefined,
  ) {
    super({ allowHalfOpen: false, highWaterMark, decodeStrings: true });
    this.#link = link;
    this.#delayMs = delayMs;
    this.#split = split;
    this.#control = {
      stalled: false,
      resetting: false,
      pump: () => this.#pump(),
      discardInFlight: () => this.#discardInFlight(),
    };
    controls.set(this, this.#control);
  }

  /** Bytes written by this end that the peer has not taken yet. */
  get bytesInFlight(): number {
    let bytes = 0;
    for (let i = this.#next; i < this.#outbox.length; i++) bytes += this.#outbox[i].length;
    return bytes;
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.writeCalls++;
    this.#deliver(chunk, callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.writeCalls++;
    this.#deliver(Buffer.concat(chunks.map((c) => c.chunk)), callback);
  }

  override _read(): void {
    this.peer.#pump();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    if (!this.#link.dropped && !peer.destroyed && !peer.readableEnded) peer.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const done = this.#writeDone;
    this.#writeDone = undefined;
    this.#discardInFlight();
    done?.(error ?? new Error('destroyed'));
    // Like a TCP close: the peer sees the end of its input (and, not half-open, closes too).
    const peer = this.peer;
    if (!this.#control.resetting && !this.#link.dropped && !peer.destroyed && !peer.readableEnded) {
      peer.push(null);
    }
    callback(error);
  }

  /** Forgets what is on its way to the peer; once the link dropped, the write waiting completes. */
  #discardInFlight(): void {
    this.#outbox = [];
    this.#next = 0;
    if (this.#delay !== undefined) {
      this.#link.clock.clearTimeout(this.#delay);
      this.#delay = undefined;
    }
    if (this.#link.dropped) this.#complete();
  }

  #deliver(data: Buffer, callback: (error?: Error | null) => void): void {
    if (this.#link.dropped) {
      this.bytesSent += data.length;
      callback(); // into the void: the writer cannot tell
      return;
    }
    if (this.peer.destroyed) {
      callback(new Error('peer destroyed'));
      return;
    }
    this.bytesSent += data.length;
    this.#writeDone = callback;
    const pieces = segments(this.#split === undefined ? [data] : this.#split(data));
    if (this.#delayMs === 0) {
      this.#outbox = pieces;
      // Delivered at once, unless this write was made while the link is delivering: the peer
      // reading inside our _write could answer, and a write made back to this end then (which
      // no socket does) would be lost by Node's Writable, still busy with this one.
      if (this.#link.delivering > 0) process.nextTick(() => this.#pump());
      else this.#pump();
      return;
    }
    this.#delay = this.#link.clock.setTimeout(() => {
      this.#delay = undefined;
      this.#outbox = pieces;
      this.#pump();
    }, this.#delayMs);
  }

  /**
   * Pushes what waits to the peer while it has room and reads. Not re-entered: a push
   * can make the peer read, answer and ask for more (its _read) before it returns; that asks for
   * another round of the loop already running.
   */
  #pump(): void {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    this.#link.delivering++;
    try {
      do {
        this.#pumpAgain = false;
        this.#pumpOnce();
      } while (this.#pumpAgain);
    } finally {
      this.#pumping = false;
      this.#link.delivering--;
    }
  }

  #pumpOnce(): void {
    const peer = this.peer;
    while (this.#next < this.#outbox.length) {
      if (this.#link.dropped) return this.#discardInFlight();
      if (peer.destroyed) return this.#fail(new Error('peer destroyed'));
      if (controlOf(peer).stalled) return;
      const piece = this.#outbox[this.#next++];
      peer.bytesPushed += piece.length;
      linkTraffic.pieces++;
      if (!peer.push(piece)) return; // the write completes when the peer reads (its _read)
    }
    if (this.#delay === undefined) this.#complete();
  }

  #fail(error: Error): void {
    this.#outbox = [];
    this.#next = 0;
    const done = this.#writeDone;
    this.#writeDone = undefined;
    done?.(error);
  }

  #complete(): void {
    this.#outbox = [];
    this.#next = 0;
    const done = this.#writeDone;
    this.#writeDone = undefined;
    done?.();
  }
}

/** Pieces of at most {@link SEGMENT_BYTES}. */
function segments(pieces: Buffer[]): Buffer[] {
  if (pieces.every((piece) => piece.length <= SEGMENT_BYTES)) return pieces;
  const out: Buffer[] = [];
  for (const piece of pieces) {
    for (let at = 0; at < piece.length; at += SEGMENT_BYTES) {
      out.push(piece.subarray(at, at + SEGMENT_BYTES));
    }
  }
  return out;
}
