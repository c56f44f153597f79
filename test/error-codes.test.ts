// One table of stable error codes: ErrorCode holds every code of every layer, docs/errors.md lists
// exactly those, and no other module of src/ spells a code out.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { BrowserErrorCode } from '../src/browser/index.js';
import { ErrorCode, HandshakeErrorCode } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CODE = /WSFLOW_ERR_[A-Z0-9_]+/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The string literals of a module that hold an error code (comments do not count). */
function codeLiterals(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) && node.text.match(CODE)) found.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('error codes', () => {
  const codes = Object.values(ErrorCode) as string[];

  it('are unique, and each one is WSFLOW_ERR_<WHAT>', () => {
    assert.equal(new Set(codes).size, codes.length);
    for (const code of codes) assert.match(code, /^WSFLOW_ERR_[A-Z0-9_]+$/);
  });

  it('are all listed in docs/errors.md, and the page lists no other', () => {
    const page = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
    const documented = new Set(page.match(CODE));
    assert.deepEqual(
      codes.filter((code) => !documented.has(code)),
      [],
      'codes missing from docs/errors.md',
    );
    assert.deepEqual(
      [...documented].filter((code) => !codes.includes(code)),
      [],
      'codes in docs/errors.md that ErrorCode lacks',
    );
  });

  it('has HandshakeErrorCode as a part of the one table', () => {
    for (const code of Object.values(HandshakeErrorCode)) assert.ok(codes.includes(code), code);
  });

  it('has BrowserErrorCode as a part of the one table, under the same names', () => {
    for (const [name, code] of Object.entries(BrowserErrorCode)) {
      assert.equal((ErrorCode as Record<string, string>)[name], code, name);
    }
  });

  it('are spelled out only in src/error-codes.ts', () => {
    const elsewhere = sourceFiles(join(ROOT, 'src'))
      .filter((path) => !path.endsWith(join('src', 'error-codes.ts')))
      .flatMap((path) => codeLiterals(path).map((code) => `${path.slice(ROOT.length)}: ${code}`));
    assert.deepEqual(elsewhere, []);
  });
});
