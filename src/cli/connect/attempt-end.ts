// Command line, `wsflow connect`: how one connection attempt ended, and the exit code it earns.

import {
  ErrorCode,
  HandshakeError,
  ProtocolError,
  WebSocketError,
  isOkCloseCode,
} from '../../index.js';
import type { CloseOutcome } from '../../index.js';
import { ExitCode } from '../exit-codes.js';

/** The end of one attempt: no connection at all, or a connection that closed. */
export type AttemptEnd =
  | { readonly kind: 'not-connected'; readonly error: unknown }
  | {
      readonly kind: 'closed';
      readonly outcome: CloseOutcome;
      /** What the connection reported failing (a ConnectionClosed whose cause is the error). */
      readonly failure: unknown;
      /** True when this end closed because its input ended (stdin, Ctrl-D). */
      readonly inputEnded: boolean;
    };

/**
 * The exit code of an attempt's end (docs/cli.md, "Exit codes").
 *
 * @param end - How the attempt ended.
 * @returns The code.
 */
export function exitCodeOf(end: AttemptEnd): ExitCode {
  if (end.kind === 'not-connected') return handshakeExitCode(end.error);
  const code = errorCodeIn(end.failure);
  if (code === ErrorCode.KeepAliveTimeout) return ExitCode.Timeout;
  if (protocolErrorIn(end.failure)) return ExitCode.ProtocolError;
  const { outcome } = end;
  if (isOkCloseCode(outcome.code)) return ExitCode.Ok;
  if (outcome.code === 1002) return ExitCode.ProtocolError;
  if (outcome.code === 1006) return ExitCode.AbnormalClose;
  return ExitCode.ErrorClose;
}

function handshakeExitCode(error: unknown): ExitCode {
  if (!(error instanceof HandshakeError)) return ExitCode.Failure;
  if (error.status !== undefined) return ExitCode.Rejected;
  if (error.code === ErrorCode.HandshakeTimeout) return ExitCode.Timeout;
  if (error.code === ErrorCode.HandshakeNetwork) return ExitCode.ConnectFailed;
  return ExitCode.ProtocolError; // an answer that is not HTTP, or too large a head
}

/** The errors along a cause chain, the error itself first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let at = error; at !== undefined && chain.length < 8; at = (at as Error).cause) {
    chain.push(at);
    if (!(at instanceof Error)) break;
  }
  return chain;
}

function errorCodeIn(error: unknown): string | undefined {
  for (const at of causes(error))
    if (at instanceof WebSocketError && at.code !== ErrorCode.ConnectionClosed) return at.code;
  return undefined;
}

function protocolErrorIn(error: unknown): boolean {
  return causes(error).some((at) => at instanceof ProtocolError);
}

/** Whether `--reconnect` tries again after this end: not after our own close, nor a 4xx. */
export function worthRetrying(end: AttemptEnd): boolean {
  if (end.kind === 'closed') return !end.inputEnded;
  const { error } = end;
  if (!(error instanceof HandshakeError) || error.status === undefined) return true;
  return error.status >= 500 || error.status === 429 || error.status === 408;
}

/**
 * One line telling why the connection could not be made, for stderr.
 *
 * @param error - The handshake's error.
 * @param url - The URL asked for.
 * @returns The line, without a stack trace.
 */
export function describeConnectError(error: unknown, url: string): string {
  if (error instanceof HandshakeError) {
    if (error.code === ErrorCode.HandshakeTimeout) return `${url}: the opening handshake timed out`;
    const cause = error.cause as NodeJS.ErrnoException | undefined;
    if (error.code === ErrorCode.HandshakeNetwork && cause?.code === 'ECONNREFUSED') {
      return `${url}: connection refused`;
    }
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return `${url}: ${error.message}${detail}`;
  }
  return `${url}: ${error instanceof Error ? error.message : String(error)}`;
}
