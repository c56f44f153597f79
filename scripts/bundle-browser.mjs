// Bundles wsflow/browser (src/browser/, TypeScript) into one self-contained ES module: no bare
// imports and no imports at all, so a page can load the file itself with <script type="module">.
//   node scripts/bundle-browser.mjs dist/browser/index.js     (npm run build: the package's file)
//   node scripts/bundle-browser.mjs build/browser.js          (npm run build:all: tests, examples)
//   node scripts/bundle-browser.mjs --size                    prints its size minified and gzipped
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src', 'browser', 'index.ts');
const settings = {
  entryPoints: [entry],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
};

if (process.argv[2] === '--size') {
  const result = await build({ ...settings, minify: true, write: false });
  const code = result.outputFiles[0].contents;
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`wsflow/browser: ${code.length} bytes minified, ${gzipped} bytes minified + gzip`);
} else {
  const outfile = process.argv[2];
  if (outfile === undefined) {
    console.error('usage: node scripts/bundle-browser.mjs <outfile> | --size');
    process.exit(2);
  }
  await build({
    ...settings,
    outfile: resolve(outfile),
    banner: {
      js: '// wsflow/browser: a reconnecting WebSocket client (MIT). Built from src/browser/.',
    },
  });
}
