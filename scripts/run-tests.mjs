// Runs every compiled test file (build/**/*.test.js) with node's test runner, two at a time.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const roots = ['build/test', 'build/interop', 'build/fuzz'];
const only = process.argv.slice(2);

function findTests(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const files = roots
  .flatMap(findTests)
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files found; run the build first');
  process.exit(1);
}
console.log(
  `run-tests: ${files.length} files: ${files.map((f) => relative('build', f)).join(' ')}`,
);
/** Runs test files with node's test runner, two at a time; a test that hangs fails at `timeoutMs`. */
function run(group, timeoutMs) {
  if (group.length === 0) return 0;
  const result = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-concurrency=2',
      `--test-timeout=${timeoutMs}`,
      '--test-reporter=spec',
      ...group,
    ],
    { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
  );
  return result.status ?? 1;
}

// The packed-package files pack the package and install it into consumer projects: on a loaded
// machine that takes more than the 2 minutes after which any other test is taken to hang.
const isPackageTest = (file) => relative('build', file).startsWith(join('test', 'package'));
const status = Math.max(
  run(
    files.filter((file) => !isPackageTest(file)),
    120_000,
  ),
  run(files.filter(isPackageTest), 360_000),
);
process.exit(status);
