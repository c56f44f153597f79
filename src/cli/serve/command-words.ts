// Command line, `wsflow serve --exec`: the command string split into words as a shell would
// split simple words ('single', "double" quotes, backslash), with no expansion: the command is
// run directly, not through a shell (as websocketd runs it).

import { UsageError } from '../usage-error.js';

/**
 * Splits a command line into words.
 *
 * @param line - E.g. `./count.sh --from 1 "two words"`.
 * @returns The words, e.g. `['./count.sh', '--from', '1', 'two words']`.
 * @throws {UsageError} For an unclosed quote.
 */
export function commandWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word = (word ?? '') + char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]))
        word = (word ?? '') + line[++i];
      else word = (word ?? '') + char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (char === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (quote !== undefined) throw new UsageError(`--exec: unclosed ${quote} in '${line}'`, 'serve');
  if (word !== undefined) words.push(word);
  return words;
}
