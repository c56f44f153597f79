// Routing layer: route patterns. A pattern is a path of segments: literal text, a parameter
// (`:room`) or, last, a catch-all tail (`*path`). Its parameter names are read by the type
// system from the pattern string, and by `compilePattern` at run time; no RegExp is built.

/** The parameter names of a pattern, e.g. `'room' | 'path'` for '/chat/:room/*path'. */
export type ParamNames<P extends string> = P extends `${infer Head}/${infer Tail}`
  ? ParamNames<Head> | ParamNames<Tail>
  : P extends `:${infer Name}`
    ? Name
    : P extends `*${infer Name}`
      ? Name
      : never;

/**
 * The path parameters of a route, typed from its pattern: `PathParams<'/chat/:room'>` is
 * `{ readonly room: string }`, and reading `params.rooom` does not compile.
 *
 * @example
 * const params: PathParams<'/files/*path'> = { path: 'docs/a.txt' };
 */
export type PathParams<P extends string> = { readonly [Name in ParamNames<P>]: string };

/** One compiled segment of a pattern. */
export type PatternSegment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'tail'; readonly name: string };

/** A pattern checked and split into segments. */
export interface CompiledPattern {
  readonly pattern: string;
  readonly segments: readonly PatternSegment[];
}

const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Checks a pattern and splits it into segments.
 *
 * @param pattern - A path starting with '/', e.g. '/chat/:room' or '/files/*path'.
 * @returns Its segments.
 * @throws {TypeError} For a pattern that does not start with '/', a parameter without a valid
 *   name, a name used twice, a catch-all that is not last, or a literal segment that is '.' or
 *   '..' or holds '?', '#' or '%'.
 * @example
 * compilePattern('/chat/:room').segments; // [{ kind: 'literal', text: 'chat' }, { kind: 'param', name: 'room' }]
 */
export function compilePattern(pattern: string): CompiledPattern {
  if (!pattern.startsWith('/')) {
    throw new TypeError(`A route pattern starts with '/': ${JSON.stringify(pattern)}`);
  }
  const parts = pattern === '/' ? [] : pattern.slice(1).split('/');
  const names = new Set<string>();
  const segments = parts.map((part, index): PatternSegment => {
    const marker = part[0];
    if (marker === ':' || marker === '*') {
      const name = part.slice(1);
      if (!NAME.test(name)) fail(pattern, `${JSON.stringify(part)} is not a parameter name`);
      if (names.has(name)) fail(pattern, `the parameter ${name} appears twice`);
      names.add(name);
      if (marker === '*' && index !== parts.length - 1) fail(pattern, 'a catch-all must be last');
      return marker === ':' ? { kind: 'param', name } : { kind: 'tail', name };
    }
    if (part === '.' || part === '..' || /[?#%]/.test(part)) {
      fail(pattern, `${JSON.stringify(part)} cannot be a literal segment`);
    }
    return { kind: 'literal', text: part };
  });
  return { pattern, segments };
}

function fail(pattern: string, why: string): never {
  throw new TypeError(`Invalid route pattern ${JSON.stringify(pattern)}: ${why}`);
}
