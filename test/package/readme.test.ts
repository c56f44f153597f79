// README.md as the npm page shows it: npm renders the README alone, without the repository's other
// files, so every link in it must be absolute (or an anchor of the README itself), and the links
// into this repository must name files that exist. The package.json fields the page shows are set.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HOME = 'https://github.com/wsflow/wsflow';
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
  string,
  unknown
>;

/** The targets of the Markdown links and images of a text, outside code blocks. */
function linkTargets(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]);
}

describe('README.md on the npm page', () => {
  it('links only to absolute URLs or its own anchors', () => {
    const relative = linkTargets(readme).filter(
      (target) => !/^https?:\/\//.test(target) && !target.startsWith('#'),
    );
    assert.deepEqual(relative, []);
  });

  it('links into the repository only to files that exist (pages, and images as /raw/)', () => {
    const inRepository = /^https:\/\/github\.com\/wsflow\/wsflow\/(?:blob|raw)\/main\/([^#]+)/;
    const targets = linkTargets(readme).filter((target) => inRepository.test(target));
    assert.ok(
      targets.some((target) => target.includes('/raw/main/')),
      'the demo screenshot',
    );
    const missing = targets
      .map((target) => inRepository.exec(target)![1])
      .filter((path) => !existsSync(join(ROOT, path)));
    assert.deepEqual(missing, []);
  });

  it('has the package fields npm shows beside it', () => {
    assert.equal(manifest.homepage, `${HOME}#readme`);
    assert.deepEqual(manifest.repository, { type: 'git', url: `git+${HOME}.git` });
    assert.deepEqual(manifest.bugs, { url: `${HOME}/issues` });
    assert.equal(manifest.license, 'MIT');
    assert.ok(existsSync(join(ROOT, 'LICENSE')));
    assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.includes('websocket'));
    // Every peer is optional: the core has no dependency; a Redis client only for wsflow/redis,
    // the OpenTelemetry API only for wsflow/otel.
    assert.deepEqual(manifest.peerDependenciesMeta, {
      '@opentelemetry/api': { optional: true },
      bufferutil: { optional: true },
      ioredis: { optional: true },
      redis: { optional: true },
    });
  });
});
