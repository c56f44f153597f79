// The snippets of docs/server.md, run as written (test/docs/snippets.test.ts checks that they are
// the page's), each followed by a wsflow client that checks what the page says they do.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import {
  Router,
  accept,
  attachWebSocket,
  echo,
  handleWebSocketRequestWith,
  openWebSocket,
  serve,
} from '../../src/index.js';
import type { WebSocketUpgrade } from '../../src/index.js';
import { refusal } from './support.js';

/** The ws:// origin of an http.Server listening on 127.0.0.1. */
async function originOf(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes an http.Server and every socket it still holds. */
function closeHttp(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('docs/server.md', () => {
  it('serve(): plain HTTP beside the WebSocket', { timeout: 10_000 }, async () => {
    // #region docs/server.md
    const router = new Router().route('/ws', () => accept(echo()));
    const server = await serve({
      port: 0,
      handler: router,
      httpHandler: (request, response) => {
        response.setHeader('Content-Type', 'text/plain; charset=utf-8');
        response.end(request.url === '/health' ? 'ok\n' : 'The socket is on /ws\n');
      },
    });
    // #endregion
    const http = `http://127.0.0.1:${server.address.port}`;
    assert.equal(await (await fetch(`${http}/health`)).text(), 'ok\n');
    assert.equal(await (await fetch(`${http}/ws`)).text(), 'The socket is on /ws\n');
    const socket = await openWebSocket(`${server.url}/ws`);
    await socket.send('hi');
    assert.equal(await socket.receiveText(), 'hi');
    await socket.close();
    await server.close();
  });

  it('serve(): an echo server', { timeout: 10_000 }, async () => {
    const log: string[] = [];
    const console = { log: (line: string) => log.push(line) };
    // #region docs/server.md
    const server = await serve({ port: 0, flow: echo() });
    console.log(`listening on ${server.url}`); // host: 127.0.0.1 unless you give one
    // #endregion
    assert.deepEqual(log, [`listening on ws://127.0.0.1:${server.address.port}`]);
    const socket = await openWebSocket(server.url);
    await socket.send('hello');
    assert.equal(await socket.receiveText(), 'hello');
    await socket.close();
    await server.close();
  });

  it('attachWebSocket(): WebSocket on /ws beside plain HTTP', { timeout: 10_000 }, async () => {
    // #region docs/server.md
    const httpServer = createServer((request, response) => response.end('plain HTTP here\n'));
    const attachment = attachWebSocket(
      httpServer,
      (upgrade) => void upgrade.handleMessages(echo()),
      { path: '/ws' }, // other paths: your other 'upgrade' listeners, or 404
    );
    httpServer.listen(0);
    // #endregion
    const origin = await originOf(httpServer);
    const plain = await fetch(`${origin.replace('ws:', 'http:')}/`);
    assert.equal(await plain.text(), 'plain HTTP here\n');
    const socket = await openWebSocket(`${origin}/ws`);
    await socket.send('over /ws');
    assert.equal(await socket.receiveText(), 'over /ws');
    assert.equal(attachment.connections.size, 1);
    assert.equal(await refusal(openWebSocket(`${origin}/elsewhere`)), 404);
    await attachment.close();
    await closeHttp(httpServer);
  });

  it(
    'WebSocketUpgrade: authorization, path and subprotocol, decided per request',
    { timeout: 10_000 },
    async () => {
      // #region docs/server.md
      function chat(upgrade: WebSocketUpgrade): void {
        const { url, headers } = upgrade.request; // an http.IncomingMessage
        if (url !== '/chat') return upgrade.reject(404, { body: 'Not Found\n' });
        if (headers.authorization !== 'Bearer let-me-in') {
          return upgrade.reject(401, { headers: { 'WWW-Authenticate': 'Bearer' } });
        }
        const offered = upgrade.requestedProtocols; // in the client's order of preference
        const subprotocol = ['chat.v2', 'chat.v1'].find((p) => offered.includes(p));
        if (subprotocol === undefined) return upgrade.reject(400, { body: 'chat.v1 or v2\n' });
        upgrade.handleMessages(echo(), { subprotocol, headers: { 'X-Chat-Room': 'lobby' } });
      }

      const server = await serve({ port: 0, handler: chat });
      // #endregion
      const url = `${server.url}/chat`;
      const extraHeaders = { Authorization: 'Bearer let-me-in' };
      assert.equal(await refusal(openWebSocket(url)), 401);
      assert.equal(await refusal(openWebSocket({ url: `${server.url}/x`, extraHeaders })), 404);
      assert.equal(await refusal(openWebSocket({ url, extraHeaders })), 400);
      const subprotocols = ['chat.v1', 'chat.v2'];
      const socket = await openWebSocket({ url, extraHeaders, subprotocols });
      assert.equal(socket.subprotocol, 'chat.v2');
      assert.equal(socket.headers['x-chat-room'], 'lobby');
      await socket.close();
      await server.close();
    },
  );

  it(
    'handleWebSocketRequestWith(): one flow for every upgrade request',
    { timeout: 10_000 },
    async () => {
      // #region docs/server.md
      const httpServer = createServer();
      httpServer.on('upgrade', handleWebSocketRequestWith(echo(), { maxMessageBytes: 64 * 1024 }));
      httpServer.listen(0);
      // #endregion
      const origin = await originOf(httpServer);
      const socket = await openWebSocket(`${origin}/anywhere`);
      await socket.send('x'.repeat(64 * 1024 + 1));
      const outcome = await socket.closed;
      assert.equal(outcome.code, 1009);
      await closeHttp(httpServer);
    },
  );

  it('SIGTERM closes the server with 1001', { timeout: 10_000 }, async () => {
    const server = await serve({ port: 0, flow: echo() });
    const before = process.listeners('SIGTERM');
    // #region docs/server.md
    process.on('SIGTERM', () => void server.close({ timeoutMs: 5000 }));
    // #endregion
    const socket = await openWebSocket(server.url);
    const added = process.listeners('SIGTERM').filter((l) => !before.includes(l));
    assert.equal(added.length, 1);
    added[0]('SIGTERM');
    process.off('SIGTERM', added[0]);
    const outcome = await socket.closed;
    assert.deepEqual([outcome.code, outcome.reason], [1001, 'server shutting down']);
    await server.close();
  });
});
