// attachWebSocket: WebSocket beside plain HTTP on an existing http.Server, paths, and shutdown.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage as Request, Server } from 'node:http';
import type { Socket } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { InvalidStateError, attachWebSocket, echo, map } from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { makeCertificate } from '../helpers/tls.js';
import { RawClient, expectRefused, openClient, rawExchange, upgradeRequest } from './support.js';

const certificate = makeCertificate();
after(() => certificate.dispose());

/** A listening http.Server that answers plain requests with 'plain', and its port. */
async function plainServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => response.end('plain'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** A plain server with echo attachments on /a and /b. */
async function twoEchoAttachments() {
  const { server, port } = await plainServer();
  const a = attachWebSocket(server, (upgrade) => void upgrade.handleMessages(echo()), {
    path: '/a',
  });
  const b = attachWebSocket(server, (upgrade) => void upgrade.handleMessages(echo()), {
    path: '/b',
  });
  return { server, port, a, b };
}

function stop(server: Server): void {
  server.close();
  server.closeAllConnections();
}

describe('attachWebSocket', () => {
  it('serves WebSocket beside the server’s plain requests', async () => {
    const { server, port } = await plainServer();
    const attachment = attachWebSocket(server, (upgrade) => void upgrade.handleMessages(echo()));
    try {
      const plain = await rawExchange(
        port,
        'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      assert.equal(plain.body, 'plain');
      const client = await openClient(`ws://127.0.0.1:${port}/`);
      client.ws.send('through the upgrade');
      assert.equal((await client.next()).data.toString(), 'through the upgrade');
      assert.equal(attachment.connections.size, 1);
      client.ws.close();
      await client.closed;
    } finally {
      await attachment.close();
      stop(server);
    }
  });

  it('routes by path when several attachments share a server', async () => {
    const { server, port } = await plainServer();
    const upper = map((m: Message) => (m.isText && m.isStrict ? m.text.toUpperCase() : undefined));
    const lower = map((m: Message) => (m.isText && m.isStrict ? m.text.toLowerCase() : undefined));
    const a = attachWebSocket(server, (upgrade) => void upgrade.handleMessages(upper), {
      path: '/upper',
    });
    const b = attachWebSocket(server, (upgrade) => void upgrade.handleMessages(lower), {
      path: '/lower',
    });
    try {
      const up = await openClient(`ws://127.0.0.1:${port}/upper`);
      const down = await openClient(`ws://127.0.0.1:${port}/lower?x=1`);
      up.ws.send('MiXeD');
      down.ws.send('MiXeD');
      assert.equal((await up.next()).data.toString(), 'MIXED');
      assert.equal((await down.next()).data.toString(), 'mixed');
      assert.equal(a.connections.size, 1);
      assert.equal(b.connections.size, 1);
      up.ws.close();
      down.ws.close();
      await Promise.all([up.closed, down.closed]);
    } finally {
      await Promise.all([a.close(), b.close()]);
      stop(server);
    }
  });

  it('answers 404 once to a path no attachment claims, and the server still closes', async () => {
    const { server, port, a, b } = await twoEchoAttachments();
    try {
      const other = await rawExchange(port, upgradeRequest({}, 'GET /other HTTP/1.1'));
      assert.equal(other.status, 404);
      const client = await openClient(`ws://127.0.0.1:${port}/b`);
      client.ws.send('still served');
      assert.equal((await client.next()).data.toString(), 'still served');
      client.ws.close();
      await client.closed;
    } finally {
      await Promise.all([a.close(), b.close()]);
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    }
  });

  it('leaves a path no attachment claims to another upgrade listener', async () => {
    const { server, port, a, b } = await twoEchoAttachments();
    server.on('upgrade', (request: Request, socket: Socket) => {
      socket.end('HTTP/1.1 418 Teapot\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      void request;
    });
    try {
      const other = await rawExchange(port, upgradeRequest({}, 'GET /other HTTP/1.1'));
      assert.equal(other.status, 418);
    } finally {
      await Promise.all([a.close(), b.close()]);
      stop(server);
    }
  });

  it('answers 404 to other paths after one of two attachments has closed', async () => {
    const { server, port, a, b } = await twoEchoAttachments();
    try {
      await a.close();
      assert.equal((await rawExchange(port, upgradeRequest({}, 'GET /a HTTP/1.1'))).status, 404);
      const client = await openClient(`ws://127.0.0.1:${port}/b`);
      client.ws.close();
      await client.closed;
    } finally {
      await b.close();
      stop(server);
    }
  });

  it('answers 503 to upgrades while it closes, then lets go of the server', async () => {
    const { server, port } = await plainServer();
    const attachment = attachWebSocket(server, (upgrade) => void upgrade.handleMessages(echo()), {
      closeTimeoutMs: 60_000,
    });
    try {
      // A raw client that does not answer the server's Close keeps the attachment closing.
      const raw = await RawClient.connect(port);
      const closing = attachment.close();
      const close = await raw.nextFrame();
      assert.equal(close.opcode, 0x8);
      assert.equal(close.payload.readUInt16BE(0), 1001);
      const late = await rawExchange(port, upgradeRequest());
      assert.equal(late.status, 503);
      raw.socket.destroy();
      await closing;
      assert.equal(attachment.connections.size, 0);
      assert.equal(server.listenerCount('upgrade'), 0);
    } finally {
      stop(server);
    }
  });

  it('answers 503 to a handler still deciding when it closes', async () => {
    const { server, port } = await plainServer();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const late: unknown[] = [];
    let entered!: () => void;
    const handlerEntered = new Promise<void>((resolve) => (entered = resolve));
    const attachment = attachWebSocket(server, async (upgrade) => {
      entered();
      await gate; // e.g. an authentication check
      try {
        upgrade.handleMessages(echo());
      } catch (error) {
        late.push(error);
      }
    });
    try {
      const refused = expectRefused(`ws://127.0.0.1:${port}/`);
      await handlerEntered;
      await attachment.close();
      assert.equal((await refused).status, 503);
      release();
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(late.length, 1);
      assert.ok(late[0] instanceof InvalidStateError);
      assert.equal(attachment.connections.size, 0);
    } finally {
      stop(server);
    }
  });

  it('serves wss:// on an https.Server', async () => {
    const { key, cert } = certificate;
    const server = createHttpsServer({ key, cert }, (_request, response) => response.end('plain'));
    const attachment = attachWebSocket(server, (upgrade) => void upgrade.handleMessages(echo()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const client = await openClient(`wss://127.0.0.1:${port}/`, [], {
        rejectUnauthorized: false,
      });
      client.ws.send('over TLS');
      assert.equal((await client.next()).data.toString(), 'over TLS');
      await attachment.close();
      assert.equal((await client.closed).code, 1001);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
