// Connection layer: plugs permessage-deflate into a connection's engine once the handshake
// negotiated it — the inflate stage in front of the assembler, the compressor in the writer —
// each made only when the first compressed message needs it.

import type { ProtocolError } from '../errors.js';
import type { MessageDeflater } from '../extensions/deflater.js';
import type { InflateStage, InflateStageOwner } from '../extensions/inflate-stage.js';
import { PerMessageDeflate } from '../extensions/permessage-deflate.js';
import type { NegotiatedDeflate } from '../extensions/permessage-deflate.js';
import { DeflateRenderer } from '../message/deflate-renderer.js';
import type { DeflaterSource } from '../message/deflate-renderer.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../protocol/parser.js';
import { PauseReason } from './core.js';
import type { ConnectionCore } from './core.js';
import type { ConnectionOptions } from './options.js';

/**
 * permessage-deflate on one connection engine. Outgoing messages go through a
 * {@link DeflateRenderer} (set as the writer's compressor at once: it only compares sizes until
 * a message is compressed); incoming ones go through an inflate stage once the first compressed
 * message arrives. Until then a connection that negotiated compression costs two small objects.
 *
 * @example
 * this.compression = options.deflate && new ConnectionCompression(this, options.deflate, options);
 * const stage = this.compression?.inflateStage(); // on the first message with RSV1 set
 */
export class ConnectionCompression implements DeflaterSource, InflateStageOwner {
  readonly #core: ConnectionCore;
  readonly #negotiated: NegotiatedDeflate;
  readonly #side: ConnectionOptions['side'];
  readonly #maxMessageBytes: number;
  #deflate: PerMessageDeflate | undefined;

  /**
   * @param core - The engine, with its assembler and writer built.
   * @param negotiated - What the handshake agreed.
   * @param options - The connection's options (side, maxMessageBytes).
   */
  constructor(core: ConnectionCore, negotiated: NegotiatedDeflate, options: ConnectionOptions) {
    this.#core = core;
    this.#negotiated = negotiated;
    this.#side = options.side;
    this.#maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    core.writer.compressor = new DeflateRenderer(this, negotiated.settings.threshold);
  }

  /** DeflaterSource: the connection's deflater (made on first use). */
  deflater(): MessageDeflater {
    return this.#perMessageDeflate().deflater;
  }

  /** The stage that inflates the peer's messages in order; build it once, on the first one. */
  inflateStage(): InflateStage {
    return this.#perMessageDeflate().incoming(this.#core.assembler, this);
  }

  /** The connection is gone: releases the compressor (the stage releases the inflater). */
  close(): void {
    this.#deflate?.close();
  }

  /** InflateStageOwner: parts reached the assembler after an inflate step. */
  delivered(): void {
    this.#core.deliverBatch();
  }

  /** InflateStageOwner: too much is waiting to be inflated, or not any more. */
  setPaused(paused: boolean): void {
    this.#core.setPaused(PauseReason.Inflate, paused);
  }

  /** InflateStageOwner: compressed data that cannot be inflated, too big or not UTF-8. */
  fail(error: ProtocolError): void {
    const core = this.#core;
    core.protocol.fail(error.closeCode, error.message);
    core.onProtocolError(error);
    core.writer.flush();
    core.checkClosing();
  }

  #perMessageDeflate(): PerMessageDeflate {
    return (this.#deflate ??= new PerMessageDeflate(
      this.#negotiated,
      this.#side,
      this.#maxMessageBytes,
    ));
  }
}
