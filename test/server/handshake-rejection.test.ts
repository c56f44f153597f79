// Hostile and malformed handshakes on raw sockets: each gets the documented plain HTTP answer.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { echo, handleWebSocketRequestWith, serve } from '../../src/index.js';
import type { WebSocketServer } from '../../src/index.js';
import { openClient, rawExchange, upgradeRequest } from './support.js';

describe('handshake rejections by serve()', () => {
  let server: WebSocketServer;
  let port: number;
  before(async () => {
    server = await serve({ port: 0, flow: echo(), path: '/ws' });
    port = server.address.port;
  });
  after(() => server.close());

  it('answers a wrong version with 426 and Sec-WebSocket-Version: 13', async () => {
    const response = await rawExchange(
      port,
      upgradeRequest({ 'Sec-WebSocket-Version': '8' }, 'GET /ws HTTP/1.1'),
    );
    assert.equal(response.status, 426);
    assert.equal(response.headers['sec-websocket-version'], '13');
  });

  it('answers a missing key with 400', async () => {
    const response = await rawExchange(
      port,
      upgradeRequest({ 'Sec-WebSocket-Key': undefined }, 'GET /ws HTTP/1.1'),
    );
    assert.equal(response.status, 400);
    assert.match(response.body, /Sec-WebSocket-Key/);
  });

  it('answers a key that is not 16 bytes with 400', async () => {
    const shortKey = Buffer.alloc(15).toString('base64');
    const response = await rawExchange(
      port,
      upgradeRequest({ 'Sec-WebSocket-Key': shortKey }, 'GET /ws HTTP/1.1'),
    );
    assert.equal(response.status, 400);
  });

  it('answers a POST upgrade with 405 and Allow: GET', async () => {
    const response = await rawExchange(port, upgradeRequest({}, 'POST /ws HTTP/1.1'));
    assert.equal(response.status, 405);
    assert.equal(response.headers['allow'], 'GET');
  });

  it('answers an upgrade to another protocol with 400', async () => {
    const response = await rawExchange(
      port,
      upgradeRequest({ Upgrade: 'h2c' }, 'GET /ws HTTP/1.1'),
    );
    assert.equal(response.status, 400);
    assert.match(response.body, /Expected WebSocket request/);
  });

  it('answers an upgrade for another path with 404', async () => {
    const response = await rawExchange(port, upgradeRequest({}, 'GET /elsewhere HTTP/1.1'));
    assert.equal(response.status, 404);
  });

  it('ignores the query string when matching the path', async () => {
    const client = await openClient(`${server.url}/ws?token=abc`);
    client.ws.send('still here');
    assert.equal((await client.next()).data.toString(), 'still here');
    client.ws.close();
    await client.closed;
  });

  it('answers a plain HTTP request with 426', async () => {
    const response = await rawExchange(
      port,
      'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    assert.equal(response.status, 426);
  });

  it('keeps serving after all of these', async () => {
    const client = await openClient(`${server.url}/ws`);
    client.ws.send('ok');
    assert.equal((await client.next()).data.toString(), 'ok');
    client.ws.close();
    await client.closed;
  });
});

describe('handleWebSocketRequestWith', () => {
  it('runs the flow for WebSocket requests and answers 400 to other upgrades', async () => {
    const httpServer = createServer();
    httpServer.on('upgrade', handleWebSocketRequestWith(echo()));
    httpServer.listen(0, '127.0.0.1');
    await once(httpServer, 'listening');
    const { port } = httpServer.address() as AddressInfo;
    try {
      const client = await openClient(`ws://127.0.0.1:${port}/any`);
      client.ws.send('echo me');
      assert.equal((await client.next()).data.toString(), 'echo me');
      client.ws.close();
      await client.closed;
      const other = await rawExchange(port, upgradeRequest({ Upgrade: 'h2c' }));
      assert.equal(other.status, 400);
      assert.match(other.body, /Expected WebSocket request/);
      const badVersion = await rawExchange(port, upgradeRequest({ 'Sec-WebSocket-Version': '12' }));
      assert.equal(badVersion.status, 426);
      assert.equal(badVersion.headers['sec-websocket-version'], '13');
    } finally {
      httpServer.close();
      httpServer.closeAllConnections();
    }
  });
});
