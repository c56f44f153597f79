// Extensions layer: where one direction of one connection gets its zlib stream. Without context
// takeover each message borrows a pooled stream; with it the connection owns one, released after
// an idle time with only its window kept, and rebuilt from that window when traffic resumes.

import { idleReleaser } from './idle-release.js';
import type { IdleReleasable, IdleReleaser } from './idle-release.js';
import { WindowHistory } from './window-history.js';
import { ZlibContext, giveContext, takeContext } from './zlib-context.js';
import type { ZlibContextKind } from './zlib-context.js';

/** How a slot keeps its stream. */
export interface ContextSlotOptions {
  /** The stream's kind (mode, window, level, memLevel). */
  kind: ZlibContextKind;
  /** Each message starts from an empty context: borrow a pooled stream per message. */
  noContextTakeover: boolean;
  /**
   * With context takeover: release the stream once idle this long (0: after every message;
   * Infinity: never), keeping its last 2^windowBits bytes of data to rebuild it with.
   */
  idleMs: number;
}

/**
 * One direction's zlib stream of one connection. Call {@link ContextSlot.acquire} when a job
 * starts, {@link ContextSlot.record} with the uncompressed bytes that go through it, and
 * {@link ContextSlot.endMessage} when a message is over.
 *
 * @example
 * const slot = new ContextSlot({ kind: { mode: 'inflate', windowBits: 15 }, noContextTakeover: false, idleMs: 10_000 });
 * const context = slot.acquire();
 * context.run([payload, TRAILER], limit, (result) => { for (const c of result.chunks) slot.record(c); slot.endMessage(); });
 */
export class ContextSlot implements IdleReleasable {
  readonly #kind: ZlibContextKind;
  readonly #noContextTakeover: boolean;
  readonly #idleMs: number;
  readonly #releaser: IdleReleaser | undefined;
  readonly #history: WindowHistory | undefined;
  #context: ZlibContext | undefined;
  /** The window of a released stream, to rebuild it with. */
  #dictionary: Buffer | undefined;
  #closed = false;

  constructor(options: ContextSlotOptions) {
    this.#kind = options.kind;
    this.#noContextTakeover = options.noContextTakeover;
    this.#idleMs = options.idleMs;
    const releasing = !options.noContextTakeover && Number.isFinite(options.idleMs);
    if (releasing && options.idleMs > 0) this.#releaser = idleReleaser(options.idleMs);
    if (releasing) this.#history = new WindowHistory(2 ** options.kind.windowBits);
  }

  /** The stream of the job now starting: the current one, a rebuilt one, or a pooled one. */
  acquire(): ZlibContext {
    this.#releaser?.markBusy(this);
    if (this.#context !== undefined) return this.#context;
    if (this.#noContextTakeover) return (this.#context = takeContext(this.#kind));
    const dictionary = this.#dictionary;
    this.#dictionary = undefined;
    if (dictionary !== undefined) this.#history?.append(dictionary);
    return (this.#context = ZlibContext.create(this.#kind, dictionary));
  }

  /** Uncompressed bytes that went through the stream, in order (kept when it may be released). */
  record(bytes: Uint8Array): void {
    this.#history?.append(bytes);
  }

  /** A message is over: the pooled stream goes back, an owned one goes idle. */
  endMessage(): void {
    const context = this.#context;
    if (this.#closed || context === undefined || context.busy) return;
    if (this.#noContextTakeover) {
      this.#context = undefined;
      giveContext(context);
    } else if (this.#releaser !== undefined) {
      this.#releaser.markIdle(this);
    } else if (this.#idleMs === 0) {
      this.releaseIdle();
    }
  }

  /** IdleReleasable: frees the stream, keeping its window. */
  releaseIdle(): void {
    const context = this.#context;
    if (context === undefined || context.busy || this.#history === undefined) return;
    this.#dictionary = this.#history.take();
    this.#context = undefined;
    context.close();
  }

  /** Closes the stream (its state is lost: after a failure). */
  drop(): void {
    this.#releaser?.markBusy(this);
    this.#context?.close();
    this.#context = undefined;
  }

  /** The connection is gone: closes the stream and forgets the window. */
  close(): void {
    this.#closed = true;
    this.drop();
    this.#dictionary = undefined;
    this.#history?.take();
  }
}
