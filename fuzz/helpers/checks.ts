// Fuzz helpers: what must hold whatever the input. A handler that records what the Protocol
// reports and checks its order; the documented errors and their close codes; and a reader of
// what wsflow sent back, which must itself be valid: Pongs, echoes, and at most one Close, last,
// with a code that may be sent.

import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { ProtocolError } from '../../src/errors.js';
import {
  ErrorCode,
  FrameParser,
  Opcode,
  isSendableCloseCode,
  parseClosePayload,
} from '../../src/protocol/index.js';
import type { MessageKind, ProtocolHandler, Side } from '../../src/protocol/index.js';

/**
 * The errors a peer's bytes may cause, with the close code each one sends (docs/errors.md).
 * WSFLOW_ERR_INTERNAL is documented too, but it means a bug in the parser: fuzzing flags it.
 */
export const DOCUMENTED_CLOSE_CODES: Readonly<Record<string, number>> = {
  [ErrorCode.UnexpectedRsv1]: 1002,
  [ErrorCode.UnexpectedRsv23]: 1002,
  [ErrorCode.InvalidOpcode]: 1002,
  [ErrorCode.ExpectedMask]: 1002,
  [ErrorCode.UnexpectedMask]: 1002,
  [ErrorCode.FragmentedControlFrame]: 1002,
  [ErrorCode.ControlFrameTooBig]: 1002,
  [ErrorCode.UnexpectedContinuation]: 1002,
  [ErrorCode.ExpectedContinuation]: 1002,
  [ErrorCode.InvalidPayloadLength]: 1002,
  [ErrorCode.InvalidClosePayload]: 1002,
  [ErrorCode.InvalidCloseCode]: 1002,
  [ErrorCode.InvalidUtf8]: 1007,
  [ErrorCode.InvalidCompressedData]: 1007,
  [ErrorCode.FrameTooBig]: 1009,
  [ErrorCode.MessageTooBig]: 1009,
};

/** A close outcome code is the peer's (a sendable one), 1005 (empty Close) or 1006 (none). */
export function isDocumentedOutcomeCode(code: number): boolean {
  return isSendableCloseCode(code) || code === 1005 || code === 1006;
}

/** Checks an error reported by the protocol: a ProtocolError with a documented code. */
export function checkProtocolError(error: unknown): ProtocolError {
  assert.ok(error instanceof ProtocolError, `not a ProtocolError: ${String(error)}`);
  const expected = DOCUMENTED_CLOSE_CODES[error.code];
  assert.notEqual(expected, undefined, `undocumented error code ${error.code}: ${error.message}`);
  assert.equal(error.closeCode, expected, `${error.code} closes with ${expected}`);
  return error;
}

/** Records a Protocol's events and checks their order as they come. */
export class CheckingHandler implements ProtocolHandler {
  readonly pings: Uint8Array[] = [];
  peerClose: { code: number; reason: string } | undefined;
  error: ProtocolError | undefined;
  messages = 0;
  #kind: MessageKind | undefined;
  #compressed = false;
  #parts: Uint8Array[] = [];
  #size = 0;
  readonly #maxMessageBytes: number;
  readonly #rsv1Allowed: boolean;

  constructor(maxMessageBytes: number, rsv1Allowed = false) {
    this.#maxMessageBytes = maxMessageBytes;
    this.#rsv1Allowed = rsv1Allowed;
  }

  onMessageStart(kind: MessageKind, compressed: boolean): void {
    this.#checkOpen();
    assert.equal(this.#kind, undefined, 'a message starts while another is open');
    if (!this.#rsv1Allowed)
      assert.equal(compressed, false, 'RSV1 without the extension got through');
    this.#kind = kind;
    this.#compressed = compressed;
    this.#parts = [];
    this.#size = 0;
  }

  onMessageData(chunk: Uint8Array, last: boolean): void {
    this.#checkOpen();
    assert.notEqual(this.#kind, undefined, 'message data outside a message');
    this.#size += chunk.length;
    assert.ok(this.#size <= this.#maxMessageBytes, 'a message over maxMessageBytes got through');
    // Compressed text is checked after inflating, above the sans-I/O core.
    const text = this.#kind === 'text' && !this.#compressed;
    if (text) this.#parts.push(Buffer.from(chunk));
    if (!last) return;
    if (text) assert.ok(isUtf8(Buffer.concat(this.#parts)), 'invalid UTF-8 got through');
    this.#kind = undefined;
    this.messages += 1;
  }

  onPing(payload: Uint8Array): void {
    this.#checkOpen();
    assert.ok(payload.length <= 125);
    this.pings.push(Buffer.from(payload));
  }

  onPong(payload: Uint8Array): void {
    this.#checkOpen();
    assert.ok(payload.length <= 125);
  }

  onPeerClose(code: number, reason: string): void {
    this.#checkOpen();
    assert.ok(code === 1005 || isSendableCloseCode(code), `peer close code ${code}`);
    this.peerClose = { code, reason };
  }

  onProtocolError(error: ProtocolError): void {
    this.#checkOpen();
    this.error = checkProtocolError(error);
  }

  #checkOpen(): void {
    assert.equal(this.peerClose, undefined, 'an event after the peer closed');
    assert.equal(this.error, undefined, 'an event after a protocol error');
  }
}

/** What an endpoint sent, read back by a parser of the other side. */
export interface SentFrames {
  pongs: Uint8Array[];
  dataMessages: number;
  /** The Close frames sent, in order: code (1005 for an empty body) and reason. */
  closes: { code: number; reason: string }[];
  /** True when anything came after the first Close. */
  afterClose: boolean;
}

/**
 * Reads what an endpoint of `side` sent: it must parse as valid frames (compressed ones when
 * `rsv1Allowed`), and every Close must carry a code that may be sent (or none).
 */
export function readSent(
  side: Side,
  bytes: readonly Uint8Array[],
  rsv1Allowed = false,
): SentFrames {
  const sent: SentFrames = { pongs: [], dataMessages: 0, closes: [], afterClose: false };
  const note = (): void => {
    if (sent.closes.length > 0) sent.afterClose = true;
  };
  const parser = new FrameParser(
    {
      side: side === 'server' ? 'client' : 'server',
      maxMessageBytes: Number.MAX_SAFE_INTEGER,
      rsv1Allowed,
    },
    {
      onMessageStart: note,
      onMessageData: (_chunk, last) => {
        if (last) sent.dataMessages += 1;
      },
    },
    {
      onControlFrame(opcode, payload) {
        note();
        if (opcode === Opcode.Pong) sent.pongs.push(Buffer.from(payload));
        else if (opcode === Opcode.Close) {
          const close = parseClosePayload(payload); // throws for a code that may not be sent
          assert.ok(close.code === 1005 || isSendableCloseCode(close.code));
          sent.closes.push(close);
        }
      },
    },
  );
  for (const chunk of bytes) parser.push(Buffer.from(chunk));
  return sent;
}
