// Protocol layer: the options and states of a sans-I/O session, with every default in one place.

import type { MaskGenerator } from '../codec/mask.js';
import type { ProtocolHandler, Side } from './events.js';

/** The states of a session once the opening handshake is done (python-websockets' State). */
export const ProtocolState = { Open: 'OPEN', Closing: 'CLOSING', Closed: 'CLOSED' } as const;
/** One of the {@link ProtocolState} values. */
export type ProtocolState = (typeof ProtocolState)[keyof typeof ProtocolState];

/** Options of a `Protocol`. Every default is listed here. */
export interface ProtocolOptions {
  /** 'client' masks outgoing frames and expects unmasked input; 'server' the reverse. */
  side: Side;
  /** Receives the events, synchronously, inside receiveData. */
  handler: ProtocolHandler;
  /** Per-message limit; default 16 MiB. Fragments after the first count 16 bytes extra. 1009. */
  maxMessageBytes?: number;
  /** Per-frame limit; default maxMessageBytes. 1009. */
  maxFrameBytes?: number;
  /** True when permessage-deflate was negotiated; default false. */
  rsv1Allowed?: boolean;
  /** Default true: a Ping is answered with a Pong carrying the same payload. */
  autoPong?: boolean;
  /** Tests: deterministic masks (fills 4 bytes). Default: a pool of crypto-random bytes. */
  maskGenerator?: MaskGenerator;
  /** Outgoing data is split into frames of at most this many payload bytes; default no split. */
  maxOutgoingFrameBytes?: number;
  /**
   * Default false: a parse error sends the Close at once. When true, the parse stops and the
   * input is discarded, the handler's `onProtocolError` is told, but the state stays OPEN and no
   * Close is sent until the owner calls `failWith(error)`: so it can deliver the messages that
   * came before the bad frame and send their replies first (as a connection does).
   */
  deferParseFailures?: boolean;
  /**
   * Default false: the peer's Close is answered at once, while parsing, with its code (5.5.1).
   * When true, the answer waits: the state stays OPEN (messages can still be sent), the input is
   * discarded, the handler's `onPeerClose` is told, and the owner calls `answerClose()` once the
   * messages read before the Close were answered (as a connection does).
   */
  deferCloseEcho?: boolean;
}
