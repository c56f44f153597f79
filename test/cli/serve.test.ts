// `wsflow serve` run as a user runs it, driven by the library's client: echo, broadcast between
// two clients, a program per connection (cat, a shell script that counts, its environment, its
// end), static files, TLS with a certificate made for the test, and the lines on stderr.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClientCloseEvent, openWebSocket } from '../../src/index.js';
import { makeCertificate } from '../helpers/tls.js';
import type { TlsMaterial } from '../helpers/tls.js';
import { scriptFromDocs, startServer } from './support.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wsflow-cli-serve-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an executable shell script into the test's directory. */
function script(name: string, body: string, shebang = '#!/bin/sh\n'): string {
  const path = join(dir, name);
  writeFileSync(path, `${shebang}${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('wsflow serve', () => {
  it('echoes by default, and logs each connection on stderr', async () => {
    const server = await startServer();
    assert.match(server.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    const socket = await openWebSocket(`${server.url}/room?x=1`);
    await socket.send('hello');
    assert.equal(await socket.receiveText(), 'hello');
    await socket.send(Uint8Array.of(1, 2, 3));
    assert.deepEqual([...(await socket.receiveBinary())], [1, 2, 3]);
    await socket.close();
    assert.match(
      (await server.stderr.next()) ?? '',
      /^wsflow: 127\.0\.0\.1:\d+ connected to \/room\?x=1$/,
    );
    assert.match(
      (await server.stderr.next()) ?? '',
      /^wsflow: 127\.0\.0\.1:\d+ closed 1000 \(peer\)$/,
    );
    assert.equal(await server.stop(), 0);
  });

  it('--quiet: no line per connection', async () => {
    const server = await startServer(['--quiet']);
    const socket = await openWebSocket(server.url);
    await socket.close();
    assert.equal(await server.stop(), 0);
    assert.equal(server.stderr.all.length, 1, server.stderr.all.join('\n')); // "listening on"
  });

  it('--broadcast: a message from one client reaches both', async () => {
    const server = await startServer(['--broadcast', '--quiet']);
    const alice = await openWebSocket(server.url);
    const bob = await openWebSocket(server.url);
    await alice.send('from alice');
    assert.equal(await bob.receiveText(), 'from alice');
    assert.equal(await alice.receiveText(), 'from alice');
    await bob.send('from bob');
    assert.equal(await alice.receiveText(), 'from bob');
    assert.equal(await bob.receiveText(), 'from bob');
    await Promise.all([alice.close(), bob.close()]);
    assert.equal(await server.stop(), 0);
  });

  it('--exec cat: messages become its stdin lines, its stdout lines become messages', async () => {
    const server = await startServer(['--exec', 'cat', '--quiet']);
    const socket = await openWebSocket(server.url);
    await socket.send('one');
    await socket.send('two');
    assert.equal(await socket.receiveText(), 'one');
    assert.equal(await socket.receiveText(), 'two');
    const outcome = await socket.close();
    assert.equal(outcome.code, 1000);
    assert.equal(await server.stop(), 0);
  });

  it('--exec a script that counts: the socket closes (1000) when it exits', async () => {
    const count = script('count.sh', scriptFromDocs('#!/bin/sh\n# count.sh'), ''); // docs/cli.md's
    const server = await startServer(['--exec', count, '--quiet']);
    const socket = await openWebSocket(server.url);
    for (const word of ['a', 'b', 'c']) await socket.send(word);
    assert.equal(await socket.receiveText(), '1: a');
    assert.equal(await socket.receiveText(), '2: b');
    assert.equal(await socket.receiveText(), '3: c');
    const end = await socket.receive();
    assert.ok(end instanceof ClientCloseEvent);
    assert.equal(end.code, 1000);
    assert.equal(await server.stop(), 0);
  });

  it('--exec: a failing exit closes with 1011 and its status', async () => {
    const fails = script('fails.sh', 'echo bye; exit 3');
    const server = await startServer(['--exec', fails, '--quiet']);
    const socket = await openWebSocket(server.url);
    assert.equal(await socket.receiveText(), 'bye');
    const end = await socket.receive();
    assert.ok(end instanceof ClientCloseEvent);
    assert.deepEqual([end.code, end.reason], [1011, 'exit status 3']);
    assert.equal(await server.stop(), 0);
  });

  it('--exec: the process is ended when the socket closes', async () => {
    const marker = join(dir, 'ended');
    // Prints its pid, then waits on stdin forever; a trap notes its end.
    const waits = script(
      'waits.sh',
      `trap 'echo ended > ${marker}; exit 0' TERM\necho $$\nwhile :; do sleep 1 & wait $!; done`,
    );
    const server = await startServer(['--exec', waits]);
    const socket = await openWebSocket(server.url);
    const pid = Number(await socket.receiveText());
    assert.ok(pid > 0);
    await socket.close();
    await server.stderr.find(/closed 1000/);
    // Bounded: the server sends SIGTERM at once and SIGKILL 2 s later.
    while (isRunning(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await server.stop(), 0);
  });

  it("--exec: the request in websocketd's environment variables", async () => {
    const env = script(
      'env.sh',
      'echo "$REQUEST_METHOD $SCRIPT_NAME $QUERY_STRING $REMOTE_ADDR $SERVER_PORT $HTTP_X_TOKEN $GATEWAY_INTERFACE"',
    );
    const server = await startServer(['--exec', env, '--quiet']);
    const port = new URL(server.url).port;
    const socket = await openWebSocket({
      url: `${server.url}/path/to?a=1&b=2`,
      extraHeaders: { 'X-Token': 'abc' },
    });
    assert.equal(
      await socket.receiveText(),
      `GET /path/to a=1&b=2 127.0.0.1 ${port} abc websocketd-CGI/0.1`,
    );
    assert.equal(await server.stop(), 0);
  });

  it('--exec: a program that cannot run closes the connection with 1011 and is logged', async () => {
    const server = await startServer(['--exec', join(dir, 'no-such-program')]);
    const socket = await openWebSocket(server.url);
    const end = await socket.receive();
    assert.ok(end instanceof ClientCloseEvent);
    assert.equal(end.code, 1011);
    await server.stderr.find(/cannot run .*no-such-program: ENOENT/);
    assert.equal(await server.stop(), 0);
  });

  it('--static: files beside the sockets; nothing outside the directory', async () => {
    const site = join(dir, 'site');
    mkdirSync(site);
    writeFileSync(join(site, 'index.html'), '<h1>hi</h1>');
    const server = await startServer(['--static', site, '--quiet']);
    const http = server.url.replace('ws:', 'http:');
    const page = await fetch(`${http}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await page.text(), '<h1>hi</h1>');
    assert.equal((await fetch(`${http}/missing.txt`)).status, 404);
    assert.equal((await fetch(`${http}/..%2F..%2Fetc%2Fpasswd`)).status, 404);
    const socket = await openWebSocket(server.url);
    await socket.send('still a socket');
    assert.equal(await socket.receiveText(), 'still a socket');
    await socket.close();
    assert.equal(await server.stop(), 0);
  });

  it('without --static, a plain request is answered 426', async () => {
    const server = await startServer(['--quiet']);
    const response = await fetch(server.url.replace('ws:', 'http:'));
    assert.equal(response.status, 426);
    assert.equal(response.headers.get('upgrade'), 'websocket');
    assert.equal(await server.stop(), 0);
  });

  describe('TLS', () => {
    let tls: TlsMaterial;
    before(() => (tls = makeCertificate()));
    after(() => tls.dispose());

    it('--tls-cert and --tls-key: wss:// and https:// for --static', async () => {
      const server = await startServer([
        '--tls-cert',
        tls.certPath,
        '--tls-key',
        tls.keyPath,
        '--static',
        dir,
        '--quiet',
      ]);
      assert.match(server.url, /^wss:\/\/127\.0\.0\.1:\d+$/);
      const socket = await openWebSocket({ url: server.url, tls: { ca: tls.cert } });
      await socket.send('secure');
      assert.equal(await socket.receiveText(), 'secure');
      await socket.close();
      const status = await new Promise<number | undefined>((resolve, reject) =>
        get(`${server.url.replace('wss:', 'https:')}/count.sh`, { ca: tls.cert }, (response) => {
          response.resume();
          resolve(response.statusCode);
        }).on('error', reject),
      );
      assert.equal(status, 200);
      assert.equal(await server.stop(), 0);
    });
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
