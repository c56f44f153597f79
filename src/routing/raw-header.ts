// Routing layer: header fields read from a request's raw lines. Since the handshake reads its
// own fields from the raw lines too, node:http's `request.headers` object (every field, built
// on first use) is only built when the application asks for it; the Origin and Basic guards
// need one field each and leave it unbuilt.

import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * A header field as node:http's `request.headers` gives it: repeated Authorization keeps its
 * first value (as node:http does), a repeated Cookie is joined with '; ', any other with ', '.
 *
 * @param request - The request.
 * @param name - The field's name, in lower case.
 * @returns Its value, or undefined when absent.
 * @example
 * rawHeader(request, 'origin'); // 'https://example.com'
 */
export function rawHeader(request: IncomingMessage, name: string): string | undefined {
  const lines = request.rawHeaders as readonly string[] | undefined;
  return Array.isArray(lines) && lines.length > 0
    ? fieldOfLines(lines, name)
    : joinedField(request.headers, name);
}

/**
 * {@link rawHeader} over the raw lines themselves: `[name, value, name, value, ...]`.
 *
 * @param lines - The raw header lines.
 * @param name - The field's name, in lower case.
 * @returns Its value, or undefined when absent.
 * @example
 * fieldOfLines(['Origin', 'https://example.com'], 'origin'); // 'https://example.com'
 */
export function fieldOfLines(lines: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const field = lines[i];
    if (field.length !== name.length || field.toLowerCase() !== name) continue;
    if (value === undefined) value = lines[i + 1];
    else if (name === 'authorization') break;
    else value += (name === 'cookie' ? '; ' : ', ') + lines[i + 1];
  }
  return value;
}

/**
 * A field of a headers object as one string (a list, such as Set-Cookie, joined with ', ').
 *
 * @param headers - node:http's headers object.
 * @param name - The field's name, in lower case.
 * @returns Its value, or undefined when absent.
 * @example
 * joinedField({ origin: 'https://example.com' }, 'origin'); // 'https://example.com'
 */
export function joinedField(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
