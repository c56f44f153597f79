// Connection layer: plugs permessage-deflate into a connection's engine once the handshake
// negotiated it — the inflate stage in front of the assembler, the compressor in the writer —
// each made only when the first compressed message needs it.

import type { ProtocolError } from '../errors.js';
import type { MessageDeflater } from '../extensions/deflater.js';
import type { InflateStage, InflateStageOwner } from '../extensions/inflate-stage.js';
import type { MessagePartSink } from '../extensions/inflate-stage.js';
import { PerMessageDeflate } from '../extensions/permessage-deflate.js';
import type { NegotiatedDeflate } from '../extensions/permessage-deflate.js';
import type { Side } from '../protocol/events.js';
import { DeflateRenderer } from './deflate-renderer.js';
import type { DeflaterSource, MessageCompressor } from './deflate-renderer.js';
import { PauseReason } from './pause.js';

/** What compression asks of the connection engine (the seam, as `InflateStageOwner` is below it). */
export interface CompressionOwner {
  /** Where inflated message parts go: the engine's assembler. */
  readonly assembler: MessagePartSink;
  /** Hands on the messages completed outside an input batch (after an inflate step). */
  deliverBatch(): void;
  /** Sets or clears one reason to pause reading the transport. */
  setPaused(reason: number, paused: boolean): void;
  /** Fails the connection with the error's close code (the engine's one failure path). */
  fail(error: ProtocolError): void;
}

/**
 * permessage-deflate on one connection engine. Outgoing messages go through {@link compressor}
 * (the engine sets it on its writer at once: it only compares sizes until a message is
 * compressed); incoming ones go through an inflate stage once the first compressed message
 * arrives. Until then a connection that negotiated compression costs two small objects.
 *
 * @example
 * const compression = new ConnectionCompression(owner, negotiated, 'server', 1 << 20);
 * writer.compressor = compression.compressor;
 * const stage = compression.inflateStage(); // on the first message with RSV1 set
 */
export class ConnectionCompression implements DeflaterSource, InflateStageOwner {
  /** Renders outgoing messages compressed when they are worth it. */
  readonly compressor: MessageCompressor;
  readonly #owner: CompressionOwner;
  readonly #negotiated: NegotiatedDeflate;
  readonly #side: Side;
  readonly #maxMessageBytes: number;
  #deflate: PerMessageDeflate | undefined;

  /**
   * @param owner - The engine.
   * @param negotiated - What the handshake agreed.
   * @param side - Which end this is.
   * @param maxMessageBytes - The limit on an inflated message.
   */
  constructor(
    owner: CompressionOwner,
    negotiated: NegotiatedDeflate,
    side: Side,
    maxMessageBytes: number,
  ) {
    this.#owner = owner;
    this.#negotiated = negotiated;
    this.#side = side;
    this.#maxMessageBytes = maxMessageBytes;
    this.compressor = new DeflateRenderer(this, negotiated.settings.threshold);
  }

  /** DeflaterSource: the connection's deflater (made on first use). */
  deflater(): MessageDeflater {
    return this.#perMessageDeflate().deflater;
  }

  /** The stage that inflates the peer's messages in order; build it once, on the first one. */
  inflateStage(): InflateStage {
    return this.#perMessageDeflate().incoming(this.#owner.assembler, this);
  }

  /** The connection is gone: releases the compressor (the stage releases the inflater). */
  close(): void {
    this.#deflate?.close();
  }

  /** InflateStageOwner: parts reached the assembler after an inflate step. */
  delivered(): void {
    this.#owner.deliverBatch();
  }

  /** InflateStageOwner: too much is waiting to be inflated, or not any more. */
  setPaused(paused: boolean): void {
    this.#owner.setPaused(PauseReason.Inflate, paused);
  }

  /** InflateStageOwner: compressed data that cannot be inflated, too big or not UTF-8. */
  fail(error: ProtocolError): void {
    this.#owner.fail(error);
  }

  #perMessageDeflate(): PerMessageDeflate {
    return (this.#deflate ??= new PerMessageDeflate(
      this.#negotiated,
      this.#side,
      this.#maxMessageBytes,
    ));
  }
}
