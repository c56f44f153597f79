// Extensions layer: the receiving half of permessage-deflate for one connection — compressed
// message parts in, inflated bytes out, one zlib job at a time through the shared limiter, with
// the message size limit enforced while inflating (RFC 7692 section 7.2.2).

import { CloseCode } from '../codec/close-code.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import { ContextSlot } from './context-slot.js';
import type { Limiter } from './limiter.js';

/** RFC 7692 section 7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload". */
export const DEFLATE_TRAILER: Uint8Array = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** How one connection inflates what its peer compressed. */
export interface InflaterOptions {
  /** The peer's window, in bits. */
  windowBits: number;
  /** The peer resets its context after each message: so may we (a pooled context per message). */
  noContextTakeover: boolean;
  /** With context takeover: release our zlib stream once idle this long (see ContextSlot). */
  contextIdleMs: number;
  /** The most bytes one message may inflate to; more fails with 1009. */
  maxMessageBytes: number;
  /** The process-wide zlib queue. */
  limiter: Limiter;
}

/** What one inflate step produced: the inflated chunks, or the error that fails the connection. */
export type InflateCallback = (error: ProtocolError | undefined, output: Buffer[]) => void;

/**
 * Inflates the messages of one connection, in order, one step at a time: each {@link inflate}
 * call is one job of the shared limiter. With context takeover the connection owns a zlib stream
 * (created on the first compressed message, released after `contextIdleMs` idle and rebuilt from
 * its window); without, each message borrows one from the pool and gives it back at its end.
 *
 * @example
 * inflater.inflate([payload], true, (error, output) => { if (!error) deliver(output); });
 */
export class MessageInflater {
  readonly #options: InflaterOptions;
  readonly #slot: ContextSlot;
  #messageBytes = 0;
  #busy = false;
  #closed = false;

  constructor(options: InflaterOptions) {
    this.#options = options;
    this.#slot = new ContextSlot({
      kind: { mode: 'inflate', windowBits: options.windowBits },
      noContextTakeover: options.noContextTakeover,
      idleMs: options.contextIdleMs,
    });
  }

  /** True while a step runs. */
  get busy(): boolean {
    return this.#busy;
  }

  /**
   * Inflates the next parts of the current message; `last` ends it (the trailer is appended).
   * One step at a time: call again only after the callback.
   *
   * @param parts - Compressed payload parts, in order.
   * @param last - True when these parts end the message.
   * @param callback - Called once, asynchronously: the output, or a ProtocolError (1009 when
   *   the message grows past `maxMessageBytes`, 1007 for data zlib cannot inflate).
   */
  inflate(parts: readonly Uint8Array[], last: boolean, callback: InflateCallback): void {
    if (this.#busy) throw new Error('an inflate step is already running');
    this.#busy = true;
    const input = last ? [...parts, DEFLATE_TRAILER] : parts;
    this.#options.limiter.add((done) => {
      if (this.#closed) {
        done();
        this.#busy = false;
        return callback(closedError(), []);
      }
      const context = this.#slot.acquire();
      const room = this.#options.maxMessageBytes - this.#messageBytes;
      context.run(input, room, (result) => {
        done();
        this.#busy = false;
        const failed = result.error !== undefined || result.overflow;
        if (failed) this.#slot.drop();
        else {
          this.#messageBytes += result.bytes;
          for (const chunk of result.chunks) this.#slot.record(chunk);
        }
        if (last || this.#closed) this.#endMessage();
        if (failed) callback(failure(result.error, this.#options.maxMessageBytes), []);
        else callback(undefined, result.chunks);
      });
    });
  }

  /** Releases the zlib stream; a running step finishes first, later ones fail. */
  close(): void {
    this.#closed = true;
    if (!this.#busy) this.#slot.close();
  }

  #endMessage(): void {
    this.#messageBytes = 0;
    if (this.#closed) this.#slot.close();
    else this.#slot.endMessage();
  }
}

function failure(error: Error | undefined, limit: number): ProtocolError {
  if (error === undefined) {
    const message = `message of over ${limit} bytes once inflated`;
    return new ProtocolError(ErrorCode.MessageTooBig, message, CloseCode.MessageTooBig);
  }
  // ws answers undecodable compressed data with 1007, as data inconsistent with its message.
  return new ProtocolError(
    ErrorCode.InvalidCompressedData,
    'invalid compressed data',
    CloseCode.InvalidPayload,
    { cause: error },
  );
}

function closedError(): ProtocolError {
  return new ProtocolError(ErrorCode.Internal, 'connection closed', CloseCode.InternalError);
}
