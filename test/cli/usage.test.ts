// `wsflow` as a user first meets it: --help on every command, --version, and mistakes answered
// with one line and exit 2, never a stack trace.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './support.js';

const VERSION = (
  JSON.parse(
    readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8'),
  ) as {
    version: string;
  }
).version;

/** One line on stderr, naming the help to read, and no stack trace. */
function assertOneLine(stderr: string, pattern: RegExp): void {
  assert.equal(stderr.split('\n').filter(Boolean).length, 1, stderr);
  assert.match(stderr, pattern);
  assert.doesNotMatch(stderr, /\n\s+at |Error:/);
}

describe('wsflow usage', () => {
  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-v']) {
      const result = await runCli([flag]);
      assert.deepEqual(result, { code: 0, stdout: `${VERSION}\n`, stderr: '' });
    }
  });

  it('--help of each command names its options and gives examples', async () => {
    const main = await runCli(['--help']);
    assert.equal(main.code, 0);
    assert.match(main.stdout, /connect URL/);
    assert.match(main.stdout, /Examples:/);
    const connect = await runCli(['connect', '--help']);
    assert.equal(connect.code, 0);
    for (const option of ['--header', '--subprotocol', '--hex', '--json', '--reconnect', '--ca']) {
      assert.ok(connect.stdout.includes(option), option);
    }
    assert.match(connect.stdout, /Examples:\n {2}wsflow connect/);
    const serve = await runCli(['serve', '-h']);
    assert.equal(serve.code, 0);
    for (const option of ['--broadcast', '--exec', '--static', '--tls-cert', '--quiet']) {
      assert.ok(serve.stdout.includes(option), option);
    }
    assert.match(serve.stdout, /Examples:\n {2}wsflow serve/);
  });

  it('no command prints the help on stderr and exits 2', async () => {
    const result = await runCli([]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^Usage: wsflow/);
  });

  it('mistakes: one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command 'frobnicate' \(see 'wsflow --help'\)/],
      [['--frob'], /unknown option '--frob'/],
      [['connect'], /connect: missing URL \(see 'wsflow connect --help'\)/],
      [['connect', '--frob', 'ws://127.0.0.1:1'], /Unknown option '--frob'/],
      [['connect', 'ws://a', 'ws://b'], /one URL expected, got 2/],
      [['connect', 'ftp://127.0.0.1/'], /expected a ws:\/\/ or wss:\/\/ URL/],
      [['connect', 'ws://[::1'], /not a URL/],
      [['connect', 'ws://127.0.0.1/#top'], /no fragment/],
      [['connect', '-H', 'no colon', 'ws://127.0.0.1:1'], /-H: expected 'Name: value'/],
      [
        ['connect', '--connect-timeout', 'soon', 'ws://127.0.0.1:1'],
        /--connect-timeout: expected a duration/,
      ],
      [
        ['connect', '--hex', '--base64', 'ws://127.0.0.1:1'],
        /--hex and --base64 exclude each other/,
      ],
      [
        ['connect', '--ca', '/nonexistent.pem', 'wss://127.0.0.1:1'],
        /--ca: cannot read '\/nonexistent.pem': ENOENT/,
      ],
      [['serve', '--port', '70000'], /--port: expected a whole number from 0 to 65535/],
      [['serve', '--echo', '--broadcast'], /--echo and --broadcast exclude each other/],
      [['serve', '--exec', "sh -c 'unclosed"], /--exec: unclosed '/],
      [['serve', '--static', '/nonexistent'], /--static: not a directory/],
      [['serve', '--tls-cert', 'cert.pem'], /--tls-cert and --tls-key go together/],
      [['serve', 'extra'], /unexpected argument 'extra'/],
      [['serve', '--ping-timeout', '5s'], /--ping-timeout needs --ping-interval/],
      [
        ['connect', '--ping-timeout', '5s', 'ws://127.0.0.1:1'],
        /--ping-timeout needs --ping-interval/,
      ],
      [['serve', '--ping-interval', 'often'], /--ping-interval: expected a duration/],
    ];
    for (const [args, pattern] of cases) {
      const result = await runCli(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stdout, '');
      assertOneLine(result.stderr, pattern);
    }
  });
});
