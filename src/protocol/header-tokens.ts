// Protocol layer: parsers and formatters for the handshake's list headers (Connection, Upgrade,
// Sec-WebSocket-Protocol, Sec-WebSocket-Extensions). Hand-written scanners over a char-code
// table: one pass, no regular expressions, so hostile headers cost linear time.

import { HandshakeError, HandshakeErrorCode } from '../errors.js';

/** One extension of a Sec-WebSocket-Extensions header: its name and its parameters, in order. */
export interface ExtensionOffer {
  /** The extension token, e.g. `permessage-deflate`. */
  name: string;
  /** Parameters in header order; `true` for a parameter without a value. Names may repeat. */
  params: Array<[name: string, value: string | true]>;
}

/** Headers as node:http delivers them: names any case (node uses lower case), values or lists. */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

// RFC 7230 section 3.2.6: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA. TOKEN[c] === 1 for those, 0 for every other code.
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TOKEN[c.charCodeAt(0)] = 1;
}

const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const SLASH = 0x2f;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;

/** True for an RFC 7230 tchar. */
function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN[code] === 1;
}

/** True for optional whitespace (RFC 7230 OWS: SP / HTAB). */
function isOws(code: number): boolean {
  return code === SPACE || code === TAB;
}

/**
 * Tells whether a string is an RFC 7230 `token` (one or more tchar).
 *
 * @param value - The string to check.
 * @returns True when `value` is a non-empty token.
 * @example
 * isToken('permessage-deflate'); // true
 * isToken('chat v2'); // false
 */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    if (!isTokenChar(value.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * {@link isToken} of `text` from `start` to `end`, read in place (no slice is made to check it).
 *
 * @param text - A whole head, say.
 * @param start - Where the part starts.
 * @param end - Where it ends (exclusive).
 * @returns True when the part is not empty and every character of it is a tchar.
 * @example
 * isTokenRange('Host: a', 0, 4); // true
 */
export function isTokenRange(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    if (!isTokenChar(text.charCodeAt(i))) return false;
  }
  return true;
}

/** A grammar error at `index` of a header value, without echoing the (untrusted) value. */
function syntaxError(header: string, value: string, index: number, expected: string) {
  const found =
    index >= value.length
      ? 'end of value'
      : `character 0x${value.charCodeAt(index).toString(16).padStart(2, '0')}`;
  return new HandshakeError(
    HandshakeErrorCode.InvalidHeader,
    `Invalid ${header} header: expected ${expected}, found ${found} at index ${index}`,
  );
}

/** Returns the index of the first non-OWS character at or after `i`. */
function skipOws(value: string, i: number): number {
  while (i < value.length && isOws(value.charCodeAt(i))) i++;
  return i;
}

/** Returns the index just past the token starting at `i` (equal to `i` when there is none). */
function scanToken(value: string, i: number): number {
  while (i < value.length && isTokenChar(value.charCodeAt(i))) i++;
  return i;
}

/** Flattens a header value that node:http may hand over as a string, a list, or nothing. */
function headerLines(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/**
 * Parses an RFC 7230 `#rule` list over one header line: empty elements and OWS are skipped,
 * `item` parses one element starting at a non-delimiter and returns the index after it.
 */
function parseList(value: string, header: string, item: (start: number) => number): void {
  let i = 0;
  while (true) {
    // Skip empty elements: ( "," / OWS ) before the next element.
    while (i < value.length) {
      const code = value.charCodeAt(i);
      if (code !== COMMA && !isOws(code)) break;
      i++;
    }
    if (i === value.length) return;
    i = skipOws(value, item(i));
    if (i === value.length) return;
    if (value.charCodeAt(i) !== COMMA) throw syntaxError(header, value, i, "','");
  }
}

/** Parses a list of tokens (or of `token ["/" token]` when `withVersion`) from header lines. */
function parseTokens(
  value: string | readonly string[] | undefined,
  header: string,
  withVersion: boolean,
): string[] {
  const tokens: string[] = [];
  for (const line of headerLines(value)) {
    parseList(line, header, (start) => {
      let end = scanToken(line, start);
      if (end === start) throw syntaxError(header, line, start, 'a token');
      if (withVersion && end < line.length && line.charCodeAt(end) === SLASH) {
        const versionEnd = scanToken(line, end + 1);
        if (versionEnd === end + 1) throw syntaxError(header, line, end + 1, 'a token');
        end = versionEnd;
      }
      tokens.push(line.slice(start, end));
      return end;
    });
  }
  return tokens;
}

/**
 * Parses a comma-separated token list header such as Connection or Sec-WebSocket-Protocol
 * (RFC 7230 section 7 `#token`). Empty elements and optional whitespace are allowed; several
 * header lines are merged in order. Tokens keep their case.
 *
 * @param value - The header value: a string, a list of lines, or undefined when absent.
 * @param header - The header's name, used in error messages.
 * @returns The tokens in order; `[]` when the header is absent or has only empty elements.
 * @throws {HandshakeError} `WSFLOW_ERR_HANDSHAKE_INVALID_HEADER` (status undefined) when an
 *   element is not a token; the message gives the index and character code, not the value.
 * @example
 * parseTokenList('keep-alive, Upgrade'); // ['keep-alive', 'Upgrade']
 * parseTokenList(['chat', ' , superchat']); // ['chat', 'superchat']
 */
export function parseTokenList(
  value: string | readonly string[] | undefined,
  header = 'token list',
): string[] {
  return parseTokens(value, header, false);
}

/**
 * Parses an Upgrade header (RFC 7230 section 6.7): a list of `protocol-name ["/" version]`.
 *
 * @param value - The header value: a string, a list of lines, or undefined when absent.
 * @returns The protocols as written, e.g. `['websocket']` or `['HTTP/2.0', 'websocket']`.
 * @throws {HandshakeError} `WSFLOW_ERR_HANDSHAKE_INVALID_HEADER` when the list is malformed.
 * @example
 * parseUpgradeList('h2c, WebSocket'); // ['h2c', 'WebSocket']
 */
export function parseUpgradeList(value: string | readonly string[] | undefined): string[] {
  return parseTokens(value, 'Upgrade', true);
}

/**
 * Formats a token list header value (the inverse of {@link parseTokenList}).
 *
 * @param tokens - The tokens, e.g. subprotocol names.
 * @returns The tokens joined by `", "`; '' for an empty list.
 * @throws {TypeError} When an element is not an RFC 7230 token.
 * @example
 * formatTokenList(['chat', 'superchat']); // 'chat, superchat'
 */
export function formatTokenList(tokens: readonly string[]): string {
  for (const token of tokens) {
    if (typeof token !== 'string' || !isToken(token)) {
      throw new TypeError(`Invalid token in list: ${JSON.stringify(token)}`);
    }
  }
  return tokens.join(', ');
}

const EXTENSIONS = 'Sec-WebSocket-Extensions';

/**
 * Parses a quoted-string starting at the opening quote `start` (RFC 7230 section 3.2.6), with
 * quoted-pair unescaping. RFC 6455 section 9.1 requires the unescaped value to be a token, so
 * every character, escaped or not, must be a tchar. Returns the value and the index after it.
 */
function parseQuotedToken(line: string, start: number): [value: string, end: number] {
  const parts: string[] = [];
  let segment = start + 1;
  let i = start + 1;
  while (i < line.length) {
    const code = line.charCodeAt(i);
    if (code === QUOTE) {
      parts.push(line.slice(segment, i));
      const value = parts.join('');
      if (value.length === 0) throw syntaxError(EXTENSIONS, line, i, 'a token in the quotes');
      return [value, i + 1];
    }
    if (code === BACKSLASH) {
      parts.push(line.slice(segment, i));
      i++;
      segment = i;
      if (i === line.length) break;
    }
    if (!isTokenChar(line.charCodeAt(i))) {
      throw syntaxError(EXTENSIONS, line, i, 'a token character in the quoted value');
    }
    i++;
  }
  throw syntaxError(EXTENSIONS, line, i, "a closing '\"'");
}

/** Parses `extension-param = token [ "=" (token | quoted-string) ]` (OWS allowed around "="). */
function parseExtensionParam(
  line: string,
  start: number,
  params: ExtensionOffer['params'],
): number {
  const nameEnd = scanToken(line, start);
  if (nameEnd === start) throw syntaxError(EXTENSIONS, line, start, 'a parameter name');
  const name = line.slice(start, nameEnd);
  let i = skipOws(line, nameEnd);
  if (i === line.length || line.charCodeAt(i) !== EQUALS) {
    params.push([name, true]);
    return i;
  }
  i = skipOws(line, i + 1);
  if (i < line.length && line.charCodeAt(i) === QUOTE) {
    const [value, end] = parseQuotedToken(line, i);
    params.push([name, value]);
    return end;
  }
  const valueEnd = scanToken(line, i);
  if (valueEnd === i) throw syntaxError(EXTENSIONS, line, i, 'a parameter value');
  params.push([name, line.slice(i, valueEnd)]);
  return valueEnd;
}

/** Parses `extension = extension-token *( ";" extension-param )` starting at `start`. */
function parseExtension(line: string, start: number, offers: ExtensionOffer[]): number {
  const nameEnd = scanToken(line, start);
  if (nameEnd === start) throw syntaxError(EXTENSIONS, line, start, 'an extension name');
  const offer: ExtensionOffer = { name: line.slice(start, nameEnd), params: [] };
  offers.push(offer);
  let i = skipOws(line, nameEnd);
  while (i < line.length && line.charCodeAt(i) === SEMICOLON) {
    i = skipOws(line, parseExtensionParam(line, skipOws(line, i + 1), offer.params));
  }
  return i;
}

/**
 * Parses Sec-WebSocket-Extensions (RFC 6455 section 9.1) into offers, in header order.
 * Parameter values may be tokens or quoted-strings; quoted-pairs are unescaped and the result
 * must be a token, as RFC 6455 requires. Several header lines are merged in order. Names and
 * values keep their case; repeated extensions and parameters are kept (negotiation judges them).
 *
 * @param value - The header value: a string, a list of lines, or undefined when absent.
 * @returns The extensions; `[]` when the header is absent or has only empty elements.
 * @throws {HandshakeError} `WSFLOW_ERR_HANDSHAKE_INVALID_HEADER` (status undefined) when the
 *   value breaks the grammar; the message gives the index and character code, not the value.
 * @example
 * parseExtensionHeader('permessage-deflate; client_max_window_bits; server_max_window_bits="10"');
 * // [{ name: 'permessage-deflate',
 * //    params: [['client_max_window_bits', true], ['server_max_window_bits', '10']] }]
 */
export function parseExtensionHeader(
  value: string | readonly string[] | undefined,
): ExtensionOffer[] {
  const offers: ExtensionOffer[] = [];
  for (const line of headerLines(value)) {
    parseList(line, EXTENSIONS, (start) => parseExtension(line, start, offers));
  }
  return offers;
}

/**
 * Formats a Sec-WebSocket-Extensions value (the inverse of {@link parseExtensionHeader}).
 * Values are always written as bare tokens: RFC 6455 allows no other value, so no quoting is
 * ever needed.
 *
 * @param offers - The extensions with their parameters.
 * @returns The header value, e.g. `'permessage-deflate; client_max_window_bits=10'`; '' for `[]`.
 * @throws {TypeError} When a name or a string value is not an RFC 7230 token.
 * @example
 * formatExtensionHeader([{ name: 'permessage-deflate', params: [['client_max_window_bits', true]] }]);
 * // 'permessage-deflate; client_max_window_bits'
 */
export function formatExtensionHeader(offers: readonly ExtensionOffer[]): string {
  return offers.map(formatExtension).join(', ');
}

/** Formats one extension with its parameters, validating every part. */
function formatExtension(offer: ExtensionOffer): string {
  const parts = [checkToken(offer.name, 'extension name')];
  for (const [name, value] of offer.params) {
    checkToken(name, 'extension parameter name');
    parts.push(value === true ? name : `${name}=${checkToken(value, 'extension parameter value')}`);
  }
  return parts.join('; ');
}

/** Returns `value` when it is a token; throws a TypeError naming `what` otherwise. */
function checkToken(value: unknown, what: string): string {
  if (typeof value !== 'string' || !isToken(value)) {
    throw new TypeError(`Invalid ${what}: ${JSON.stringify(value)} is not a token`);
  }
  return value;
}

/**
 * Collects the values of a header from a node:http-style record, matching the name without
 * regard to case and flattening lists, in record order.
 *
 * @param headers - The headers, e.g. `IncomingMessage.headers`.
 * @param name - The header name, any case.
 * @returns Every value found; `[]` when the header is absent.
 * @example
 * getHeaderValues({ host: 'example.com' }, 'Host'); // ['example.com']
 */
export function getHeaderValues(headers: HeaderRecord, name: string): string[] {
  const values: string[] = [];
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.length !== wanted.length || key.toLowerCase() !== wanted) continue;
    const value = headers[key];
    if (typeof value === 'string') values.push(value);
    else if (value !== undefined) values.push(...value);
  }
  return values;
}

/**
 * Checks a header field before it is written to the wire: the name must be a token, the value
 * visible ASCII, space or tab. This refuses CR and LF (response splitting), NUL, other controls
 * and non-ASCII characters.
 *
 * @param name - The header name.
 * @param value - The header value.
 * @throws {TypeError} When the name is not a token or the value holds a forbidden character.
 * @example
 * checkHeaderField('X-Trace', 'abc'); // ok
 * checkHeaderField('X-Trace', 'a\r\nSet-Cookie: x'); // throws TypeError
 */
export function checkHeaderField(name: string, value: string): void {
  if (typeof name !== 'string' || !isToken(name)) {
    throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`);
  }
  if (typeof value !== 'string') {
    throw new TypeError(`Invalid value for header ${name}: not a string`);
  }
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < SPACE && code !== TAB) || code > 0x7e) {
      throw new TypeError(
        `Invalid value for header ${name}: character 0x${code.toString(16)} at index ${i}`,
      );
    }
  }
}

/**
 * A plain, mutable copy of a header record, lists copied too, so the holder (a response, an
 * error) owns it.
 *
 * @param headers - The headers, e.g. `IncomingMessage.headers`.
 * @returns A copy; absent values stay `undefined`.
 * @example
 * copyHeaders({ upgrade: 'websocket', 'set-cookie': ['a=1', 'b=2'] });
 */
export function copyHeaders(headers: HeaderRecord): Record<string, string | string[] | undefined> {
  const copy: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    copy[name] = typeof value === 'string' || value === undefined ? value : [...value];
  }
  return copy;
}
