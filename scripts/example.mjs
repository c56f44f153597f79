// Runs one example server: `npm run example <name>`. Installs and builds first when needed
// (scripts/setup.mjs, then tsc), so it works on a fresh clone. Unknown names print the list.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = join(root, 'examples');
const built = join(root, 'build', 'examples');

/** The examples: the .ts files at the top of examples/ (examples/lib holds their helpers). */
function exampleNames() {
  return readdirSync(sources)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}

/** The newest modification time under a folder, in ms. */
function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stats = statSync(path);
    newest = Math.max(newest, stats.isDirectory() ? newestMtime(path) : stats.mtimeMs);
  }
  return newest;
}

/** True when build/examples/<name>.js is missing or older than the sources it comes from. */
function needsBuild(name) {
  const output = join(built, `${name}.js`);
  if (!existsSync(output)) return true;
  const sourceTime = Math.max(newestMtime(sources), newestMtime(join(root, 'src')));
  return statSync(output).mtimeMs < sourceTime;
}

const names = exampleNames();
const name = process.argv[2];
if (name === undefined || !names.includes(name)) {
  if (name !== undefined) console.error(`example: no example named ${JSON.stringify(name)}`);
  console.error(`usage: npm run example <name>\nexamples: ${names.join(', ')}`);
  process.exit(name === undefined ? 0 : 1);
}
if (needsBuild(name)) {
  execFileSync(process.execPath, [join(root, 'scripts', 'setup.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  } catch {
    // tsc emits even with type errors; run the example if its output is there.
    if (!existsSync(join(built, `${name}.js`))) process.exit(1);
    console.error('example: the build reported type errors; running the example anyway');
  }
}
const child = spawn(process.execPath, [join(built, `${name}.js`), ...process.argv.slice(3)], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl-C reaches the child through the terminal; pass on a SIGTERM sent to this process alone.
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => undefined);
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
