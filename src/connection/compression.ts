// Connection layer: plugs permessage-deflate into a connection's engine once the handshake
// negotiated it — the inflate stage in front of the assembler, the compressor in the writer.

import { DEFAULT_MAX_MESSAGE_BYTES } from '../protocol/parser.js';
import type { InflateStage } from '../extensions/inflate-stage.js';
import { PerMessageDeflate } from '../extensions/permessage-deflate.js';
import { DeflateRenderer } from '../message/deflate-renderer.js';
import { PauseReason } from './core.js';
import type { ConnectionCore } from './core.js';
import type { ConnectionOptions } from './options.js';

/**
 * Sets up permessage-deflate on a connection engine when `options.deflate` is given: outgoing
 * messages go through a {@link DeflateRenderer}, incoming ones through the returned stage
 * (which the engine calls instead of its assembler). zlib memory is released when the
 * connection closes.
 *
 * @param core - The engine, with its assembler and writer built.
 * @param options - The connection's options.
 * @returns The inflate stage, or undefined without compression.
 * @example
 * this.inflation = startDeflate(this, options);
 */
export function startDeflate(
  core: ConnectionCore,
  options: ConnectionOptions,
): InflateStage | undefined {
  if (options.deflate === undefined) return undefined;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const deflate = new PerMessageDeflate(options.deflate, options.side, maxMessageBytes);
  core.writer.compressor = new DeflateRenderer(deflate.deflater, deflate.threshold);
  void core.closed.then(() => deflate.close());
  return deflate.incoming(core.assembler, {
    delivered: () => core.deliverBatch(),
    setPaused: (paused) => core.setPaused(PauseReason.Inflate, paused),
    fail: (error) => {
      core.protocol.fail(error.closeCode, error.message);
      core.onProtocolError(error);
      core.writer.flush();
      core.checkClosing();
    },
  });
}
