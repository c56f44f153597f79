// The snippets of the topic pages (docs/compression.md, docs/keep-alive.md, docs/limits.md), run
// as written (test/docs/snippets.test.ts checks that they are the pages'), each followed by a
// client that checks what the page says.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { attachWebSocket, echo, openWebSocket, serve } from '../../src/index.js';
import type { PerMessageDeflateOptions, UpgradeHandler } from '../../src/index.js';

const TIMEOUT = { timeout: 10_000 };

describe('docs/compression.md', () => {
  it('server, per-connection and client options', TIMEOUT, async () => {
    const log: unknown[] = [];
    const console = { log: (value: unknown) => log.push(value) };
    // #region docs/compression.md
    // Server: accept what clients offer, with ws's defaults (true) or with options (the same for
    // attachWebSocket and WebSocketUpgrade.from).
    const tuned: PerMessageDeflateOptions = { threshold: 256, serverMaxWindowBits: 12 };
    const server = await serve({ port: 0, flow: echo(), perMessageDeflate: tuned });

    // Per connection, in an upgrade handler: overrides the server's option.
    const uncompressed: UpgradeHandler = (upgrade) =>
      void upgrade.handleMessages(echo(), { perMessageDeflate: false });

    // Client: on by default; options, or false not to offer it.
    const socket = await openWebSocket({
      url: server.url,
      perMessageDeflate: { clientMaxWindowBits: 12 },
    });
    console.log(socket.response.perMessageDeflate?.params); // what was agreed, or undefined
    // #endregion
    assert.equal((log[0] as { serverMaxWindowBits: number }).serverMaxWindowBits, 12);
    await socket.send('x'.repeat(1000));
    assert.equal(await socket.receiveText(), 'x'.repeat(1000));
    await socket.close();
    await server.close();
    const plain = await serve({ port: 0, handler: uncompressed, perMessageDeflate: true });
    const other = await openWebSocket(plain.url);
    assert.equal(other.response.perMessageDeflate, undefined);
    await other.close();
    await plain.close();
  });

  it('a server for many mostly idle connections', TIMEOUT, async () => {
    // #region docs/compression.md
    const idleFriendly = await serve({
      port: 0,
      flow: echo(),
      perMessageDeflate: { serverNoContextTakeover: true, clientMaxWindowBits: 10, memLevel: 4 },
    });
    // #endregion
    const socket = await openWebSocket(idleFriendly.url);
    const params = socket.response.perMessageDeflate?.params;
    assert.deepEqual([params?.serverNoContextTakeover, params?.clientMaxWindowBits], [true, 10]);
    await socket.close();
    await idleFriendly.close();
  });
});

describe('docs/keep-alive.md', () => {
  it('automatic keep-alive on a server', TIMEOUT, async () => {
    // #region docs/keep-alive.md
    let pings = 0;
    const server = await serve({
      port: 0,
      flow: echo(),
      keepAlive: {
        maxIdleMs: 20_000, // a Ping after 20 s in which the client sent nothing
        pongTimeoutMs: 10_000, // and nothing at all from it within 10 s after: it is gone
        payload: () => `debug-${++pings}`, // optional (Akka's periodic-keep-alive-data)
      },
    });
    // #endregion
    const socket = await openWebSocket(server.url);
    await socket.send('alive');
    assert.equal(await socket.receiveText(), 'alive');
    assert.equal(pings, 0); // nobody was idle for 20 s
    await socket.close();
    await server.close();
  });

  it('an idle timeout', TIMEOUT, async () => {
    // #region docs/keep-alive.md
    const server = await serve({ port: 0, flow: echo(), idleTimeoutMs: 5 * 60_000 });
    // #endregion
    const socket = await openWebSocket(server.url);
    await socket.send('busy');
    assert.equal(await socket.receiveText(), 'busy');
    await socket.close();
    await server.close();
  });
});

describe('docs/limits.md', () => {
  it("node:http's own limits set by hand beside attachWebSocket", TIMEOUT, async () => {
    const handler: UpgradeHandler = (upgrade) => void upgrade.handleMessages(echo());
    // #region docs/limits.md
    const server = http.createServer({
      headersTimeout: 10_000,
      requestTimeout: 10_000,
      maxHeaderSize: 16 * 1024,
    });
    server.maxHeadersCount = 101;
    attachWebSocket(server, handler, { maxConnections: 5000, handshakeTimeoutMs: 10_000 });
    // #endregion
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const socket = await openWebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await socket.send('limited');
    assert.equal(await socket.receiveText(), 'limited');
    await socket.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('SIGTERM closes the server gracefully', TIMEOUT, async () => {
    const server = await serve({ port: 0, flow: echo() });
    const socket = await openWebSocket(server.url);
    const before = process.listeners('SIGTERM');
    // #region docs/limits.md
    process.on('SIGTERM', async () => {
      await server.close({ timeoutMs: 5000 });
    });
    // #endregion
    const added = process.listeners('SIGTERM').filter((listener) => !before.includes(listener));
    added[0]('SIGTERM');
    process.off('SIGTERM', added[0]);
    assert.equal((await socket.closed).code, 1001);
    await server.close();
  });
});
