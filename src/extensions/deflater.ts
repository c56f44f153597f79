// Extensions layer: the sending half of permessage-deflate for one connection — a whole message
// or the chunks of a streamed one in, frame payloads out (RFC 7692 section 7.2.1), one zlib job
// at a time through the shared limiter.

import { ContextSlot } from './context-slot.js';
import type { Limiter } from './limiter.js';

/** How one connection compresses what it sends. */
export interface DeflaterOptions {
  /** Our window, in bits, as agreed. */
  windowBits: number;
  /** We reset our context after each message (agreed, or our own choice). */
  noContextTakeover: boolean;
  /** zlib's level and memLevel. */
  level: number;
  memLevel: number;
  /** With context takeover: release our zlib stream once idle this long (see ContextSlot). */
  contextIdleMs: number;
  /** The process-wide zlib queue. */
  limiter: Limiter;
}

const TRAILER_BYTES = 4;

/**
 * A message's last output without its trailing `00 00 ff ff`. When zlib had nothing left to
 * flush (an empty message after another) it wrote nothing at all: the payload is then one zero
 * byte, the header of the empty block that the peer's appended trailer completes.
 */
function withoutTrailer(output: Buffer): Uint8Array {
  return output.length === 0 ? Buffer.alloc(1) : output.subarray(0, output.length - TRAILER_BYTES);
}

/**
 * Compresses the messages of one connection, one at a time. With context takeover the
 * connection owns a zlib stream (created on the first compressed message, released after
 * `contextIdleMs` idle and rebuilt from its window); without, each message borrows one from the
 * pool and gives it back at its end.
 *
 * @example
 * const payload = await deflater.compress(Buffer.from(text), true); // send with RSV1 set
 */
export class MessageDeflater {
  readonly #options: DeflaterOptions;
  readonly #slot: ContextSlot;
  #busy = false;
  #closed = false;

  constructor(options: DeflaterOptions) {
    this.#options = options;
    const { windowBits, memLevel, level, noContextTakeover, contextIdleMs } = options;
    this.#slot = new ContextSlot({
      kind: { mode: 'deflate', windowBits, memLevel, level },
      noContextTakeover,
      idleMs: contextIdleMs,
    });
  }

  /**
   * Compresses `data` and sync-flushes. With `fin`, the message ends: "Remove 4 octets (that
   * are 0x00 0x00 0xff 0xff) from the tail end" (7.2.1) and the context is reset or given back.
   * Without it the output keeps its trailing empty block: a streamed message's caller holds
   * those 4 bytes back until it knows whether more follows (see {@link deflateChunks}).
   *
   * @param data - Bytes to compress; one call at a time per connection.
   * @param fin - True when `data` ends the message.
   * @returns The compressed bytes.
   * @throws (rejects) when zlib fails or the connection closed meanwhile.
   */
  compress(data: Uint8Array, fin: boolean): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.#options.limiter.add((done) => {
        if (this.#closed) {
          done();
          return reject(new Error('permessage-deflate: the connection is closed'));
        }
        const context = this.#slot.acquire();
        this.#slot.record(data);
        this.#busy = true;
        context.run([data], Infinity, (result) => {
          done();
          this.#busy = false;
          if (result.error !== undefined) {
            this.#slot.drop();
            return reject(result.error);
          }
          const output = Buffer.concat(result.chunks, result.bytes);
          if (fin) this.endMessage();
          else if (this.#closed) this.#slot.close();
          resolve(fin ? withoutTrailer(output) : output);
        });
      });
    });
  }

  /** A message ends (also one whose chunks all went through `compress(…, false)`). */
  endMessage(): void {
    if (this.#closed) {
      if (!this.#busy) this.#slot.close();
    } else {
      this.#slot.endMessage();
    }
  }

  /** Releases the zlib stream; a running job finishes first, later ones fail. */
  close(): void {
    this.#closed = true;
    if (!this.#busy) this.#slot.close();
  }
}

/**
 * The chunks of a streamed message, compressed: each chunk is compressed and sync-flushed as it
 * comes, so the peer can inflate it at once, and the message's final 4 bytes (the empty block
 * that 7.2.1 removes) are dropped at the end. Every output ends with those 4 bytes, so each is
 * held back until the next output shows that the message goes on.
 *
 * @param deflater - The connection's deflater.
 * @param text - True for a text message: string chunks are encoded as UTF-8; binary messages
 *   accept only Uint8Array chunks.
 * @returns A transform from message chunks to the payloads of its frames.
 * @example
 * const frames = message.textStream.pipeThrough(deflateChunks(deflater, true));
 */
export function deflateChunks(
  deflater: MessageDeflater,
  text: boolean,
): TransformStream<string | Uint8Array, Uint8Array> {
  let held: Uint8Array | undefined;
  return new TransformStream<string | Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      const bytes = chunkBytes(chunk, text);
      if (bytes.length === 0) return;
      const output = await deflater.compress(bytes, false);
      const body = output.subarray(0, output.length - TRAILER_BYTES);
      const emit = held === undefined ? body : Buffer.concat([held, body]);
      held = output.subarray(output.length - TRAILER_BYTES);
      if (emit.length > 0) controller.enqueue(emit);
    },
    flush() {
      deflater.endMessage();
    },
  });
}

function chunkBytes(chunk: unknown, text: boolean): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (text && typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError(
    text
      ? 'text stream chunks must be strings or Uint8Array'
      : 'binary stream chunks must be Uint8Array',
  );
}
