// Extensions layer: permessage-deflate (RFC 7692) for one connection — the negotiated parameters
// turned into an inflater for what the peer sends and a deflater for what we send, each with the
// window and context-takeover rule of its direction.

import type { Side } from '../protocol/events.js';
import type { NegotiatedDeflate } from './deflate-options.js';
import { MessageDeflater } from './deflater.js';
import { InflateStage } from './inflate-stage.js';
import type { InflateStageOwner, MessagePartSink } from './inflate-stage.js';
import { MessageInflater } from './inflater.js';
import { sharedLimiter } from './limiter.js';

export type {
  PerMessageDeflateOptions,
  NegotiatedDeflate,
  DeflateParams,
} from './deflate-options.js';

/**
 * One connection's permessage-deflate: `deflater` compresses outgoing messages with our window
 * and takeover rule, `incoming(...)` builds the stage that inflates the peer's. Nothing is
 * allocated in zlib until a message needs it.
 *
 * @example
 * const deflate = new PerMessageDeflate(negotiated, 'server', 1 << 20);
 * const stage = deflate.incoming(assembler, owner);
 * const payload = await deflate.deflater.compress(bytes, true);
 */
export class PerMessageDeflate {
  /** Compresses what this side sends. */
  readonly deflater: MessageDeflater;
  /** Strict messages shorter than this are sent uncompressed. */
  readonly threshold: number;
  readonly #inflater: MessageInflater;

  /**
   * @param negotiated - The agreed parameters and local settings.
   * @param side - Which side this is: the server compresses with the server_* parameters and
   *   inflates with the client_* ones, the client the other way round.
   * @param maxMessageBytes - The most bytes one received message may inflate to (1009 past it).
   */
  constructor(negotiated: NegotiatedDeflate, side: Side, maxMessageBytes: number) {
    const { params, settings } = negotiated;
    const limiter = sharedLimiter(settings.concurrencyLimit);
    const server = side === 'server';
    this.threshold = settings.threshold;
    this.deflater = new MessageDeflater({
      windowBits: server ? params.serverMaxWindowBits : params.clientMaxWindowBits,
      noContextTakeover: server ? params.serverNoContextTakeover : params.clientNoContextTakeover,
      level: settings.level,
      memLevel: settings.memLevel,
      contextIdleMs: settings.contextIdleMs,
      limiter,
    });
    this.#inflater = new MessageInflater({
      windowBits: server ? params.clientMaxWindowBits : params.serverMaxWindowBits,
      noContextTakeover: server ? params.clientNoContextTakeover : params.serverNoContextTakeover,
      contextIdleMs: settings.contextIdleMs,
      maxMessageBytes,
      limiter,
    });
  }

  /**
   * The stage to put between the protocol and the assembler (see {@link InflateStage}).
   *
   * @param sink - Where messages go, inflated and in order.
   * @param owner - Delivery, pause and failure hooks of the connection.
   * @returns The stage; build one per connection.
   */
  incoming(sink: MessagePartSink, owner: InflateStageOwner): InflateStage {
    return new InflateStage(sink, this.#inflater, owner);
  }

  /** Releases the compressor (the stage releases the inflater once it drained). */
  close(): void {
    this.deflater.close();
  }
}
