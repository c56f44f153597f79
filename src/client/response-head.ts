// Client layer: a small, bounded parser of an HTTP/1.1 response head (status line and header
// fields). Only the client layer over a raw transport uses it: node:http cannot run over a pair.

import { HandshakeError, HandshakeErrorCode } from '../errors.js';
import { hasControlCharacter, splitFieldLine } from '../http/field-line.js';

/** Bounds of {@link parseResponseHead}. */
export interface ResponseHeadLimits {
  /** The most bytes the head may take, final CRLFCRLF included. Default 16 KiB. */
  maxHeadBytes?: number;
  /** The most header fields. Default 100. */
  maxHeaderCount?: number;
}

/** A parsed response head. */
export interface ResponseHead {
  /** The status code, 100-599. */
  status: number;
  /** The reason phrase, '' when absent. */
  statusText: string;
  /** Header fields: names in lower case, values without surrounding whitespace; repeats as lists. */
  headers: Record<string, string | string[]>;
  /** How many bytes the head took, final CRLFCRLF included: the body or frames start there. */
  headBytes: number;
}

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Parses a response head from the bytes received so far. Strict where leniency would be a risk:
 * CRLF line ends only, no obs-fold, token header names, no control characters in values.
 *
 * @param bytes - Everything received so far from the transport.
 * @param limits - Size and header-count bounds.
 * @returns The head, or undefined while its end (CRLFCRLF) has not arrived.
 * @throws {HandshakeError} `WSFLOW_ERR_HANDSHAKE_RESPONSE_TOO_LARGE` past a bound,
 *   `WSFLOW_ERR_HANDSHAKE_INVALID_RESPONSE` for a head that breaks the grammar.
 * @example
 * const head = parseResponseHead(Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
 * // { status: 404, statusText: 'Not Found', headers: { 'content-length': '0' }, headBytes: 45 }
 */
export function parseResponseHead(
  bytes: Uint8Array,
  limits: ResponseHeadLimits = {},
): ResponseHead | undefined {
  const { maxHeadBytes = 16 * 1024, maxHeaderCount = 100 } = limits;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, maxHeadBytes));
  const end = buffer.indexOf(HEAD_END);
  if (end === -1) {
    if (bytes.length >= maxHeadBytes) throw tooLarge(`over ${maxHeadBytes} bytes`);
    return undefined;
  }
  const [statusLine, ...fieldLines] = buffer.toString('latin1', 0, end).split('\r\n');
  if (fieldLines.length > maxHeaderCount) throw tooLarge(`over ${maxHeaderCount} header fields`);
  return { ...parseStatusLine(statusLine), headers: parseFields(fieldLines), headBytes: end + 4 };
}

/** `HTTP/1.x SP 3DIGIT [SP reason-phrase]` (RFC 9112 section 4). */
function parseStatusLine(line: string): { status: number; statusText: string } {
  if (!/^HTTP\/1\.\d \d{3}( |$)/.test(line)) throw invalid('the status line is not HTTP/1.x');
  const status = Number(line.slice(9, 12));
  if (status < 100 || status > 599) throw invalid('the status code is out of range');
  const statusText = line.slice(13);
  if (hasControlCharacter(statusText, true))
    throw invalid('the reason phrase has a control character');
  return { status, statusText };
}

/** `field-name ":" OWS field-value OWS`, one per line (RFC 9112 section 5). */
function parseFields(lines: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const line of lines) {
    const field = splitFieldLine(line);
    if (field === undefined) throw invalid('a malformed header field line');
    const [name, value] = field;
    const key = name.toLowerCase();
    const previous = headers[key];
    if (previous === undefined) headers[key] = value;
    else if (typeof previous === 'string') headers[key] = [previous, value];
    else previous.push(value);
  }
  return headers;
}

function invalid(what: string): HandshakeError {
  return new HandshakeError(HandshakeErrorCode.InvalidResponse, `Invalid response head: ${what}`);
}

function tooLarge(what: string): HandshakeError {
  return new HandshakeError(
    HandshakeErrorCode.ResponseTooLarge,
    `Response head too large: ${what}`,
  );
}

/**
 * How many body bytes to read after a plain (non-101) head: its Content-Length, or up to the end
 * of the transport when there is none; 0 for a chunked body (its reader decodes it, chunked-body.ts).
 *
 * @param headers - The parsed head's headers.
 * @returns A byte count, `'eof'` to read until the transport ends, or 0.
 * @example
 * bodyLength({ 'content-length': '12' }); // 12
 */
export function bodyLength(headers: ResponseHead['headers']): number | 'eof' {
  if (headers['transfer-encoding'] !== undefined) return 0;
  const length = headers['content-length'];
  if (length === undefined) return 'eof';
  return typeof length === 'string' && /^\d{1,15}$/.test(length) ? Number(length) : 0;
}
