// Protocol layer: the typed seam between the sans-I/O protocol and its owner (the connection).
// The protocol calls these as it parses; it never calls into I/O itself.

import type { ProtocolError } from '../errors.js';

export type {
  CloseCause,
  CloseCauseKind,
  CloseFrameInfo,
  CloseOutcome,
  ClosePhase,
} from '../errors.js';

/** Which end of the connection a protocol instance plays. */
export type Side = 'client' | 'server';

/** The kind of a data message. */
export type MessageKind = 'text' | 'binary';

/**
 * What the protocol reports while it parses, in wire order. A message arrives as
 * `onMessageStart` followed by one or more `onMessageData` calls, the last with `last = true`;
 * control frames may come between them, as they do on the wire. Payload chunks are views into
 * the input where possible: an owner that keeps one past the call must copy it or own the input.
 */
export interface ProtocolHandler {
  /**
   * A data message begins. `compressed` is RSV1 of its first frame (permessage-deflate).
   * `wholeBytes` is the payload length its header announces when that frame is final (FIN), so
   * the whole message is known to be that long; it is undefined when continuations follow.
   */
  onMessageStart(kind: MessageKind, compressed: boolean, wholeBytes?: number): void;
  /** A part of the current message's payload; `last` marks the end of the message. */
  onMessageData(chunk: Uint8Array, last: boolean): void;
  /** A Ping arrived; the protocol has already queued the Pong when auto-pong is on. */
  onPing(payload: Uint8Array): void;
  /** A Pong arrived. */
  onPong(payload: Uint8Array): void;
  /**
   * The peer's Close frame arrived. `code` is 1005 when the frame had no body. The protocol has
   * already queued the answering Close when it had not sent one (with `deferCloseEcho`, that is
   * left to the owner's `answerClose()`).
   */
  onPeerClose(code: number, reason: string): void;
  /**
   * The peer broke the protocol; the protocol has queued a Close with `error.closeCode` (with
   * `deferParseFailures`, a parse error leaves that to the owner's `failWith(error)`).
   */
  onProtocolError(error: ProtocolError): void;
}
