// Public text names the projects wsflow follows (Akka HTTP, Play, sttp), never internal labels
// such as "seed 000": users have no such thing to look up.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const INTERNAL_LABEL = /\bseeds? ?\d{3}\b|\(seeds? \d/i;

/** Every file under `dir` (relative to the root) whose name ends with one of `endings`. */
function filesUnder(dir: string, endings: readonly string[]): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return filesUnder(path, endings);
    return endings.some((ending) => name.endsWith(ending)) ? [path] : [];
  });
}

describe('public text', () => {
  it('names no internal labels ("seed 000") in the docs, the code, the tests or the examples', () => {
    const files = [
      'README.md',
      'CHANGELOG.md',
      'ARCHITECTURE.md',
      'package.json',
      ...filesUnder('docs', ['.md']),
      ...['src', 'examples', 'test', 'interop', 'bench', 'fuzz', 'scripts'].flatMap((dir) =>
        filesUnder(dir, ['.ts', '.mjs', '.html', '.py']),
      ),
    ].filter((file) => file !== join('test', 'docs', 'public-text.test.ts'));
    const hits = files.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          INTERNAL_LABEL.test(line) ? [`${relative('.', file)}:${i + 1}`] : [],
        ),
    );
    assert.deepEqual(hits, []);
  });
});
