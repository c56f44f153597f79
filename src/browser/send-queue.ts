// Browser client: the messages sent while no connection is open, kept in order and bounded in
// count and bytes. What happens at the bound is the caller's choice (throw, drop the oldest, drop
// the newest), never unbounded growth.

import { BrowserErrorCode } from '../error-codes.js';

/** What a socket accepts to send: as the browser's `WebSocket.send` does. */
export type SendData = string | ArrayBufferLike | ArrayBufferView | Blob;

/** What to do with a send that would take the queue past a bound. */
export type OverflowPolicy = 'throw' | 'drop-oldest' | 'drop-newest';

/**
 * The bound on sends kept while no connection is open.
 *
 * @example
 * ```ts
 * new ReconnectingSocket(url, { queue: { maxMessages: 100, overflow: 'drop-oldest' } });
 * ```
 */
export interface QueueOptions {
  /** The most messages kept (default 1000; 0 keeps none). */
  maxMessages?: number;
  /** The most bytes kept, counting text as UTF-8 (default 1 MiB). */
  maxBytes?: number;
  /**
   * At the bound: `'throw'` (default) throws a {@link SendQueueFullError} and keeps the queue as it
   * is; `'drop-oldest'` drops the oldest messages until the new one fits; `'drop-newest'` drops the
   * new one (`send` returns `false`). A message larger than `maxBytes` on its own never fits: it
   * throws under `'throw'` and is dropped under the other two.
   */
  overflow?: OverflowPolicy;
}

/**
 * Thrown by `send` when the queue is full and its policy is `'throw'`.
 *
 * @example
 * ```ts
 * try {
 *   socket.send(text);
 * } catch (error) {
 *   if (error instanceof SendQueueFullError) showOffline();
 * }
 * ```
 */
export class SendQueueFullError extends Error {
  /** Always {@link BrowserErrorCode.SendQueueFull}. */
  readonly code = BrowserErrorCode.SendQueueFull;

  constructor(message: string) {
    super(message);
    this.name = 'SendQueueFullError';
  }
}

/** The size in bytes that a message takes on the wire (text counted as UTF-8). */
export function byteLengthOf(data: SendData): number {
  if (typeof data === 'string') return utf8Length(data);
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if ('size' in data && typeof data.size === 'number') return data.size;
  return (data as ArrayBufferLike).byteLength;
}

/** UTF-8 length without encoding: 1 to 4 bytes per code point, a lone surrogate as U+FFFD (3). */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 2; // two units, four bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

interface Queued {
  readonly data: SendData;
  readonly bytes: number;
}

/** A FIFO of pending sends within {@link QueueOptions}' bounds. */
export class SendQueue {
  readonly #maxMessages: number;
  readonly #maxBytes: number;
  readonly #overflow: OverflowPolicy;
  #items: Queued[] = [];
  #head = 0;
  #bytes = 0;

  constructor(options: QueueOptions = {}) {
    this.#maxMessages = options.maxMessages ?? 1000;
    this.#maxBytes = options.maxBytes ?? 1 << 20;
    this.#overflow = options.overflow ?? 'throw';
    if (!(this.#maxMessages >= 0) || !(this.#maxBytes >= 0)) {
      throw new RangeError('queue bounds must be >= 0');
    }
    if (!['throw', 'drop-oldest', 'drop-newest'].includes(this.#overflow)) {
      throw new RangeError(`unknown queue overflow policy: ${String(this.#overflow)}`);
    }
  }

  /** How many messages wait. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** How many bytes wait. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Keeps `data` to send later, applying the overflow policy at the bound.
   *
   * @returns `true` when kept, `false` when the policy dropped it.
   * @throws {SendQueueFullError} when full under `'throw'`.
   */
  push(data: SendData): boolean {
    const bytes = byteLengthOf(data);
    if (!this.#fits(bytes, 1)) {
      const never = bytes > this.#maxBytes || this.#maxMessages === 0;
      if (this.#overflow === 'throw') {
        throw new SendQueueFullError(
          never
            ? `a ${bytes}-byte message never fits the send queue (maxBytes ${this.#maxBytes}, maxMessages ${this.#maxMessages})`
            : `the send queue is full (${this.length} messages, ${this.#bytes} bytes) while the socket is not open`,
        );
      }
      if (this.#overflow === 'drop-newest' || never) return false;
      while (!this.#fits(bytes, 1)) this.#dropOldest();
    }
    this.#items.push({ data, bytes });
    this.#bytes += bytes;
    return true;
  }

  /** Takes the oldest message out, or `undefined` when none waits. */
  shift(): SendData | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head++];
    this.#bytes -= item.bytes;
    if (this.#head === this.#items.length) this.clear();
    else if (this.#head > 64 && this.#head * 2 > this.#items.length) this.#compact();
    return item.data;
  }

  /** Drops every waiting message. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  #fits(bytes: number, count: number): boolean {
    return this.length + count <= this.#maxMessages && this.#bytes + bytes <= this.#maxBytes;
  }

  #dropOldest(): void {
    this.shift();
  }

  #compact(): void {
    this.#items = this.#items.slice(this.#head);
    this.#head = 0;
  }
}
