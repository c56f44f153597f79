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
const result = spawnSync(
  process.execPath,
  // A test that hangs fails after 2 minutes instead of stalling the run.
  ['--test', '--test-concurrency=2', '--test-timeout=120000', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
