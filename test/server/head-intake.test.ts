// serve() reads request heads itself: upgrades reach the handler with the request node:http
// would have made, every other request still reaches node:http, and hostile clients get the
// right status without growing anything.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { attachWebSocket, echo, serve } from '../../src/index.js';
import type { WebSocketUpgrade } from '../../src/index.js';
import { plainAcceptResponse } from '../../src/server/accept-bytes.js';
import { buildAcceptResponse } from '../../src/protocol/server-handshake.js';
import { KEY, maskedFrame, rawExchange, upgradeRequest, withServer } from './support.js';

async function openSocket(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** Everything the server sends until it closes the socket. */
async function readAll(socket: Socket): Promise<string> {
  let received = '';
  for await (const chunk of socket) received += (chunk as Buffer).toString('latin1');
  return received;
}

/** Reads until `text` has arrived (or the socket ends); returns all received. */
async function readUntil(socket: Socket, text: string): Promise<string> {
  let received = '';
  for await (const chunk of socket) {
    received += (chunk as Buffer).toString('latin1');
    if (received.includes(text)) break;
  }
  return received;
}

/** What a handler can see of a request, for comparing two servers. */
function visible(request: IncomingMessage): unknown {
  return {
    method: request.method,
    url: request.url,
    httpVersion: request.httpVersion,
    httpVersionMajor: request.httpVersionMajor,
    httpVersionMinor: request.httpVersionMinor,
    headers: request.headers,
    headersDistinct: request.headersDistinct,
    rawHeaders: request.rawHeaders,
    upgrade: (request as IncomingMessage & { upgrade?: boolean }).upgrade,
    hasSocket: request.socket !== undefined && request.socket !== null,
  };
}

describe('serve(): request heads read without node:http', () => {
  it('hands the handler the same request as node:http does', async () => {
    const request = upgradeRequest(
      {
        Host: 'example.test:8080',
        Connection: 'keep-alive, Upgrade',
        Cookie: 'a=1',
        cookie: 'b=2',
        'X-Repeated': 'one',
        'x-repeated': 'two',
        'Sec-WebSocket-Protocol': 'chat, superchat',
        'X-Padded': '\t spaced out \t',
      },
      'GET /chat?room=1 HTTP/1.1',
    );
    const seen: unknown[] = [];
    const handler = (upgrade: WebSocketUpgrade): void => {
      seen.push({ ...(visible(upgrade.request) as object), protocols: upgrade.requestedProtocols });
      upgrade.reject(403, { body: 'no\n' });
    };
    await withServer({ handler }, async (server) => {
      assert.equal((await rawExchange(server.address.port, request)).status, 403);
    });
    const httpServer = createServer();
    const attachment = attachWebSocket(httpServer, handler);
    httpServer.listen(0, '127.0.0.1');
    await once(httpServer, 'listening');
    try {
      const { port } = httpServer.address() as AddressInfo;
      assert.equal((await rawExchange(port, request)).status, 403);
    } finally {
      await attachment.close();
      httpServer.close();
    }
    assert.equal(seen.length, 2);
    assert.deepEqual(seen[0], seen[1]);
  });

  it('writes the plain 101 byte for byte as buildAcceptResponse does', () => {
    for (const key of [KEY, Buffer.alloc(16, 0xff).toString('base64')]) {
      assert.equal(plainAcceptResponse(key), buildAcceptResponse({ key }));
    }
  });

  it('passes frames sent with the head, in the same packet, to the connection', async () => {
    await withServer({}, async (server) => {
      const socket = await openSocket(server.address.port);
      socket.write(Buffer.concat([Buffer.from(upgradeRequest()), maskedFrame(1, 'early')]));
      const received = await readUntil(socket, 'early');
      assert.match(received, /^HTTP\/1\.1 101 /);
      assert.ok(received.endsWith('\x81\x05early'));
      socket.destroy();
    });
  });

  it('upgrades a request trickled byte by byte', async () => {
    await withServer({}, async (server) => {
      const socket = await openSocket(server.address.port);
      socket.setNoDelay(true);
      for (const byte of Buffer.from(upgradeRequest())) {
        socket.write(Buffer.from([byte]));
        await new Promise((resolve) => setImmediate(resolve));
      }
      socket.write(maskedFrame(1, 'slow'));
      const received = await readUntil(socket, 'slow');
      assert.match(received, /^HTTP\/1\.1 101 /);
      socket.destroy();
    });
  });

  it('leaves plain HTTP to node:http: keep-alive, pipelining and bodies', async () => {
    await withServer({}, async (server) => {
      const socket = await openSocket(server.address.port);
      socket.write(
        'POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello' +
          'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
      );
      // node:http keeps the socket open for its keep-alive timeout: read the two answers only.
      let received = '';
      for await (const chunk of socket) {
        received += (chunk as Buffer).toString('latin1');
        if (received.match(/HTTP\/1\.1 426 /g)?.length === 2) break;
      }
      assert.match(received, /^HTTP\/1\.1 426 [^]*\r\n\r\n[^]*HTTP\/1\.1 426 /);
    });
  });

  it('leaves other upgrade methods to node:http, which answers 405', async () => {
    await withServer({}, async (server) => {
      const response = await rawExchange(
        server.address.port,
        upgradeRequest({}, 'POST / HTTP/1.1'),
      );
      assert.equal(response.status, 405);
    });
  });

  it('an upgrade announcing a body goes through node:http and is still upgraded', async () => {
    await withServer({}, async (server) => {
      const socket = await openSocket(server.address.port);
      socket.write(upgradeRequest({ 'Content-Length': '0' }));
      assert.match(await readUntil(socket, '\r\n\r\n'), /^HTTP\/1\.1 101 /);
      socket.destroy();
    });
  });

  it('Upgrade without Connection: upgrade is plain HTTP, as for node:http: 426', async () => {
    await withServer({}, async (server) => {
      const request = upgradeRequest({ Connection: 'keep-alive' }).replace(
        '\r\n\r\n',
        '\r\nConnection: close\r\n\r\n',
      );
      assert.equal((await rawExchange(server.address.port, request)).status, 426);
    });
  });
});

describe('serve(): hostile request heads', () => {
  it('garbage is answered 400 and the socket closed', async () => {
    await withServer({}, async (server) => {
      for (const garbage of ['\x16\x03\x01\x02\x00\x01\x00', 'hello\r\n\r\n', 'GET\r\n\r\n']) {
        const socket = await openSocket(server.address.port);
        socket.write(garbage, 'latin1');
        assert.match(await readAll(socket), /^HTTP\/1\.1 400 /, JSON.stringify(garbage));
      }
    });
  });

  it('a bad request line or header line is answered 400', async () => {
    await withServer({}, async (server) => {
      const bad = [
        upgradeRequest({}, 'GET /a b HTTP/1.1'),
        upgradeRequest({}, 'GET / HTTP/1.1 extra'),
        upgradeRequest({ 'Bad Name': 'x' }),
        upgradeRequest({ 'X-Control': 'a\x01b' }),
      ];
      for (const request of bad) {
        const socket = await openSocket(server.address.port);
        socket.write(request, 'latin1');
        assert.match(await readAll(socket), /^HTTP\/1\.1 400 /, JSON.stringify(request));
      }
    });
  });

  it('a head over maxHeaderBytes sent slowly is answered 431 before it ends', async () => {
    await withServer({ maxHeaderBytes: 1024 }, async (server) => {
      const socket = await openSocket(server.address.port);
      socket.write('GET / HTTP/1.1\r\nX-Big: ');
      const answer = readAll(socket);
      for (let i = 0; i < 12; i++) {
        if (socket.destroyed || socket.writableEnded) break;
        socket.write('a'.repeat(100));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      assert.match(await answer, /^HTTP\/1\.1 431 /);
    });
  });

  it('an endless stream of header lines is cut at maxHeaderBytes with 431', async () => {
    await withServer({}, async (server) => {
      const socket = await openSocket(server.address.port);
      const answer = readAll(socket);
      socket.write('GET / HTTP/1.1\r\n' + 'X: y\r\n'.repeat(10_000));
      assert.match(await answer, /^HTTP\/1\.1 431 /);
    });
  });

  it('a client that connects and sends nothing is answered 408 and dropped', async () => {
    await withServer({ handshakeTimeoutMs: 100 }, async (server) => {
      const socket = await openSocket(server.address.port);
      const started = performance.now();
      assert.match(await readAll(socket), /^HTTP\/1\.1 408 /);
      assert.ok(performance.now() - started >= 90);
    });
  });

  it('a client trickling its head slower than handshakeTimeoutMs is answered 408', async () => {
    await withServer({ handshakeTimeoutMs: 150 }, async (server) => {
      const socket = await openSocket(server.address.port);
      const answer = readAll(socket);
      const request = upgradeRequest();
      for (let i = 0; i < request.length && !socket.destroyed && !socket.writableEnded; i++) {
        socket.write(request[i]);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.match(await answer, /^HTTP\/1\.1 408 /);
    });
  });

  it('a half-closed client with a partial head is answered 400; an empty one just closed', async () => {
    await withServer({}, async (server) => {
      const partial = await openSocket(server.address.port);
      partial.end('GET / HTTP/1.1\r\nHost: a\r\n');
      assert.match(await readAll(partial), /^HTTP\/1\.1 400 /);
      const empty = await openSocket(server.address.port);
      empty.end();
      assert.equal(await readAll(empty), '');
    });
  });

  it('close() drops the clients still sending their head', async () => {
    const server = await serve({ port: 0, flow: echo() });
    const socket = await openSocket(server.address.port);
    socket.write('GET / HTTP/1.1\r\nHost: a\r\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = once(socket, 'close');
    await server.close();
    await closed;
  });

  it('survives many hostile clients at once and still serves upgrades', async () => {
    // A second for the slow ones: on a loaded machine, 200 ms could pass between the accept and
    // a client's first write, and a head too large would be answered 408.
    await withServer({ maxHeaderBytes: 512, handshakeTimeoutMs: 1000 }, async (server) => {
      const { port } = server.address;
      const hostile = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const socket = await openSocket(port);
          if (i % 4 === 3) {
            socket.destroy(); // gone before sending anything
            return '';
          }
          const answer = readAll(socket);
          if (i % 4 === 0) socket.write('GET / HTTP/1.1\r\n' + 'X: y\r\n'.repeat(200));
          else if (i % 4 === 1) socket.write('\x00\x01\x02garbage\r\n\r\n', 'latin1');
          else socket.write('GET / HTTP/1.1\r\n');
          return answer;
        }),
      );
      const statuses = hostile.map((text) => text.slice(9, 12)).sort();
      assert.deepEqual(
        statuses,
        [...Array(5).fill(''), ...Array(5).fill('400'), ...Array(5).fill('408')]
          .concat(Array(5).fill('431'))
          .sort(),
      );
      const socket = await openSocket(port);
      socket.write(upgradeRequest());
      assert.match(await readUntil(socket, '\r\n\r\n'), /^HTTP\/1\.1 101 /);
      socket.destroy();
    });
  });
});
