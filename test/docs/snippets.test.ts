// Every ```ts block of README.md and docs/*.md must appear, line for line, inside a
// `// #region <page>` ... `// #endregion` of a test file, where the suite compiles and runs it. A
// snippet changed in the docs alone no longer matches, and this test fails until the test holds
// the same code (so the change is compiled and run too).
//
// Tests listen on free ports and reach peers at their own addresses, so a few spellings in a
// region stand for what the docs print:
//   `port: 0` and `.listen(0`                 for  `port: 8080` and `.listen(8080`
//   PORT and SECURE_PORT (constants)          for  8080 and 8443
//   `${ORIGIN}/path`, `${SECURE_ORIGIN}/path` for  'ws://127.0.0.1:8080/path', 'wss://127.0.0.1:8443/path'
//   `${HTTPS_ORIGIN}/path`                    for  'https://127.0.0.1:8443/path'
// A snippet's leading import lines cannot sit in a region (imports head a file): each name they
// import must be imported, the same way (type or value), by the test file holding the rest of
// the snippet, 'wsflow' being src/index.js there, 'wsflow/protocol' src/protocol/index.js and
// 'wsflow/testkit' src/testkit/index.js, 'wsflow/browser' src/browser/index.js, 'wsflow/redis'
// src/redis/index.js and 'wsflow/otel' src/otel/index.js.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A fenced ```ts block of a page: its leading import lines, and the code after them. */
interface Snippet {
  readonly page: string;
  readonly line: number;
  readonly imports: readonly string[];
  readonly lines: readonly string[];
}

/** A `// #region <page>` of a test file, in the spelling the docs use, and the file's imports. */
interface Region {
  readonly page: string;
  readonly file: string;
  readonly imports: readonly string[];
  readonly lines: readonly string[];
}

/** The pages whose snippets must run: README.md and every page in docs/. */
function pages(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs.sort()];
}

/** The ```ts blocks of a page, without their fences and their list indentation. */
export function snippetsOf(page: string, text: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ts\s*$/.exec(lines[i]);
    if (open === null) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j].trim() !== '```') body.push(lines[j++]);
    const code = dedent(body);
    let split = 0;
    while (split < code.length && /^(import\b|\s|\}|$)/.test(code[split])) split++;
    const rest = code.slice(split);
    while (rest.length > 0 && rest[0] === '') rest.shift();
    const imports = importsOf(code.slice(0, split).join('\n'));
    snippets.push({ page, line: i + 1, imports, lines: rest });
    i = j;
  }
  return snippets;
}

/** What an import statement brings in, as `module name` or `module type name` lines. */
export function importsOf(text: string): string[] {
  const names: string[] = [];
  const statement = /import\s+(type\s+)?(?:\{([^}]*)\}|\* as (\w+)|(\w+))\s+from\s+'([^']+)'/g;
  for (const [, allTypes, list, namespace, byDefault, from] of text.matchAll(statement)) {
    const module = from
      .replace(/^(\.\.\/)+src\/index\.js$/, 'wsflow')
      .replace(/^(\.\.\/)+src\/protocol\/index\.js$/, 'wsflow/protocol')
      .replace(/^(\.\.\/)+src\/testkit\/index\.js$/, 'wsflow/testkit')
      .replace(/^(\.\.\/)+src\/browser\/index\.js$/, 'wsflow/browser')
      .replace(/^(\.\.\/)+src\/redis\/index\.js$/, 'wsflow/redis')
      .replace(/^(\.\.\/)+src\/otel\/index\.js$/, 'wsflow/otel');
    if (namespace !== undefined) names.push(`${module} * as ${namespace}`);
    if (byDefault !== undefined) names.push(`${module} default ${byDefault}`);
    for (const item of list?.split(',') ?? []) {
      const name = item.trim().replace(/^type\s+/, '');
      if (name === '') continue;
      const isType = allTypes !== undefined || /^type\s/.test(item.trim());
      names.push(`${module} ${isType ? 'type ' : ''}${name}`);
    }
  }
  return names;
}

/** The regions of a test file, each line in the docs' spelling. */
export function regionsOf(file: string, text: string): Region[] {
  const regions: Region[] = [];
  const imports = importsOf(text);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*\/\/ #region (\S+\.md)\s*$/.exec(lines[i]);
    if (open === null) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*\/\/ #endregion\s*$/.test(lines[j])) body.push(lines[j++]);
    regions.push({ page: open[1], file, imports, lines: body.map(asDocs) });
    i = j;
  }
  return regions;
}

/** A test line as the docs print it. */
function asDocs(line: string): string {
  return line
    .replace(/\bport: 0\b/g, 'port: 8080')
    .replace(/\.listen\(0\b/g, '.listen(8080')
    .replace(/\bSECURE_PORT\b/g, '8443')
    .replace(/\bPORT\b/g, '8080')
    .replace(/`\$\{ORIGIN\}([^`$]*)`/g, "'ws://127.0.0.1:8080$1'")
    .replace(/`\$\{SECURE_ORIGIN\}([^`$]*)`/g, "'wss://127.0.0.1:8443$1'")
    .replace(/`\$\{HTTPS_ORIGIN\}([^`$]*)`/g, "'https://127.0.0.1:8443$1'");
}

/** Lines without their common indentation; blank lines become empty. */
function dedent(lines: readonly string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(common)));
}

/** True when `region` holds the snippet's code and its file imports what the snippet imports. */
function holds(region: Region, snippet: Snippet): boolean {
  if (!snippet.imports.every((name) => region.imports.includes(name))) return false;
  return snippet.lines.length === 0 || appearsIn(snippet.lines, region.lines);
}

/** True when `snippet` is a run of consecutive lines of `region`, indentation aside. */
export function appearsIn(snippet: readonly string[], region: readonly string[]): boolean {
  for (let start = 0; start + snippet.length <= region.length; start++) {
    const run = dedent(region.slice(start, start + snippet.length));
    if (run.every((line, k) => line === snippet[k])) return true;
  }
  return false;
}

/** Every .ts file under test/. */
function testFiles(dir = join(ROOT, 'test')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const regions = testFiles().flatMap((path) =>
  regionsOf(relative(ROOT, path), readFileSync(path, 'utf8')),
);

describe('every snippet in the docs runs in a test', () => {
  for (const page of pages()) {
    const snippets = snippetsOf(page, readFileSync(join(ROOT, page), 'utf8'));
    const mine = regions.filter((region) => region.page === page);
    it(`${page}: each of its ${snippets.length} snippets is in a #region ${page}`, () => {
      const missing = snippets.filter((s) => !mine.some((r) => holds(r, s)));
      const where = missing.map(
        (s) => `${page}:${s.line}\n${[...s.imports, ...s.lines].join('\n')}`,
      );
      assert.deepEqual(where, [], `not found in any test's #region ${page}`);
    });
    it(`${page}: each #region ${page} holds one of its snippets`, () => {
      const orphans = mine.filter((r) => !snippets.some((s) => holds(r, s)));
      assert.deepEqual(
        orphans.map((r) => r.file),
        [],
      );
    });
  }

  it('regions name pages that exist', () => {
    const known = new Set(pages());
    const stray = regions.filter((region) => !known.has(region.page));
    assert.deepEqual(
      stray.map((r) => `${r.file}: ${r.page}`),
      [],
    );
  });
});

describe('the snippet matcher', () => {
  it('finds a snippet among test lines, indentation aside', () => {
    const [snippet] = snippetsOf('p.md', 'text\n  ```ts\n  a();\n    b();\n  ```\n');
    assert.deepEqual(snippet.lines, ['a();', '  b();']);
    assert.equal(appearsIn(snippet.lines, ['x();', '      a();', '        b();']), true);
  });

  it('misses a snippet changed in one character', () => {
    const [snippet] = snippetsOf('p.md', '```ts\na(1);\n```\n');
    assert.equal(appearsIn(snippet.lines, ['a(2);']), false);
  });

  it('takes the leading imports apart, and maps the entry points to src/', () => {
    const [snippet] = snippetsOf(
      'p.md',
      "```ts\nimport { a, type B } from 'wsflow';\nimport type { C } from 'wsflow/protocol';\n\nrun();\n```\n",
    );
    assert.deepEqual(snippet.imports, ['wsflow a', 'wsflow type B', 'wsflow/protocol type C']);
    assert.deepEqual(snippet.lines, ['run();']);
    assert.deepEqual(importsOf("import {\n  a,\n} from '../../src/index.js';"), ['wsflow a']);
  });

  it("reads a test's free port and origin as the docs' 8080", () => {
    const [region] = regionsOf(
      't.ts',
      '// #region p.md\nserve({ port: 0 });\nopen(`${ORIGIN}/echo`, SECURE_PORT);\n// #endregion\n',
    );
    assert.deepEqual(region.lines, [
      'serve({ port: 8080 });',
      "open('ws://127.0.0.1:8080/echo', 8443);",
    ]);
  });
});
