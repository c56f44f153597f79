// Protocol layer: the typed seam between the sans-I/O protocol and its owner (the connection).
// The protocol calls these as it parses; it never calls into I/O itself.

import type { ProtocolError } from '../errors.js';

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
   * already queued the answering Close when it had not sent one.
   */
  onPeerClose(code: number, reason: string): void;
  /** The peer broke the protocol; the protocol has queued a Close with `error.closeCode`. */
  onProtocolError(error: ProtocolError): void;
}

/** How a connection ended, as a value (python-websockets' `close_exc`, Akka's close outcome). */
export interface CloseOutcome {
  /** The close code: the peer's, or 1005 (empty Close), or 1006 (no Close at all). */
  readonly code: number;
  /** The close reason, '' when none. */
  readonly reason: string;
  /** True when Close frames went both ways before the transport ended. */
  readonly wasClean: boolean;
  /** Which side sent the first Close frame, or 'none' when no Close was exchanged. */
  readonly closedBy: 'local' | 'remote' | 'none';
  /**
   * Why this end closed with 1011, when its application code failed (a handler, a flow, a
   * streamed source): the error it threw. Absent otherwise. Never sent to the peer.
   */
  readonly cause?: unknown;
}
