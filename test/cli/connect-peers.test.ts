// `wsflow connect` in pipe mode against three servers: wsflow's own, ws and python-websockets
// (test/client/peers.ts), over ws:// and wss://. Each test writes a line, reads the answer, then
// ends stdin and checks the exit code a script would see.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PEERS, startPeer } from '../client/peers.js';
import type { Peer } from '../client/peers.js';
import { makeCertificate } from '../helpers/tls.js';
import type { TlsMaterial } from '../helpers/tls.js';
import { runCli, startCli } from './support.js';

for (const name of PEERS) {
  describe(`wsflow connect against ${name}`, () => {
    let tls: TlsMaterial;
    let peer: Peer;

    before(async () => {
      tls = makeCertificate();
      peer = await startPeer(name, tls);
    });
    after(async () => {
      await peer.close();
      tls.dispose();
    });

    it('pipe mode: a line out, the echo back as a line, exit 0 after stdin ends', async () => {
      const cli = startCli(['connect', peer.url('ws', '/echo')]);
      cli.send('hello');
      assert.equal(await cli.stdout.next(), 'hello');
      cli.send('wörld');
      assert.equal(await cli.stdout.next(), 'wörld');
      cli.child.stdin.end();
      assert.equal(await cli.exited, 0);
      assert.equal(await cli.stdout.next(), undefined);
    });

    it('pipe mode with stdin already ended: every line is answered before the close', async () => {
      // The lines and the end of input arrive together: the CLI makes sure the server read them
      // (a ping's pong) before its Close, which a server may otherwise read in the same go (a
      // wsflow server answers such lines first; python-websockets drops them).
      const result = await runCli(['connect', peer.url('ws', '/echo')], 'one\ntwo\nthree\n');
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'one\ntwo\nthree\n');
    });

    it('prints what the server sends first, and exits 0 after the server closes with 1000', async () => {
      const cli = startCli(['connect', peer.url('ws', '/feed/2')]);
      assert.equal(await cli.stdout.next(), 'item 0');
      assert.equal(await cli.stdout.next(), 'item 1');
      assert.equal(await cli.exited, 0);
    });

    it('--show-control: the close code and reason on stderr', async () => {
      const result = await runCli(['connect', '--show-control', peer.url('ws', '/feed/1')]);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, 'item 0\n');
      assert.match(result.stderr, /^close 1000 "feed done" \(peer\)$/m);
    });

    it("--show-control: the server's ping, answered", async () => {
      const cli = startCli(['connect', '--show-control', peer.url('ws', '/ping')]);
      assert.equal(await cli.stdout.next(), 'pong: are you there');
      assert.equal(await cli.stderr.next(), `ping ${Buffer.from('are you there').toString('hex')}`);
      cli.child.stdin.end();
      assert.equal(await cli.exited, 0);
    });

    it('exit 4 for a rejected handshake, with the status and the body on stderr', async () => {
      const result = await runCli(['connect', peer.url('ws', '/missing')]);
      assert.equal(result.code, 4);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^wsflow: rejected: HTTP 404$/m);
      assert.match(result.stderr, /^Not Found: \/missing$/m);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    });

    it('--auth sends Basic credentials; without them the server answers 401 (exit 4)', async () => {
      const refused = await runCli(['connect', peer.url('ws', '/auth/echo')]);
      assert.equal(refused.code, 4);
      assert.match(refused.stderr, /rejected: HTTP 401/);
      const cli = startCli(['connect', '--auth', 'user:pass', peer.url('ws', '/auth/echo')]);
      cli.send('let me in');
      assert.equal(await cli.stdout.next(), 'let me in');
      cli.child.stdin.end();
      assert.equal(await cli.exited, 0);
    });

    it('-H adds headers; --json reports the open, each message and the close', async () => {
      const cli = startCli([
        'connect',
        '--json',
        '-H',
        'X-Trace: abc 123',
        '-H',
        'X-Other: 2',
        '-s',
        'chat',
        peer.url('ws', '/headers'),
      ]);
      const open = JSON.parse((await cli.stdout.next()) ?? '') as Record<string, unknown>;
      assert.deepEqual(
        { event: open.event, subprotocol: open.subprotocol },
        { event: 'open', subprotocol: 'chat' },
      );
      const message = JSON.parse((await cli.stdout.next()) ?? '') as { type: string; text: string };
      assert.equal(message.type, 'text');
      const headers = JSON.parse(message.text) as Record<string, string>;
      assert.equal(headers['x-trace'], 'abc 123');
      assert.equal(headers['x-other'], '2');
      cli.child.stdin.end();
      const close = JSON.parse((await cli.stdout.next()) ?? '') as Record<string, unknown>;
      assert.deepEqual(close, {
        event: 'close',
        code: 1000,
        reason: '',
        wasClean: true,
        closedBy: 'local',
        cause: {
          kind: 'local',
          phase: 'open',
          sent: { code: 1000, reason: '' },
          received: { code: 1000, reason: '' },
        },
      });
      assert.equal(await cli.exited, 0);
    });

    it('wss:// with --ca trusts the certificate; without it the connection fails (exit 3)', async () => {
      const untrusted = await runCli(['connect', peer.url('wss', '/echo')]);
      assert.equal(untrusted.code, 3);
      assert.match(untrusted.stderr, /^wsflow: wss:\/\/127\.0\.0\.1:\d+\/echo: .*certificate/m);
      for (const trust of [['--ca', tls.certPath], ['--insecure']]) {
        const cli = startCli(['connect', ...trust, peer.url('wss', '/echo')]);
        cli.send('secret');
        assert.equal(await cli.stdout.next(), 'secret');
        cli.child.stdin.end();
        assert.equal(await cli.exited, 0);
      }
    });
  });
}
