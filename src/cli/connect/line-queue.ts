// Command line, `wsflow connect`: the lines typed or piped in, waiting to be sent. Bounded: the
// input is paused while 64 lines wait, so a fast pipe into a slow connection holds no more.

/** A bounded queue of input lines that outlives connections (`--reconnect` keeps its lines). */
export class LineQueue {
  readonly #lines: string[] = [];
  readonly #highWaterMark: number;
  readonly #pause: () => void;
  readonly #resume: () => void;
  #inputEnded = false;
  #paused = false;
  #wake: (() => void) | undefined;

  /**
   * @param flow - Pauses and resumes the input (a readline interface).
   * @param highWaterMark - Lines that may wait before the input is paused.
   */
  constructor(flow: { pause(): void; resume(): void }, highWaterMark = 64) {
    this.#pause = () => flow.pause();
    this.#resume = () => flow.resume();
    this.#highWaterMark = highWaterMark;
  }

  /** A line came in. */
  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length >= this.#highWaterMark && !this.#paused) {
      this.#paused = true;
      this.#pause();
    }
    this.#wakeUp();
  }

  /** The input ended (end of file, Ctrl-D). */
  end(): void {
    this.#inputEnded = true;
    this.#wakeUp();
  }

  /** The user asked to stop (Ctrl-C in pipe mode): lines still waiting are dropped. */
  abort(): void {
    this.#lines.length = 0;
    this.end();
  }

  /** True once the input ended and every line was taken. */
  get ended(): boolean {
    return this.#inputEnded && this.#lines.length === 0;
  }

  /** Resolves when a line is at hand or the input has ended. */
  ready(): Promise<void> {
    if (this.#lines.length > 0 || this.#inputEnded) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#wake;
      this.#wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  /** The oldest line, or undefined when none waits. */
  take(): string | undefined {
    const line = this.#lines.shift();
    if (this.#paused && this.#lines.length < this.#highWaterMark / 2) {
      this.#paused = false;
      this.#resume();
    }
    return line;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
