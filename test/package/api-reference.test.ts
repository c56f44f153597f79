// The API reference (`npm run docs:api`) builds from the TSDoc of both entry points without a
// warning: every type the public API mentions is exported and documented where it is declared.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TYPEDOC = join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');

describe('the API reference', () => {
  it('builds from typedoc.json with no warning', async () => {
    const out = mkdtempSync(join(tmpdir(), 'wsflow-api-'));
    try {
      // typedoc.json sets treatWarningsAsErrors: a warning fails the build.
      const result = await run(process.execPath, [TYPEDOC, '--out', out], {
        cwd: ROOT,
        timeout: 120_000,
      }).catch((error: { stdout?: string; stderr?: string }) => {
        assert.fail(`typedoc failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      });
      assert.doesNotMatch(result.stdout + result.stderr, /warning/i);
      assert.ok(existsSync(join(out, 'index.html')));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
