// Extensions layer: one timer per idle time for the whole process, releasing the zlib streams of
// connections that stayed idle that long, so idle compressed connections hold no zlib window.

/** Something that can give back memory while idle (a connection's deflater or inflater). */
export interface IdleReleasable {
  /** Called once the item stayed idle for the releaser's time; must not throw. */
  releaseIdle(): void;
}

/**
 * Tracks items from the moment they go idle and calls `releaseIdle` on those still idle after
 * `idleMs`. Items go idle in deadline order, so the oldest entry is always the next due: one
 * unref'd timer per releaser, whatever the number of items.
 *
 * @example
 * const releaser = idleReleaser(10_000);
 * releaser.markIdle(inflater); // at the end of a message
 * releaser.markBusy(inflater); // when the next one starts
 */
export class IdleReleaser {
  readonly #idleMs: number;
  /** Idle items and their deadlines, oldest first. */
  readonly #deadlines = new Map<IdleReleasable, number>();
  #timer: NodeJS.Timeout | undefined;

  /** @param idleMs - How long an item stays idle before it is released. */
  constructor(idleMs: number) {
    this.#idleMs = idleMs;
  }

  /** How many items are waiting to be released (tests, metrics). */
  get size(): number {
    return this.#deadlines.size;
  }

  /** The item is idle from now on; it is released after `idleMs` unless marked busy first. */
  markIdle(item: IdleReleasable): void {
    const deadlines = this.#deadlines;
    deadlines.delete(item);
    const deadline = Date.now() + this.#idleMs;
    deadlines.set(item, deadline);
    if (this.#timer === undefined) this.#schedule(deadline);
  }

  /** The item is in use (or gone): it is not released. */
  markBusy(item: IdleReleasable): void {
    if (!this.#deadlines.delete(item) || this.#deadlines.size > 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(deadline: number): void {
    this.#timer = setTimeout(() => this.#sweep(), Math.max(0, deadline - Date.now()));
    this.#timer.unref();
  }

  #sweep(): void {
    this.#timer = undefined;
    const now = Date.now();
    for (const [item, deadline] of this.#deadlines) {
      if (deadline > now) return this.#schedule(deadline);
      this.#deadlines.delete(item);
      item.releaseIdle();
    }
  }
}

const releasers = new Map<number, IdleReleaser>();

/**
 * The process-wide releaser for an idle time: every connection with the same setting shares it.
 *
 * @param idleMs - A finite time in milliseconds, above 0.
 * @returns The shared releaser.
 * @example
 * idleReleaser(10_000).markIdle(deflater);
 */
export function idleReleaser(idleMs: number): IdleReleaser {
  let releaser = releasers.get(idleMs);
  if (releaser === undefined) releasers.set(idleMs, (releaser = new IdleReleaser(idleMs)));
  return releaser;
}
