// Transform layer: a Standard Schema's issues as a close reason that names the failing field
// first, so the path survives the cut to the 123 bytes a Close frame holds.

import type { StandardSchemaV1Issue, StandardSchemaV1PathSegment } from './standard-schema.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The first issue, as `invalid message at <path>: <message>` (`invalid message: <message>` at the
 * root), with the number of further issues. The connection cuts it to fit a Close frame.
 *
 * @param issues - what the schema found, at least one.
 * @returns the reason.
 * @example
 * describeIssues([{ message: 'expected string', path: ['user', 'names', 0] }]);
 * // 'invalid message at user.names[0]: expected string'
 */
export function describeIssues(issues: readonly StandardSchemaV1Issue[]): string {
  const [first] = issues;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  const path = first?.path === undefined || first.path.length === 0 ? '' : formatPath(first.path);
  const where = path === '' ? 'invalid message' : `invalid message at ${path}`;
  return `${where}: ${first?.message ?? 'invalid'}${more}`;
}

/**
 * A path as JavaScript would write it: `user.names[0]["odd key"]`.
 *
 * @param path - keys or `{ key }` segments, from the root.
 * @returns the path text.
 */
export function formatPath(path: readonly (PropertyKey | StandardSchemaV1PathSegment)[]): string {
  let text = '';
  for (const segment of path) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'symbol') text += `[${String(key)}]`;
    else if (IDENTIFIER.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(key)}]`;
  }
  return text;
}
