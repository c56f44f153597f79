// The docs hold together: every relative link in README.md and docs/ reaches a file and, when it
// names one, a heading or anchor of it; the index (docs/README.md) links every page in docs/.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page: its headings (outside code blocks), numbered when repeated, and ids. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inCode = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) inCode = !inCode;
    if (inCode) continue;
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading !== null) {
      const base = slug(heading[1]);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const [, id] of line.matchAll(/<a id="([^"]+)"/g)) anchors.add(id);
  }
  return anchors;
}

/** The relative links of a page (outside code blocks): `[text](target)`. */
function linksOf(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, target]) => target)
    .filter((target) => !/^[a-z]+:/.test(target));
}

describe('links in the docs', () => {
  for (const page of PAGES) {
    it(`${page}: every relative link reaches its file and anchor`, () => {
      const broken: string[] = [];
      for (const link of linksOf(readFileSync(join(ROOT, page), 'utf8'))) {
        const [path, anchor] = link.split('#');
        const target = path === '' ? page : normalize(join(dirname(page), path));
        if (!existsSync(join(ROOT, target))) {
          broken.push(`${link}: no ${target}`);
        } else if (anchor !== undefined && target.endsWith('.md')) {
          const anchors = anchorsOf(readFileSync(join(ROOT, target), 'utf8'));
          if (!anchors.has(anchor)) broken.push(`${link}: no #${anchor} in ${target}`);
        }
      }
      assert.deepEqual(broken, []);
    });
  }

  it('docs/README.md links every page in docs/', () => {
    const index = linksOf(readFileSync(join(ROOT, 'docs', 'README.md'), 'utf8'));
    const linked = new Set(index.map((link) => `docs/${link.split('#')[0]}`));
    const missing = PAGES.filter((page) => page.startsWith('docs/') && page !== 'docs/README.md');
    assert.deepEqual(
      missing.filter((page) => !linked.has(page)),
      [],
    );
  });

  it('makes anchors as GitHub does', () => {
    assert.equal(
      slug('`attachWebSocket()`: beside your HTTP server'),
      'attachwebsocket-beside-your-http-server',
    );
    assert.equal(
      slug('Reading messages, and the drain rule'),
      'reading-messages-and-the-drain-rule',
    );
  });
});
