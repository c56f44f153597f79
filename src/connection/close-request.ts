// Connection layer: what an application error asks for when it ends a connection — its own
// sendable close code and reason (ConnectionClosed thrown on purpose, a ProtocolError), or none.

import { isSendableCloseCode } from '../codec/close-code.js';
import { fitCloseReason } from '../codec/close-payload.js';
import { ConnectionClosed, ProtocolError } from '../errors.js';

/**
 * The close code and reason an error asks for, when it carries a sendable one.
 *
 * @param error - What the application threw.
 * @returns The code and a reason cut to fit a Close frame, or undefined (close with 1011 then).
 * @example
 * closeRequest(new ConnectionClosed({ code: 4000, reason: 'bye' })); // { code: 4000, reason: 'bye' }
 */
export function closeRequest(error: unknown): { code: number; reason: string } | undefined {
  if (error instanceof ConnectionClosed && isSendableCloseCode(error.closeCode)) {
    return { code: error.closeCode, reason: fitCloseReason(error.reason) };
  }
  if (error instanceof ProtocolError && isSendableCloseCode(error.closeCode)) {
    return { code: error.closeCode, reason: fitCloseReason(error.message) };
  }
  return undefined;
}
