// Connection layer: messages → compressed frames when permessage-deflate is on. Strict messages of
// at least the threshold are compressed whole into one frame; Streamed ones chunk by chunk.

import { deflateChunks } from '../extensions/deflater.js';
import type { MessageDeflater } from '../extensions/deflater.js';
import { BinaryMessage, TextMessage, strictPayload, toMessage } from '../message/message.js';
import type { MessageLike } from '../message/message.js';
import { renderStreamed } from '../message/renderer.js';
import type { RenderTarget } from '../message/renderer.js';

/** What an outgoing writer asks of compression (a seam for the connection layer). */
export interface MessageCompressor {
  /** True when `value` is to be sent compressed, through {@link MessageCompressor.render}. */
  wants(value: MessageLike): boolean;
  /** Sends `value` compressed: RSV1 on its first frame (RFC 7692 section 6). */
  render(target: RenderTarget, value: MessageLike): Promise<void>;
}

/** Where the renderer gets its deflater: made on the first message that needs one. */
export interface DeflaterSource {
  deflater(): MessageDeflater;
}

/**
 * Chooses what to compress and renders it. A Strict message (or plain string or bytes) is
 * compressed when its payload has at least `threshold` bytes (ws's rule; smaller ones cost more
 * to compress than they save) and goes out as one frame. A Streamed message is always compressed,
 * its chunks flushed one by one so the peer can inflate each as it arrives.
 *
 * @example
 * writer.compressor = new DeflateRenderer({ deflater: () => perMessageDeflate.deflater }, 1024);
 */
export class DeflateRenderer implements MessageCompressor {
  readonly #source: DeflaterSource;
  readonly #threshold: number;

  /**
   * @param source - Gives the connection's deflater (asked only when a message is compressed).
   * @param threshold - Strict payloads shorter than this many bytes are sent uncompressed.
   */
  constructor(source: DeflaterSource, threshold: number) {
    this.#source = source;
    this.#threshold = threshold;
  }

  /** {@inheritDoc MessageCompressor.wants} */
  wants(value: MessageLike): boolean {
    if (typeof value === 'string') return this.#bigEnough(value);
    if (value instanceof Uint8Array) return value.length >= this.#threshold;
    if (!(value instanceof TextMessage) && !(value instanceof BinaryMessage)) return false;
    const payload = strictPayload(value);
    if (payload === undefined) return true;
    return typeof payload === 'string'
      ? this.#bigEnough(payload)
      : payload.length >= this.#threshold;
  }

  /** {@inheritDoc MessageCompressor.render} */
  async render(target: RenderTarget, value: MessageLike): Promise<void> {
    const message = toMessage(value);
    const payload = strictPayload(message);
    if (payload === undefined) {
      return renderStreamed(
        target,
        message,
        deflateChunks(this.#source.deflater(), message.isText),
      );
    }
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const compressed = await this.#source.deflater().compress(bytes, true);
    if (message.isText) target.sendText(compressed, true, true);
    else target.sendBinary(compressed, true, true);
  }

  /** A string's UTF-8 size against the threshold, without encoding it when its length decides. */
  #bigEnough(text: string): boolean {
    const threshold = this.#threshold;
    if (text.length >= threshold) return true;
    if (text.length * 3 < threshold) return false;
    return Buffer.byteLength(text, 'utf8') >= threshold;
  }
}
