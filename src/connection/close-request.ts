// Connection layer: what an application error asks for when it ends a connection — its own
// sendable close code and reason (ConnectionClosed thrown on purpose, a ProtocolError), or none.

import { isSendableCloseCode } from '../codec/close-code.js';
import { ConnectionClosed, ProtocolError } from '../errors.js';

/**
 * The close code and reason an error asks for, when it carries a sendable one.
 *
 * @param error - What the application threw.
 * @returns The code and a reason cut to 123 bytes, or undefined (close with 1011 then).
 * @example
 * closeRequest(new ConnectionClosed({ code: 4000, reason: 'bye' })); // { code: 4000, reason: 'bye' }
 */
export function closeRequest(error: unknown): { code: number; reason: string } | undefined {
  if (error instanceof ConnectionClosed && isSendableCloseCode(error.closeCode)) {
    return { code: error.closeCode, reason: fitReason(error.reason) };
  }
  if (error instanceof ProtocolError && isSendableCloseCode(error.closeCode)) {
    return { code: error.closeCode, reason: fitReason(error.message) };
  }
  return undefined;
}

/** Cuts a close reason to the 123 bytes a Close frame allows, on a code point boundary. */
function fitReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let cut = reason.slice(0, 123);
  while (Buffer.byteLength(cut) > 123) cut = cut.slice(0, -1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut;
}
