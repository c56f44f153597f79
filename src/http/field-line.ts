// HTTP layer: one header field line, `field-name ":" OWS field-value OWS` (RFC 9112 section 5),
// split and checked the same way for requests and responses.

import { isTokenRange } from '../protocol/header-tokens.js';

/**
 * Splits a header field line into its name and value, or refuses it. Strict: the name must be a
 * token (so an obs-fold line, which starts with whitespace, is refused), and the value may hold
 * no control character but HTAB.
 *
 * @param line - One line of a head, without its CRLF.
 * @returns `[name, value]`, the name as sent and the value without surrounding spaces or tabs,
 *   or `undefined` for a malformed line.
 * @example
 * splitFieldLine('Upgrade:  websocket '); // ['Upgrade', 'websocket']
 * splitFieldLine(' folded'); // undefined
 */
export function splitFieldLine(line: string): [name: string, value: string] | undefined {
  const out: string[] = [];
  return pushFieldLine(line, 0, line.length, out) ? [out[0], out[1]] : undefined;
}

/**
 * {@link splitFieldLine} on `text` from `start` to `end`, without slicing the line first: the
 * name and value are appended to `out` (a rawHeaders-style list).
 *
 * @param text - A whole head, say.
 * @param start - Where the line starts.
 * @param end - Where it ends (its CR).
 * @param out - Gets the name, then the value.
 * @returns false for a malformed line (`out` is then unchanged).
 * @example
 * const rawHeaders: string[] = [];
 * pushFieldLine('Host: a\r\n', 0, 7, rawHeaders); // true; rawHeaders: ['Host', 'a']
 */
export function pushFieldLine(text: string, start: number, end: number, out: string[]): boolean {
  const colon = text.indexOf(':', start);
  if (colon <= start || colon >= end) return false;
  // Checked in the head itself: a flat string reads faster than a slice of it.
  if (!isTokenRange(text, start, colon)) return false;
  let valueStart = colon + 1;
  let valueEnd = end;
  while (valueStart < valueEnd && isSpaceOrTab(text.charCodeAt(valueStart))) valueStart++;
  while (valueEnd > valueStart && isSpaceOrTab(text.charCodeAt(valueEnd - 1))) valueEnd--;
  for (let i = valueStart; i < valueEnd; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 ? code !== 0x09 : code === 0x7f) return false;
  }
  out.push(text.slice(start, colon), text.slice(valueStart, valueEnd));
  return true;
}

/**
 * True for a control character (CR and LF included) or DEL; HTAB counts only when `allowTab` is
 * false.
 *
 * @param text - The text to check, e.g. a header value or a request target.
 * @param allowTab - Whether HTAB is allowed (it is in header values).
 * @returns Whether `text` holds a control character.
 * @example
 * hasControlCharacter('a\tb', true); // false
 */
export function hasControlCharacter(text: string, allowTab: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 ? code !== 0x09 || !allowTab : code === 0x7f) return true;
  }
  return false;
}

function isSpaceOrTab(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
