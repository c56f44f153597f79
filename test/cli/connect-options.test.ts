// `wsflow connect`'s options that change what is sent and shown: --hex, --base64, --binary,
// --json for binary messages, --no-compress, --ping-interval, --reconnect.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectionClosed, echo, serve } from '../../src/index.js';
import type { Message, WebSocketServer } from '../../src/index.js';
import { startPeer } from '../client/peers.js';
import { makeCertificate } from '../helpers/tls.js';
import { startCli } from './support.js';

describe('wsflow connect options', () => {
  let server: WebSocketServer;
  before(async () => {
    server = await serve({ port: 0, flow: echo() });
  });
  after(() => server.close());

  it('--hex: hex lines go out as binary messages, binary messages come back as hex', async () => {
    const cli = startCli(['connect', '--hex', server.url]);
    cli.send('00ff10');
    assert.equal(await cli.stdout.next(), '00ff10');
    cli.send('not hex');
    assert.equal(await cli.stderr.next(), "wsflow: not sent: not hex: 'not hex'");
    cli.send('DE AD');
    assert.equal(await cli.stdout.next(), 'dead');
    cli.child.stdin.end();
    assert.equal(await cli.exited, 0);
  });

  it('--base64: base64 lines go out as binary, binary comes back as base64', async () => {
    const cli = startCli(['connect', '--base64', server.url]);
    cli.send('AQID');
    assert.equal(await cli.stdout.next(), 'AQID');
    cli.child.stdin.end();
    assert.equal(await cli.exited, 0);
  });

  it('--binary: a line goes out as a binary message of its bytes, and comes back raw', async () => {
    const cli = startCli(['connect', '--binary', '--json', server.url]);
    assert.match((await cli.stdout.next()) ?? '', /"event":"open"/);
    cli.send('héllo');
    const event = JSON.parse((await cli.stdout.next()) ?? '') as Record<string, string>;
    assert.deepEqual(event, {
      event: 'message',
      type: 'binary',
      base64: Buffer.from('héllo').toString('base64'),
    });
    cli.child.stdin.end();
    assert.equal(await cli.exited, 0);
    const raw = startCli(['connect', '--binary', server.url]);
    raw.send('raw bytes');
    assert.equal(await raw.stdout.next(), 'raw bytes');
    raw.child.stdin.end();
    assert.equal(await raw.exited, 0);
  });

  it('--no-compress: permessage-deflate is not offered (the default offers it)', async () => {
    const tls = makeCertificate();
    const ws = await startPeer('ws', tls);
    try {
      const extensionsWith = async (args: string[]): Promise<unknown> => {
        const cli = startCli(['connect', '--json', ...args, ws.url('ws', '/echo')]);
        const open = JSON.parse((await cli.stdout.next()) ?? '') as { extensions: unknown };
        cli.child.stdin.end();
        assert.equal(await cli.exited, 0);
        return open.extensions;
      };
      assert.deepEqual(await extensionsWith([]), ['permessage-deflate']);
      assert.deepEqual(await extensionsWith(['--compress']), ['permessage-deflate']);
      assert.deepEqual(await extensionsWith(['--no-compress']), []);
    } finally {
      await ws.close();
      tls.dispose();
    }
  });

  it('--ping-interval with --show-control: pings go out on an idle connection, pongs come back', async () => {
    const cli = startCli(['connect', '--ping-interval', '50ms', '--show-control', server.url]);
    assert.equal(await cli.stderr.next(), 'pong');
    cli.child.stdin.end();
    assert.equal(await cli.exited, 0);
  });

  it('SIGINT in pipe mode: lines still waiting are dropped, it closes with 1000 and exits 0', async () => {
    const cli = startCli(['connect', '--show-control', server.url]);
    cli.send('before');
    assert.equal(await cli.stdout.next(), 'before');
    cli.child.kill('SIGINT'); // stdin stays open
    assert.equal(await cli.exited, 0);
    assert.match(cli.stderr.all.join('\n'), /^close 1000/m);
  });

  it('--reconnect: a lost connection is made again, and lines go on to the new one', async () => {
    let connections = 0;
    const flaky = await serve({
      port: 0,
      flow: async function* (incoming: AsyncIterable<Message>) {
        connections++;
        if (connections === 1) {
          yield 'first';
          throw new ConnectionClosed({ code: 1011, reason: 'restarting' });
        }
        yield 'second';
        yield* incoming;
      },
    });
    const cli = startCli(['connect', '--reconnect', flaky.url]);
    assert.equal(await cli.stdout.next(), 'first');
    assert.equal(await cli.stdout.next(), 'second');
    cli.send('still here');
    assert.equal(await cli.stdout.next(), 'still here');
    cli.child.stdin.end();
    assert.equal(await cli.exited, 0);
    assert.match(cli.stderr.all.join('\n'), /connection closed: 1011 "restarting"/);
    assert.match(cli.stderr.all.join('\n'), /reconnecting in \d+ ms \(attempt 1\)/);
    await flaky.close();
  });
});
