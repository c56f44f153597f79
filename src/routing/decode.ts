// Routing layer: the request target, decoded once. The path is split on '/' before each segment
// is percent-decoded, so an encoded slash (%2F) stays inside its segment; dot segments and bad
// percent-encoding are refused (400) rather than guessed at.

/** A request target that cannot be routed: `reason` is the 400's body. */
export class BadTarget extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BadTarget';
  }
}

/** A decoded request target. */
export interface DecodedTarget {
  /** The path as sent (still percent-encoded), e.g. '/chat/caf%C3%A9'. */
  readonly path: string;
  /** The path's segments, each decoded: ['chat', 'café']. */
  readonly segments: readonly string[];
  /** The query string as sent, without '?' ('' when there is none). */
  readonly rawQuery: string;
}

/**
 * Splits a request target into its path segments, each percent-decoded.
 *
 * @param target - The request target, e.g. `request.url`: '/chat/lobby?since=3'.
 * @returns The raw path and query, and the decoded segments.
 * @throws {BadTarget} For a target that is not a path, bad percent-encoding, or a '.' or '..'
 *   segment (sent as such or percent-encoded).
 * @example
 * decodeTarget('/files/a%2Fb?x=1').segments; // ['files', 'a/b']
 */
export function decodeTarget(target: string): DecodedTarget {
  const hash = target.indexOf('#');
  const end = hash === -1 ? target.length : hash;
  const question = target.indexOf('?');
  const pathEnd = question === -1 || question > end ? end : question;
  const path = target.slice(0, pathEnd);
  const rawQuery = pathEnd === end ? '' : target.slice(pathEnd + 1, end);
  if (!path.startsWith('/')) throw new BadTarget('the request target is not a path');
  const segments: string[] = [];
  for (let start = 1; path !== '/';) {
    const slash = path.indexOf('/', start);
    segments.push(decodeSegment(path.slice(start, slash === -1 ? path.length : slash)));
    if (slash === -1) break;
    start = slash + 1;
  }
  return { path, segments, rawQuery };
}

function decodeSegment(raw: string): string {
  const segment = raw.includes('%') ? decodeComponent(raw, 'path') : raw;
  if (segment === '.' || segment === '..') throw new BadTarget('a dot segment in the path');
  return segment;
}

/**
 * Decodes a query string (`application/x-www-form-urlencoded`: '+' is a space) into its pairs,
 * keeping repeated keys in order.
 *
 * @param rawQuery - The query string without '?'.
 * @returns The pairs, as URLSearchParams (`get` gives the first value, `getAll` every one).
 * @throws {BadTarget} For bad percent-encoding.
 * @example
 * decodeQuery('tag=a&tag=b&q=caf%C3%A9').getAll('tag'); // ['a', 'b']
 */
export function decodeQuery(rawQuery: string): URLSearchParams {
  const pairs: [string, string][] = [];
  if (rawQuery === '') return new URLSearchParams();
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const key = equals === -1 ? part : part.slice(0, equals);
    const value = equals === -1 ? '' : part.slice(equals + 1);
    pairs.push([decodeFormComponent(key), decodeFormComponent(value)]);
  }
  return new URLSearchParams(pairs);
}

function decodeFormComponent(raw: string): string {
  const spaced = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  return spaced.includes('%') ? decodeComponent(spaced, 'query') : spaced;
}

function decodeComponent(raw: string, where: 'path' | 'query'): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadTarget(`bad percent-encoding in the ${where}`);
  }
}
