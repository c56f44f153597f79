// The native mask helper (bufferutil) is loaded by the connection layer when the first connection
// is made, never on import of the codec or of `wsflow/protocol`. Checked in a fresh process, where
// nothing else has loaded it yet.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const PROTOCOL = new URL('../../src/protocol/index.js', import.meta.url).href;
const WSFLOW = new URL('../../src/index.js', import.meta.url).href;

/** Runs `script` (an ES module) in a fresh node and returns what it printed. */
function runFresh(script: string): string {
  const env = { ...process.env };
  delete env.WSFLOW_NO_BUFFER_UTIL;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env,
    encoding: 'utf8',
  }).trim();
}

const LOADED = `const { createRequire } = await import('node:module');
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((p) => p.includes('bufferutil'));`;

function bufferutilInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('bufferutil');
    return true;
  } catch {
    return false;
  }
}

describe('the native mask helper', () => {
  it('is not loaded by importing wsflow/protocol or wsflow', () => {
    const printed = runFresh(`${LOADED}
await import(${JSON.stringify(PROTOCOL)});
await import(${JSON.stringify(WSFLOW)});
console.log(loaded());`);
    assert.equal(printed, 'false');
  });

  it('is loaded when the first connection is made', { skip: !bufferutilInstalled() }, () => {
    const printed = runFresh(`${LOADED}
const { Connection } = await import(${JSON.stringify(WSFLOW)});
const { Duplex } = await import('node:stream');
const transport = new Duplex({ read() {}, write(_c, _e, done) { done(); } });
new Connection(transport, { side: 'server' });
console.log(loaded());
transport.destroy();`);
    assert.equal(printed, 'true');
  });
});
