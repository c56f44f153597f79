// HTTP layer: a small, bounded reader of an HTTP/1.1 request head (request line and header
// fields), fed the bytes of a socket as they arrive. serve() uses it to answer WebSocket upgrades
// without node:http's parser; anything it does not take is handed to node:http unchanged.

import { isTokenRange } from '../protocol/header-tokens.js';
import { pushFieldLine } from './field-line.js';

/** A parsed request head. */
export interface RequestHead {
  /** The method, e.g. 'GET' (case kept: methods are case-sensitive). */
  method: string;
  /** The request target as sent, e.g. '/chat?room=1'. */
  target: string;
  /** The major HTTP version (1 for HTTP/1.1). */
  versionMajor: number;
  /** The minor HTTP version (1 for HTTP/1.1). */
  versionMinor: number;
  /** Header names (case kept) and values (without surrounding whitespace), alternating. */
  rawHeaders: string[];
  /** How many bytes the head took, final CRLFCRLF included: the body or frames start there. */
  headBytes: number;
}

/** A request head that cannot be read: `status` is the HTTP answer it deserves. */
export class RequestHeadError extends Error {
  /** 400 for a head that breaks the grammar, 431 for one over a limit. */
  readonly status: 400 | 431;

  constructor(status: 400 | 431, message: string) {
    super(message);
    this.name = 'RequestHeadError';
    this.status = status;
  }
}

/** Bounds of a {@link RequestHeadReader}. */
export interface RequestHeadLimits {
  /** The most bytes the head may take, final CRLFCRLF included. */
  maxHeadBytes: number;
  /** The most header fields. */
  maxHeaderCount: number;
}

const CR = 0x0d;
const LF = 0x0a;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Collects the bytes of one request head, chunk by chunk, and parses it once its end (CRLFCRLF)
 * has arrived. It keeps at most `maxHeadBytes` plus one chunk: past that it throws a 431.
 *
 * @example
 * const reader = new RequestHeadReader({ maxHeadBytes: 16 * 1024, maxHeaderCount: 100 });
 * socket.on('data', (chunk) => {
 *   const head = reader.push(chunk); // undefined while incomplete; throws RequestHeadError
 *   if (head !== undefined) console.log(head.method, head.target, reader.received.length);
 * });
 */
export class RequestHeadReader {
  readonly #limits: RequestHeadLimits;
  readonly #chunks: Buffer[] = [];
  #length = 0;
  /** How much of CRLFCRLF the bytes so far end with (0 to 3). */
  #matched = 0;

  constructor(limits: RequestHeadLimits) {
    this.#limits = limits;
  }

  /** How many bytes were pushed so far. */
  get length(): number {
    return this.#length;
  }

  /** Every byte pushed so far, as one buffer (the head, then whatever followed it). */
  get received(): Buffer {
    if (this.#chunks.length !== 1) {
      const all = Buffer.concat(this.#chunks, this.#length);
      this.#chunks.splice(0, this.#chunks.length, all);
    }
    return this.#chunks[0];
  }

  /**
   * Adds the next bytes received.
   *
   * @param chunk - The bytes, as the socket delivered them (kept, not copied).
   * @returns The head once complete (the bytes after it are in {@link received} from
   *   `headBytes` on), or `undefined` while more is needed.
   * @throws {RequestHeadError} 431 past `maxHeadBytes` or `maxHeaderCount`, 400 for a head
   *   that breaks the grammar.
   */
  push(chunk: Buffer): RequestHead | undefined {
    const start = this.#length;
    const { maxHeadBytes } = this.#limits;
    // Only bytes within the limit are scanned: a longer head is refused whatever follows.
    const scanEnd = Math.min(chunk.length, maxHeadBytes - start);
    let matched = this.#matched;
    let end = -1;
    if (start === 0 && scanEnd === chunk.length) {
      // Usually the whole head is the first chunk: one string serves the search and the parse.
      const text = chunk.toString('latin1');
      const found = text.indexOf('\r\n\r\n');
      if (found !== -1) {
        this.#matched = 4;
        this.#chunks.push(chunk);
        this.#length = chunk.length;
        return parseHeadText(text, found + HEAD_END.length, this.#limits.maxHeaderCount);
      }
    }
    const found = matched === 0 ? chunk.indexOf(HEAD_END) : -1;
    if (found !== -1 && found + HEAD_END.length <= scanEnd) {
      end = start + found + HEAD_END.length;
      matched = 4;
    }
    for (let i = 0; end === -1 && i < scanEnd; i++) {
      const byte = chunk[i];
      if (byte === (matched === 1 || matched === 3 ? LF : CR)) matched++;
      else matched = byte === CR ? 1 : 0;
      if (matched === 4) {
        end = start + i + 1;
        break;
      }
    }
    this.#matched = matched;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    if (end === -1) {
      if (this.#length >= maxHeadBytes) {
        throw new RequestHeadError(431, `the request head is over ${maxHeadBytes} bytes`);
      }
      return undefined;
    }
    return parseRequestHead(this.received, end, this.#limits.maxHeaderCount);
  }
}

/**
 * Parses a complete request head. Strict where leniency would be a risk: CRLF line ends only,
 * no obs-fold, a token method, a target without spaces or control characters, `HTTP/d.d`,
 * token header names, no control characters in values.
 *
 * @param bytes - The bytes of the head (and possibly more after it).
 * @param headBytes - Where the head ends, final CRLFCRLF included.
 * @param maxHeaderCount - The most header fields; more is a 431.
 * @returns The head.
 * @throws {RequestHeadError} 400 for a head that breaks the grammar, 431 for too many fields.
 * @example
 * const bytes = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
 * parseRequestHead(bytes, bytes.length, 100).rawHeaders; // ['Host', 'a']
 */
export function parseRequestHead(
  bytes: Buffer,
  headBytes: number,
  maxHeaderCount: number,
): RequestHead {
  // Without the final CRLF: every line, the request line included, then ends with CRLF.
  return parseHeadText(bytes.toString('latin1', 0, headBytes - 2), headBytes, maxHeaderCount);
}

/**
 * {@link parseRequestHead} of the head as latin1 text, which may go on past the head.
 *
 * @param text - The head's bytes as latin1, at least up to its final CRLF.
 * @param headBytes - Where the head ends, final CRLFCRLF included.
 * @param maxHeaderCount - The most header fields; more is a 431.
 * @returns The head.
 * @throws {RequestHeadError} As parseRequestHead.
 */
function parseHeadText(text: string, headBytes: number, maxHeaderCount: number): RequestHead {
  // Every line, the request line included, ends with CRLF before the final one.
  const linesEnd = headBytes - 2;
  const lineEnd = text.indexOf('\r\n');
  const firstSpace = text.indexOf(' ');
  const lastSpace = text.lastIndexOf(' ', lineEnd);
  if (firstSpace <= 0 || lastSpace <= firstSpace || lastSpace > lineEnd) {
    throw invalid('the request line is malformed');
  }
  // Checked in the text itself, before slicing: a flat string reads faster than a slice of it.
  if (!isTokenRange(text, 0, firstSpace)) throw invalid('the method is not a token');
  if (!isTarget(text, firstSpace + 1, lastSpace)) throw invalid('the request target is malformed');
  const method = text.slice(0, firstSpace);
  const target = text.slice(firstSpace + 1, lastSpace);
  const version = lastSpace + 1;
  if (
    lineEnd - version !== 8 ||
    !text.startsWith('HTTP/', version) ||
    !isDigit(text.charCodeAt(version + 5)) ||
    text.charCodeAt(version + 6) !== 0x2e ||
    !isDigit(text.charCodeAt(version + 7))
  ) {
    throw invalid('the version is not HTTP/d.d');
  }
  const rawHeaders: string[] = [];
  let count = 0;
  for (let start = lineEnd + 2; start < linesEnd;) {
    const end = text.indexOf('\r\n', start);
    if (++count > maxHeaderCount) {
      throw new RequestHeadError(431, `the request has over ${maxHeaderCount} header fields`);
    }
    if (!pushFieldLine(text, start, end, rawHeaders)) {
      throw invalid('a header field line is malformed');
    }
    start = end + 2;
  }
  return {
    method,
    target,
    versionMajor: text.charCodeAt(version + 5) - 0x30,
    versionMinor: text.charCodeAt(version + 7) - 0x30,
    rawHeaders,
    headBytes,
  };
}

/** Whether `text` from `start` to `end` is a request target: not empty, no space or control. */
function isTarget(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return false;
  }
  return true;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function invalid(what: string): RequestHeadError {
  return new RequestHeadError(400, `Invalid request head: ${what}`);
}
