// Protocol layer: close bookkeeping (RFC 6455 section 7): which Close frames went which way, in
// which order, whether the connection was failed, and the outcome once the transport is gone.
//
//   local close first                      remote close first
//   OPEN ── sendClose ──▶ CLOSING          OPEN ── Close received, echo sent ──▶ CLOSING
//   CLOSING ── Close received ──▶ (clean)  CLOSING ── transport ends ──▶ CLOSED
//   CLOSING ── transport ends ──▶ CLOSED   (no Close received before the end: code 1006)

import { CloseCode } from '../codec/close-code.js';
import type { CloseCause, CloseOutcome } from './events.js';

/**
 * Close bookkeeping of one connection; a Protocol owns one.
 *
 * @example
 * const close = new CloseState();
 * close.recordSent(1000, '');
 * close.recordReceived(1000, '');
 * close.outcome(); // { code: 1000, reason: '', wasClean: true, closedBy: 'local', cause: { kind: 'local', ... } }
 */
export class CloseState {
  /** Code and reason of the Close we sent (code 1005 for an empty body), if any. */
  sentCode: number | undefined = undefined;
  sentReason = '';
  /** Code and reason of the Close we received (code 1005 for an empty body), if any. */
  receivedCode: number | undefined = undefined;
  receivedReason = '';
  /** True when our Close left before the peer's arrived. */
  sentFirst = false;
  /** True when we failed the connection (7.1.7): no more input is processed. */
  failed = false;

  get closeSent(): boolean {
    return this.sentCode !== undefined;
  }

  get closeReceived(): boolean {
    return this.receivedCode !== undefined;
  }

  /** Both Close frames exchanged (7.1.3 "The WebSocket Closing Handshake is Started" and done). */
  get handshakeComplete(): boolean {
    return this.sentCode !== undefined && this.receivedCode !== undefined;
  }

  recordSent(code: number | undefined, reason: string): void {
    this.sentCode = code ?? CloseCode.NoStatusReceived;
    this.sentReason = reason;
    this.sentFirst = this.receivedCode === undefined;
  }

  recordReceived(code: number, reason: string): void {
    this.receivedCode = code;
    this.receivedReason = reason;
  }

  /**
   * The outcome once the transport has ended. 7.1.5: "If _The WebSocket Connection is Closed_ and
   * no Close control frame was received by the endpoint [...] _The WebSocket Connection Close
   * Code_ is considered to be 1006."
   */
  outcome(): CloseOutcome {
    const received = this.receivedCode;
    const closedBy = this.sentFirst ? 'local' : received !== undefined ? 'remote' : 'none';
    return {
      code: received ?? CloseCode.AbnormalClosure,
      reason: received === undefined ? '' : this.receivedReason,
      wasClean: this.handshakeComplete,
      closedBy,
      cause: this.cause(),
    };
  }

  /**
   * What the protocol alone can tell of the cause: a failure (`protocol`), the side whose Close
   * came first (`local`, `peer`), or neither (`transport`); and the Close frames on the wire. A
   * connection refines it with what it knows (a timer, a limit, the application's error).
   */
  cause(): CloseCause {
    const kind = this.failed
      ? 'protocol'
      : this.sentFirst
        ? 'local'
        : this.receivedCode !== undefined
          ? 'peer'
          : 'transport';
    const cause: { -readonly [K in keyof CloseCause]: CloseCause[K] } = { kind, phase: 'open' };
    if (this.sentCode !== undefined) cause.sent = { code: this.sentCode, reason: this.sentReason };
    if (this.receivedCode !== undefined) {
      cause.received = { code: this.receivedCode, reason: this.receivedReason };
    }
    return cause;
  }
}
