// serve({ httpHandler }): plain HTTP beside the WebSocket routes of one server. The handler gets
// every request that is not an upgrade, upgrades still reach the flow or the router, and its
// failures answer 500 and reach onError; without it, 426 (or 400/404 when routed) as before.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Router, accept, echo, serve } from '../../src/index.js';
import type { HttpRequestHandler, ServeOptions, UpgradeRequestLine } from '../../src/index.js';
import { openClient, rawExchange } from './support.js';

/** A GET for `path` that closes the connection after the response. */
const get = (path: string): string =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;

/** Serves with `options` on a free port, runs `test`, closes the server. */
async function withServer(
  options: ServeOptions,
  test: (port: number, url: string) => Promise<void>,
): Promise<void> {
  const server = await serve({ port: 0, ...options });
  try {
    await test(server.address.port, server.url);
  } finally {
    await server.close();
  }
}

const page: HttpRequestHandler = (request, response) => {
  const [type, body] =
    request.url === '/health' ? ['text/plain', 'ok\n'] : ['text/html', `<p>${request.url}</p>`];
  response.setHeader('Content-Type', type);
  response.end(body); // with a Content-Length
};

describe('serve({ httpHandler })', () => {
  it('answers plain requests with the handler and upgrades with the flow', async () => {
    await withServer({ flow: echo(), httpHandler: page }, async (port, url) => {
      const health = await rawExchange(port, get('/health'));
      assert.equal(health.status, 200);
      assert.equal(health.body, 'ok\n');
      assert.equal((await rawExchange(port, get('/anything'))).body, '<p>/anything</p>');
      const client = await openClient(url);
      client.ws.send('hi');
      assert.equal((await client.next()).data.toString(), 'hi');
      client.ws.close();
      await client.closed;
    });
  });

  it('gets plain requests to a route path too, as an Akka HTTP alternative route would', async () => {
    const router = new Router().route('/chat', () => accept(echo()));
    await withServer({ handler: router, httpHandler: page }, async (port, url) => {
      assert.equal((await rawExchange(port, get('/chat'))).body, '<p>/chat</p>');
      assert.equal((await rawExchange(port, get('/elsewhere'))).status, 200);
      const client = await openClient(`${url}/chat`);
      client.ws.close();
      await client.closed;
    });
    await withServer({ handler: router }, async (port) => {
      const plain = await rawExchange(port, get('/chat'));
      assert.equal(plain.status, 400);
      assert.equal(plain.body, 'Expected WebSocket Upgrade request\n');
      assert.equal((await rawExchange(port, get('/elsewhere'))).status, 404);
    });
  });

  it('answers 500 and reports to onError when the handler throws or rejects', async () => {
    const reports: [unknown, unknown, UpgradeRequestLine][] = [];
    const failing: HttpRequestHandler = async (request) => {
      if (request.url === '/sync') throw new Error('sync failure');
      await Promise.resolve();
      throw new Error('async failure');
    };
    const throwsFirst: HttpRequestHandler = (request, response) => {
      if (request.url === '/sync') throw new Error('sync failure');
      return failing(request, response);
    };
    await withServer(
      {
        flow: echo(),
        httpHandler: throwsFirst,
        onError: (error, connection, request) => reports.push([error, connection, request]),
      },
      async (port) => {
        for (const path of ['/sync', '/async']) {
          const answer = await rawExchange(port, get(path));
          assert.equal(answer.status, 500, path);
          assert.equal(answer.body, 'Internal Server Error\n');
        }
      },
    );
    assert.deepEqual(
      reports.map(([error, connection, request]) => [
        (error as Error).message,
        connection,
        request.method,
        request.url,
      ]),
      [
        ['sync failure', undefined, 'GET', '/sync'],
        ['async failure', undefined, 'GET', '/async'],
      ],
    );
  });

  it('cuts a response the handler fails in the middle of', async () => {
    const errors: unknown[] = [];
    const halfway: HttpRequestHandler = async (_request, response) => {
      response.writeHead(200, { 'Content-Length': '10' });
      response.write('half');
      await Promise.resolve();
      throw new Error('failed halfway');
    };
    await withServer(
      { flow: echo(), httpHandler: halfway, onError: (error) => errors.push(error) },
      async (port) => {
        await assert.rejects(rawExchange(port, get('/')), /no complete response/);
      },
    );
    assert.equal(errors.length, 1);
  });

  it('keeps 426 without a handler, and refuses a handler that is not a function', async () => {
    await withServer({ flow: echo() }, async (port) => {
      const plain = await rawExchange(port, get('/'));
      assert.equal(plain.status, 426);
      assert.equal(plain.headers.upgrade, 'websocket');
    });
    const notAFunction = { flow: echo(), httpHandler: 'page' } as unknown as ServeOptions;
    await assert.rejects(serve(notAFunction), TypeError);
  });
});
