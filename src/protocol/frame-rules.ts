// Protocol layer: the receiver rules of RFC 6455 section 5 that a frame header alone decides,
// given its context (side, negotiated extension, whether a fragmented message is open).
// Each violation throws a ProtocolError carrying 1002; the Protocol turns it into a Close.

import { CloseCode } from '../codec/close-code.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import type { FrameHeader } from '../codec/frame-header.js';
import { isKnownOpcode, Opcode } from '../codec/opcode.js';

/**
 * Checks a received header against the rules of RFC 6455 section 5 (and RFC 7692 for RSV1).
 *
 * @param expectMasked true on the server side: client frames must be masked, server frames not
 * @param rsv1Allowed true when permessage-deflate was negotiated
 * @param inMessage true while a fragmented data message is open
 * @throws {ProtocolError} 1002 with a `WSFLOW_ERR_*` code naming the broken rule
 * @example
 * checkFrameHeader(header, true, false, false); // throws WSFLOW_ERR_EXPECTED_MASK if unmasked
 */
export function checkFrameHeader(
  h: FrameHeader,
  expectMasked: boolean,
  rsv1Allowed: boolean,
  inMessage: boolean,
): void {
  // 5.2: "RSV1, RSV2, RSV3: 1 bit each. MUST be 0 unless an extension is negotiated that defines
  // meanings for non-zero values."
  if (h.rsv2 || h.rsv3) fail(ErrorCode.UnexpectedRsv23, 'RSV2 and RSV3 must be clear');
  // 5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket
  // Connection_."
  if (!isKnownOpcode(h.opcode)) fail(ErrorCode.InvalidOpcode, `invalid opcode ${h.opcode}`);
  // 5.1: "The server MUST close the connection upon receiving a frame that is not masked." /
  // "A client MUST close a connection if it detects a masked frame."
  if (h.masked !== expectMasked) {
    if (h.masked) fail(ErrorCode.UnexpectedMask, 'a server must not mask its frames');
    fail(ErrorCode.ExpectedMask, 'a client must mask its frames');
  }
  if (h.opcode >= Opcode.Close) checkControlHeader(h);
  else checkDataHeader(h, rsv1Allowed, inMessage);
}

function checkControlHeader(h: FrameHeader): void {
  // 5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be
  // fragmented."
  if (!h.fin) fail(ErrorCode.FragmentedControlFrame, 'control frames must not be fragmented');
  if (h.payloadLength > 125) {
    fail(ErrorCode.ControlFrameTooBig, `control frame payload of ${h.payloadLength} bytes`);
  }
  // RFC 7692 6.1: "An endpoint MUST NOT set the "Per-Message Compressed" bit of control frames
  // and non-first fragments of a data message."
  if (h.rsv1) fail(ErrorCode.UnexpectedRsv1, 'RSV1 must be clear on control frames');
}

function checkDataHeader(h: FrameHeader, rsv1Allowed: boolean, inMessage: boolean): void {
  // 5.4: "A fragmented message consists of a single frame with the FIN bit clear and an opcode
  // other than 0, followed by zero or more frames with the FIN bit clear and the opcode set to 0,
  // and terminated by a single frame with the FIN bit set and an opcode of 0."
  if (h.opcode === Opcode.Continuation) {
    if (!inMessage) {
      fail(ErrorCode.UnexpectedContinuation, 'continuation frame without a message to continue');
    }
    // RFC 7692 6.1, as above: no RSV1 on non-first fragments.
    if (h.rsv1) fail(ErrorCode.UnexpectedRsv1, 'RSV1 must be clear on continuation frames');
    return;
  }
  // 5.4: "The fragments of one message MUST NOT be interleaved between the fragments of another
  // message unless an extension has been negotiated that can interpret the interleaving."
  if (inMessage) {
    fail(ErrorCode.ExpectedContinuation, `expected a continuation frame, got opcode ${h.opcode}`);
  }
  if (h.rsv1 && !rsv1Allowed) {
    fail(ErrorCode.UnexpectedRsv1, 'RSV1 must be clear: no extension negotiated');
  }
}

function fail(code: ErrorCode, message: string): never {
  throw new ProtocolError(code, message, CloseCode.ProtocolError);
}
