// Connection layer: the options of a Connection, every default listed in one place.

import type { MaskGenerator } from '../codec/mask.js';
import type { NegotiatedDeflate } from '../extensions/deflate-options.js';
import type { Side } from '../protocol/events.js';
import type { Clock } from '../time/clock.js';
import type { KeepAliveOptions } from './keep-alive.js';

/** Options of a {@link Connection}. */
export interface ConnectionOptions {
  /** Which end this is: a 'client' masks its frames, a 'server' expects masked ones. */
  side: Side;
  /** Bytes already read from the transport after the opening handshake (the 'upgrade' head). */
  head?: Uint8Array;
  /** Largest message accepted, in bytes; bigger ones close the connection with 1009. Default 16 MiB. */
  maxMessageBytes?: number;
  /** Largest frame accepted, in bytes; bigger ones close with 1009. Default maxMessageBytes. */
  maxFrameBytes?: number;
  /** How long the close handshake may take before the transport is destroyed. Default 3000 ms. */
  closeTimeoutMs?: number;
  /** Answer Pings with Pongs automatically. Default true. */
  autoPong?: boolean;
  /** RSV1 may be set (permessage-deflate negotiated). Default false. */
  rsv1Allowed?: boolean;
  /**
   * permessage-deflate as the opening handshake negotiated it (servers and clients set it from
   * their `perMessageDeflate` option; docs/compression.md). Implies `rsv1Allowed`. Default none.
   */
  deflate?: NegotiatedDeflate;
  /** Automatic Pings (or Pongs) on an idle connection; docs/keep-alive.md. Default off. */
  keepAlive?: KeepAliveOptions;
  /** Close with 1001 "idle timeout" after this long without traffic either way. Default off. */
  idleTimeoutMs?: number;
  /** The timers; tests pass a ManualClock. Default: the system clock. */
  clock?: Clock;
  /**
   * A received message sent as one frame of at most this many bytes is collected and delivered
   * Strict even when it spans several reads; bigger or fragmented messages that do not arrive in
   * one read are delivered Streamed. Bounds the memory held per connection; 0 turns it off.
   * Default 1 MiB (never more than `maxMessageBytes`, which is checked first).
   */
  aggregateMessageBytes?: number;
  /** Received messages that may wait for the application before reading pauses. Default 16. */
  incomingHighWaterMark?: number;
  /**
   * Messages sent in a burst (within one tick) that are written to the transport together before
   * the next write starts. Smaller lets the peer start on the first ones sooner, so both ends work
   * at once; larger saves system calls. Default 8 on the client; unbounded on the server (one
   * write per input batch, or 64 KiB).
   */
  writeBatchMessages?: number;
  /**
   * Called once when application code run by this connection (its flow, a streamed source it
   * sends, a listener) fails and the connection closes with 1011; the error is also the `cause` of
   * the close outcome. Not called for errors that carry their own close code (a ConnectionClosed
   * thrown on purpose). Default: none (servers pass their `onError`).
   */
  onError?: (error: unknown) => void;
  /** Tests: deterministic client masks. Default: crypto-random. */
  maskGenerator?: MaskGenerator;
}
