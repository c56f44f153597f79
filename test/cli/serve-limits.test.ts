// `wsflow serve`'s liveness, limit and compression options, seen from the library's client:
// --max-message-size (1009), --idle-timeout (1001), --max-connections (503), --ping-interval,
// --compress, --memory-budget, and an explicit --echo.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ClientCloseEvent,
  HandshakeError,
  openWebSocket,
  openWebSocketWithListener,
} from '../../src/index.js';
import { maskedFrame, rawUpgrade } from '../server/support.js';
import { startServer } from './support.js';

describe('wsflow serve limits and liveness', () => {
  it('--max-message-size: a larger message closes the connection with 1009', async () => {
    const server = await startServer(['--echo', '--max-message-size', '1k', '--quiet']);
    const socket = await openWebSocket(server.url);
    await socket.send('x'.repeat(1024));
    assert.equal((await socket.receiveText()).length, 1024);
    await socket.send('x'.repeat(1025));
    const end = await socket.receive();
    assert.ok(end instanceof ClientCloseEvent);
    assert.equal(end.code, 1009);
    assert.equal(await server.stop(), 0);
  });

  it('--idle-timeout: a silent connection is closed with 1001', async () => {
    const server = await startServer(['--idle-timeout', '100ms', '--quiet']);
    const socket = await openWebSocket(server.url);
    const end = await socket.receive();
    assert.ok(end instanceof ClientCloseEvent);
    assert.deepEqual([end.code, end.reason], [1001, 'idle timeout']);
    assert.equal(await server.stop(), 0);
  });

  it('--max-connections: one more upgrade is answered 503', async () => {
    const server = await startServer(['--max-connections', '1', '--quiet']);
    const first = await openWebSocket(server.url);
    await assert.rejects(openWebSocket(server.url), (error: unknown) => {
      assert.ok(error instanceof HandshakeError);
      assert.equal(error.status, 503);
      return true;
    });
    await first.close();
    assert.equal(await server.stop(), 0);
  });

  it('--memory-budget: a client that sends and never reads is shed, and the line says why', async () => {
    const server = await startServer(['--memory-budget', '256k']);
    const port = Number(new URL(server.url).port);
    const { socket } = await rawUpgrade(port); // paused: it never reads the echoes
    // 1 MiB messages: once the kernel's buffers are full, one echo waiting is past the budget.
    const message = maskedFrame(2, new Uint8Array(1 << 20));
    for (let i = 0; i < 32 && !socket.destroyed; i++) socket.write(message);
    const line = await server.stderr.find(/ closed /);
    assert.match(line, /closed \d+ .*\(.*budget memoryBudget\.bytes 262144\)$/);
    socket.destroy();
    assert.equal(await server.stop(), 0);
  });

  it('--ping-interval: an idle connection is pinged', async () => {
    const server = await startServer(['--ping-interval', '50ms', '--quiet']);
    let pinged!: () => void;
    const ping = new Promise<void>((resolve) => (pinged = resolve));
    const connection = await openWebSocketWithListener(server.url, { onPing: () => pinged() });
    await ping;
    await connection.close();
    assert.equal(await server.stop(), 0);
  });

  it('--compress: permessage-deflate is accepted when offered (and not without it)', async () => {
    for (const [args, expected] of [
      [['--compress'], ['permessage-deflate']],
      [[], []],
    ] as const) {
      const server = await startServer([...args, '--quiet']);
      const socket = await openWebSocket(server.url);
      assert.deepEqual(
        socket.response.extensions.map((offer) => offer.name),
        expected,
      );
      await socket.send('squeeze me '.repeat(100));
      assert.equal(await socket.receiveText(), 'squeeze me '.repeat(100));
      await socket.close();
      assert.equal(await server.stop(), 0);
    }
  });
});
