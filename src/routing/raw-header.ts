// Routing layer: one header field of a request, read from its raw lines. Since the handshake
// reads its own fields from the raw lines too, node:http's `request.headers` object (every field,
// built on first use) is only built when the application asks for it; the Origin and Basic
// guards need one field each and leave it unbuilt.

import type { IncomingMessage } from 'node:http';

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
  const raw = request.rawHeaders as readonly string[] | undefined;
  if (!Array.isArray(raw) || raw.length === 0) {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const field = raw[i];
    if (field.length !== name.length || field.toLowerCase() !== name) continue;
    if (value === undefined) value = raw[i + 1];
    else if (name === 'authorization') break;
    else value += (name === 'cookie' ? '; ' : ', ') + raw[i + 1];
  }
  return value;
}
