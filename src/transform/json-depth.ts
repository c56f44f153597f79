// Transform layer: how deep a JSON text nests, read before parsing so that a hostile message
// (100,000 brackets) is refused before anything is built, and no value handed to a flow is too
// deep for JSON.stringify or a recursive walk.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether a JSON text nests arrays and objects deeper than `maxDepth`. Brackets inside strings do
 * not count; string contents are skipped with `indexOf`. Exact for valid JSON; for invalid JSON
 * the answer does not matter (the parser refuses it). A text with at most `maxDepth` opening
 * brackets in all (most messages) is answered from a count made with `indexOf`, without the scan.
 *
 * @param json - the text.
 * @param maxDepth - the deepest nesting allowed (`[]` and `{}` are depth 1).
 * @returns true when some value is nested deeper.
 * @example
 * nestsDeeperThan('[[1]]', 1); // true
 */
export function nestsDeeperThan(json: string, maxDepth: number): boolean {
  // Each level takes at least one character, and one opening bracket.
  if (json.length <= maxDepth || !hasMoreOpenersThan(json, maxDepth)) return false;
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuote(json, i);
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** Whether `{` and `[` occur more than `limit` times in all (strings included). */
function hasMoreOpenersThan(json: string, limit: number): boolean {
  let count = 0;
  for (const opener of ['{', '[']) {
    for (let at = json.indexOf(opener); at !== -1; at = json.indexOf(opener, at + 1)) {
      if (++count > limit) return true;
    }
  }
  return false;
}

/** The index of the quote that closes the string opened at `open` (the end when none does). */
function closingQuote(json: string, open: number): number {
  let quote = json.indexOf('"', open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (json.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = json.indexOf('"', quote + 1);
  }
  return json.length;
}
