// Command line, `wsflow connect`: an input line made into the message it stands for.

import type { InputEncoding } from './connect-options.js';

/**
 * The message a line stands for: the text itself, its UTF-8 bytes (`--binary`), or the bytes it
 * spells in hex or base64.
 *
 * @param line - The line, without its newline.
 * @param encoding - How lines are read.
 * @returns A string (a text message) or bytes (a binary message).
 * @throws {TypeError} When the line is not valid hex or base64; the line is then not sent.
 */
export function messageOfLine(line: string, encoding: InputEncoding): string | Uint8Array {
  if (encoding === 'text') return line;
  if (encoding === 'binary') return Buffer.from(line, 'utf8');
  const compact = line.replace(/\s+/g, '');
  if (encoding === 'hex') {
    if (!/^([0-9a-fA-F]{2})*$/.test(compact)) throw new TypeError(`not hex: '${line}'`);
    return Buffer.from(compact, 'hex');
  }
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
    throw new TypeError(`not base64: '${line}'`);
  }
  return Buffer.from(compact, 'base64');
}
