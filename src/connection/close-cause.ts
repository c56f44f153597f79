// Connection layer: the close cause — what ended a connection (this side, the peer, the
// transport, a timer, a limit, a shutdown), noted by the close path when it happens (the first
// note wins) and made into a CloseCause once, when the transport is gone (docs/operations.md).

import { ErrorCode, ConnectionClosed, ProtocolError, WebSocketBufferFull } from '../errors.js';
import type { CloseCause, CloseCauseKind, ClosePhase } from '../errors.js';

export type { CloseCause, CloseCauseKind, ClosePhase } from '../errors.js';

/** What a close path knows when it happens: the kind, and the details that go with it. */
export interface CauseNote {
  readonly kind: CloseCauseKind;
  /** The underlying error: the handler's, the ProtocolError, the transport's. */
  readonly error?: unknown;
  /** The limit that was exceeded. */
  readonly limit?: { readonly name: string; readonly value: number };
  /** The timer that ran out. */
  readonly timer?: { readonly name: string; readonly ms: number };
}

/** Every {@link CloseCauseKind}, in the order docs/operations.md lists them. */
export const CloseCauseKinds: readonly CloseCauseKind[] = Object.freeze([
  'local',
  'peer',
  'handler',
  'protocol',
  'limit',
  'timeout',
  'keep-alive',
  'shutdown',
  'transport',
  'budget',
]);

/** A note and the phase it was taken in. */
export interface NotedCause extends CauseNote {
  readonly phase: ClosePhase;
}

/** This side's application closed (close(), a flow that completed, an actor's stop). */
export const LOCAL_CLOSE: CauseNote = Object.freeze({ kind: 'local' });
/** The peer's Close came first. */
export const PEER_CLOSE: CauseNote = Object.freeze({ kind: 'peer' });
/** The server shuts down (1001 to every connection). */
export const SHUTDOWN: CauseNote = Object.freeze({ kind: 'shutdown' });

/** The limits of a connection that a failure may name (a Protocol has them). */
export interface NamedLimits {
  readonly maxMessageBytes: number | undefined;
  readonly maxFrameBytes: number | undefined;
}

/**
 * The note of a failure that the engine (or the application) ended the connection with.
 *
 * @param error - the error: a ProtocolError of the peer, a limit's error, or application code's.
 * @param limits - the protocol's limits, named when one of them was exceeded (not for the
 *   application's errors: a transformer's limit is its own).
 * @returns the note: `limit` for a message or frame too big or a full buffer, `protocol` for
 *   the peer's breach of RFC 6455 (or of what the handler accepts), `local` for a
 *   ConnectionClosed thrown on purpose, `handler` for any other failure of application code.
 * @example
 * noteOfError(new ProtocolError(ErrorCode.MessageTooBig, 'too big', 1009), protocol);
 * // { kind: 'limit', error, limit: { name: 'maxMessageBytes', value: 16777216 } }
 */
export function noteOfError(error: unknown, limits?: NamedLimits): CauseNote {
  if (error instanceof WebSocketBufferFull) {
    return { kind: 'limit', error, limit: { name: 'bufferCapacity', value: error.capacity } };
  }
  if (error instanceof ConnectionClosed) return { kind: 'local', error };
  if (!(error instanceof ProtocolError)) return { kind: 'handler', error };
  const maxMessageBytes = limits?.maxMessageBytes;
  if (error.code === ErrorCode.MessageTooBig) {
    if (maxMessageBytes === undefined) return { kind: 'limit', error };
    return { kind: 'limit', error, limit: { name: 'maxMessageBytes', value: maxMessageBytes } };
  }
  if (error.code === ErrorCode.FrameTooBig) {
    const value = limits?.maxFrameBytes ?? maxMessageBytes;
    if (value === undefined) return { kind: 'limit', error };
    return { kind: 'limit', error, limit: { name: 'maxFrameBytes', value } };
  }
  if (error.code === ErrorCode.MemoryBudget) return { kind: 'budget', error };
  if (error.code === ErrorCode.Internal) return { kind: 'local', error }; // a fault of this side's own
  return { kind: 'protocol', error };
}

/**
 * The close cause, made once when the transport is gone: the note (or, without one, what the
 * protocol saw: the peer's Close, or none), the Close frames on the wire and the transport's error.
 *
 * @param note - what the close path noted, if any.
 * @param wire - the protocol's own cause: the Close frames sent and received.
 * @param transportError - the transport's error, when it failed.
 * @returns the cause.
 */
export function makeCloseCause(
  note: NotedCause | undefined,
  wire: CloseCause,
  transportError: unknown,
): CloseCause {
  const kind = note?.kind ?? (transportError !== undefined ? 'transport' : wire.kind);
  const cause: { -readonly [K in keyof CloseCause]: CloseCause[K] } = {
    kind,
    phase: note?.phase ?? wire.phase,
  };
  if (wire.sent !== undefined) cause.sent = wire.sent;
  if (wire.received !== undefined) cause.received = wire.received;
  const error = note?.error ?? transportError;
  if (error !== undefined) cause.error = error;
  if (note?.limit !== undefined) cause.limit = note.limit;
  if (note?.timer !== undefined) cause.timer = note.timer;
  return cause;
}
