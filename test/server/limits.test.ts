// Server limits over loopback: a slow-loris client, a handler that never answers, header size
// and count (431), the number of connections (503), frame size (1009), and the defaults.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { ServerLimitDefaults, attachWebSocket, echo, serve } from '../../src/index.js';
import { expectRefused, openClient, rawExchange, upgradeRequest, withServer } from './support.js';

/** Sends raw request bytes and returns the status line's code once a response head arrived. */
async function statusOf(port: number, request: string): Promise<number> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(request);
  let head = '';
  for await (const chunk of socket) {
    head += (chunk as Buffer).toString('latin1');
    if (head.includes('\r\n\r\n')) break;
  }
  socket.destroy();
  return Number(head.split(' ')[1]);
}

/** Sends raw request bytes and returns all the server sent once it closed the socket. */
async function untilClosed(port: number, request: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(request);
  let received = '';
  for await (const chunk of socket) received += (chunk as Buffer).toString('latin1');
  return received;
}

/** `count` extra headers named X-Extra-<n>. */
function extraHeaders(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-Extra-${i}`, 'x']));
}

describe('limits: the opening handshake', () => {
  it('a slow-loris client that never finishes its request is answered 408 and dropped', async () => {
    await withServer({ handshakeTimeoutMs: 100 }, async (server) => {
      const socket = connect(server.address.port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n'); // and no more
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      await once(socket, 'close');
      assert.match(received, /^HTTP\/1\.1 408 /);
    });
  });

  it('attachWebSocket: a handler that never answers gets 503 and the socket is destroyed', async () => {
    const httpServer = createServer();
    const attachment = attachWebSocket(httpServer, () => new Promise<void>(() => undefined), {
      handshakeTimeoutMs: 50,
    });
    httpServer.listen(0, '127.0.0.1');
    await once(httpServer, 'listening');
    try {
      const { port } = httpServer.address() as AddressInfo;
      const response = await untilClosed(port, upgradeRequest());
      assert.match(response, /^HTTP\/1\.1 503 /);
      assert.match(response, /\r\n\r\nHandshake timeout\n$/);
      assert.equal(attachment.connections.size, 0);
    } finally {
      await attachment.close();
      httpServer.close();
    }
  });

  it('request headers over maxHeaderBytes are answered 431', async () => {
    await withServer({ maxHeaderBytes: 1024 }, async (server) => {
      const request = upgradeRequest({ 'X-Big': 'a'.repeat(2000) });
      const response = await rawExchange(server.address.port, request);
      assert.equal(response.status, 431);
    });
  });

  it('request headers over the default 16 KiB are answered 431', async () => {
    await withServer({}, async (server) => {
      const request = upgradeRequest({ 'X-Big': 'a'.repeat(17 * 1024) });
      assert.equal((await rawExchange(server.address.port, request)).status, 431);
    });
  });

  it('more header lines than maxHeaderCount are answered 431; as many are accepted', async () => {
    await withServer({ maxHeaderCount: 8 }, async (server) => {
      const { port } = server.address;
      // upgradeRequest() has 5 header lines of its own.
      assert.equal(await statusOf(port, upgradeRequest(extraHeaders(3))), 101);
      assert.equal(await statusOf(port, upgradeRequest(extraHeaders(4))), 431);
    });
  });

  it('106 header lines are answered 431 under the default maxHeaderCount (100)', async () => {
    await withServer({}, async (server) => {
      const { port } = server.address;
      assert.equal(await statusOf(port, upgradeRequest(extraHeaders(101))), 431);
    });
  });
});

describe('limits: connections and frames', () => {
  it('beyond maxConnections an upgrade is answered 503; a slot frees when one closes', async () => {
    await withServer({ maxConnections: 2 }, async (server) => {
      const first = await openClient(server.url);
      await openClient(server.url);
      const refused = await expectRefused(server.url);
      assert.deepEqual([refused.status, refused.body], [503, 'Too many connections\n']);
      const [serverSide] = server.connections;
      first.ws.close(1000);
      await serverSide.closed; // the server forgets it before this resolves for us
      const third = await openClient(server.url);
      assert.equal(third.ws.readyState, third.ws.OPEN);
    });
  });

  it('maxFrameBytes: a fragmented message of small frames passes, one big frame gets 1009', async () => {
    await withServer({ maxFrameBytes: 1000 }, async (server) => {
      const client = await openClient(server.url, [], { perMessageDeflate: false });
      const part = Buffer.alloc(1000, 1);
      client.ws.send(part, { fin: false });
      client.ws.send(part, { fin: false });
      client.ws.send(part, { fin: true });
      assert.equal((await client.next()).data.length, 3000);
      client.ws.send(Buffer.alloc(1001));
      assert.equal((await client.closed).code, 1009);
    });
  });
});

describe('limits: defaults', () => {
  it('lists every default in one place', () => {
    assert.deepEqual(
      { ...ServerLimitDefaults },
      {
        maxConnections: 10_000,
        handshakeTimeoutMs: 10_000,
        maxHeaderCount: 100,
        maxHeaderBytes: 16 * 1024,
      },
    );
  });

  it('serve() sets node:http up with them', async () => {
    await withServer({}, async ({ httpServer }) => {
      assert.equal(httpServer.headersTimeout, 10_000);
      assert.equal(httpServer.requestTimeout, 10_000);
      assert.equal(httpServer.maxHeadersCount, 101);
      assert.equal((httpServer as unknown as { maxHeaderSize: number }).maxHeaderSize, 16 * 1024);
    });
  });

  it('rejects limits that make no sense', async () => {
    await assert.rejects(serve({ port: 0, flow: echo(), maxConnections: -1 }), RangeError);
    await assert.rejects(serve({ port: 0, flow: echo(), handshakeTimeoutMs: 0 }), RangeError);
    await assert.rejects(serve({ port: 0, flow: echo(), maxHeaderBytes: 0.5 }), RangeError);
  });
});
