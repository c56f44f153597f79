// Test helper: the public exports of an entry point as the TypeScript checker sees them, each
// with its kind (class, function, const, interface, type, enum), so a test can pin the surface.

import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root, seen from build/test/helpers/. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What kind of thing an exported name is, for the pinned list. */
function kindOf(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const flags = target.flags;
  const kinds: string[] = [];
  if (flags & ts.SymbolFlags.Class) kinds.push('class');
  else if (flags & ts.SymbolFlags.Function) kinds.push('function');
  else if (flags & ts.SymbolFlags.Variable) kinds.push('const');
  if (flags & ts.SymbolFlags.Interface) kinds.push('interface');
  if (flags & ts.SymbolFlags.TypeAlias) kinds.push('type');
  if (flags & ts.SymbolFlags.Enum) kinds.push('enum');
  const value = flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Function | ts.SymbolFlags.Variable);
  return kinds.join('+') + (value !== 0 && isTypeOnlyExport(symbol) ? ' (type only)' : '');
}

/** True for `export type { X }` of a value: the name is there for types, not at run time. */
function isTypeOnlyExport(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some(
    (declaration) =>
      ts.isExportSpecifier(declaration) &&
      (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly),
  );
}

/**
 * Reads the exports of each entry point (paths relative to the repository root).
 *
 * @param entries - e.g. `['src/index.ts', 'src/protocol/index.ts']`.
 * @returns For each entry, its export names sorted, as `name: kind` lines.
 */
export function publicExports(entries: readonly string[]): Map<string, string[]> {
  const roots = entries.map((entry) => ROOT + entry);
  const program = ts.createProgram(roots, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const result = new Map<string, string[]>();
  entries.forEach((entry, i) => {
    const source = program.getSourceFile(roots[i]);
    const module = source && checker.getSymbolAtLocation(source);
    if (module === undefined) throw new Error(`cannot read ${entry}`);
    const lines = checker
      .getExportsOfModule(module)
      .map((symbol) => `${symbol.name}: ${kindOf(symbol, checker)}`)
      .sort();
    result.set(entry, lines);
  });
  return result;
}
