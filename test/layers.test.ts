// The layers of src/, read from the code's own imports: no import cycle between files, and no
// import that runs up or sideways against the order below. ARCHITECTURE.md draws the same order;
// change both together.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The floors of src/, bottom up: a module may import from its own folder and from any lower
 * floor; folders on one floor are siblings and never import each other. A folder is named by its
 * first path segment under src/ (a top-level file by its file name).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['error-codes.ts', 'resume-wire.ts'],
  // browser/ stands on the ground floor alone: it runs in pages, so it takes nothing from the
  // Node layers (tsconfig.browser.json builds it without Node's types, too).
  ['time', 'util', 'errors.ts', 'browser'],
  ['codec'],
  ['protocol'],
  ['extensions', 'http', 'message'],
  ['flow'],
  ['connection', 'transform'],
  ['client', 'server'],
  ['routing', 'hub'],
  ['actor', 'redis'],
  ['index.ts', 'testkit'],
  ['cli', 'otel'],
];

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Each file of src/ (relative, with `/`) → the files of src/ it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((ref) => ref.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => toKey(resolve(dirname(file), name).replace(/\.js$/, '.ts')));
    graph.set(toKey(file), targets);
  }
  return graph;
}

function toKey(path: string): string {
  return relative(SRC, path).split('\\').join('/');
}

function unitOf(file: string): string {
  return file.split('/')[0];
}

function floorOf(unit: string): number {
  const floor = LAYERS.findIndex((units) => units.includes(unit));
  assert.notEqual(
    floor,
    -1,
    `src/${unit} is on no floor of LAYERS: add it (and to ARCHITECTURE.md)`,
  );
  return floor;
}

/** Every import that goes to a higher floor, or sideways to a sibling folder. */
function importsAgainstTheOrder(graph: Map<string, string[]>): string[] {
  const wrong: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const from = unitOf(file);
      const to = unitOf(target);
      if (from !== to && floorOf(to) >= floorOf(from)) wrong.push(`${file} -> ${target}`);
    }
  }
  return wrong;
}

/** Each cycle found by a depth-first walk, as the files along it. */
function importCycles(graph: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): void => {
    const at = path.indexOf(file);
    if (at !== -1) {
      cycles.push([...path.slice(at), file].join(' -> '));
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const target of graph.get(file) ?? []) visit(target);
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return cycles;
}

describe('layers of src/', () => {
  const graph = importGraph();

  it('reads every module and resolves every relative import to a file of src/', () => {
    assert.ok(graph.size > 50, `only ${graph.size} files read from ${SRC}`);
    const missing = [...graph.values()].flat().filter((target) => !graph.has(target));
    assert.deepEqual(missing, []);
  });

  it('has no import cycle', () => {
    assert.deepEqual(importCycles(graph), []);
  });

  it('has no import that runs up or sideways against the layer order', () => {
    assert.deepEqual(importsAgainstTheOrder(graph), []);
  });

  it('finds a cycle and an upward import when there is one (the checks can fail)', () => {
    const bad = new Map([
      ['codec/a.ts', ['connection/b.ts']],
      ['connection/b.ts', ['codec/a.ts']],
    ]);
    assert.deepEqual(importCycles(bad), ['codec/a.ts -> connection/b.ts -> codec/a.ts']);
    assert.deepEqual(importsAgainstTheOrder(bad), ['codec/a.ts -> connection/b.ts']);
  });
});
