// The snippets of docs/routing.md, run as written (test/docs/snippets.test.ts checks that they
// are the page's), each followed by a client that checks what the page says.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import {
  Router,
  accept,
  attachWebSocket,
  echo,
  map,
  openWebSocket,
  reject,
  routeOf,
  serve,
} from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { refusal } from './support.js';

const TIMEOUT = { timeout: 10_000 };

describe('docs/routing.md', () => {
  it('a router with a parameter and a catch-all', TIMEOUT, async () => {
    // #region docs/routing.md
    const chat = (room: string) =>
      map((m: Message) => (m.isText && m.isStrict ? `${room}: ${m.text}` : undefined));

    const router = new Router()
      .route(
        '/chat/:room',
        (request) => {
          // request.params is typed from the pattern: `request.params.rooom` does not compile
          if (request.cookies.session === undefined) return reject(401, { body: 'Log in\n' });
          return accept(chat(request.params.room));
        },
        { name: 'chat' },
      )
      .route('/files/*path', (request) => accept(map(() => `file ${request.params.path}`)));

    const server = await serve({ port: 0, handler: router });
    // #endregion
    const client = await openWebSocket({
      url: `${server.url}/chat/caf%C3%A9`,
      extraHeaders: { Cookie: 'session=1' },
    });
    await client.send('hi');
    assert.equal(await client.receiveText(), 'café: hi');
    await client.close();
    assert.equal(await refusal(openWebSocket(`${server.url}/chat/lobby`)), 401);
    const files = await openWebSocket(`${server.url}/files/docs/a.txt`);
    await files.send('?');
    assert.equal(await files.receiveText(), 'file docs/a.txt');
    await files.close();
    assert.equal(await refusal(openWebSocket(`${server.url}/files/a%2F..%2Fb`)), 400);
    assert.equal(await refusal(openWebSocket(`${server.url}/nope`)), 404);
    assert.equal(router.url('chat', { room: 'café' }), '/chat/caf%C3%A9');
    await server.close();
  });

  it('accept or reject, with data read back from the connection', TIMEOUT, async () => {
    // #region docs/routing.md
    const sessions = new Map([['s3cret', 'ada']]);
    const lookUp = async (token = '') => sessions.get(token);

    const router = new Router().route('/echo', async (request) => {
      const user = await lookUp(request.cookies.session);
      if (user === undefined) {
        return reject(401, { headers: { 'WWW-Authenticate': 'Bearer' }, body: 'Who are you?\n' });
      }
      return accept(echo(), { headers: { 'Set-Cookie': 'seen=1; HttpOnly' }, data: { user } });
    });
    const server = await serve({ port: 0, handler: router });

    // Later, from anything that holds the connection (here the server's set of connections):
    const users = () => [...server.connections].map((c) => routeOf<{ user: string }>(c)?.data.user);
    // #endregion
    assert.equal(await refusal(openWebSocket(`${server.url}/echo`)), 401);
    const socket = await openWebSocket({
      url: `${server.url}/echo`,
      extraHeaders: { Cookie: 'session=s3cret' },
    });
    await socket.send('ping');
    assert.equal(await socket.receiveText(), 'ping');
    assert.deepEqual(users(), ['ada']);
    await socket.close();
    await server.close();
  });

  it('routes for subprotocols', TIMEOUT, async () => {
    // #region docs/routing.md
    const versions = new Router()
      .route('/api', () => accept(map(() => 'v2 here')), { subprotocol: 'api.v2' })
      .route('/api', () => accept(map(() => 'v1 here')), { subprotocol: 'api.v1' });
    // Offering neither: 400 "None of the websocket subprotocols offered in the request are
    // supported. Supported are 'api.v2','api.v1'.", with Sec-WebSocket-Protocol: api.v2, api.v1
    // #endregion
    const server = await serve({ port: 0, handler: versions });
    const v1 = await openWebSocket({ url: `${server.url}/api`, subprotocols: ['api.v1'] });
    assert.equal(v1.subprotocol, 'api.v1');
    await v1.send('?');
    assert.equal(await v1.receiveText(), 'v1 here');
    await v1.close();
    assert.equal(
      await refusal(openWebSocket({ url: `${server.url}/api`, subprotocols: ['x'] })),
      400,
    );
    await server.close();
  });

  it('reverse routing from the page request', TIMEOUT, async () => {
    // #region docs/routing.md
    const routes = new Router().route('/chat/:room', () => accept(echo()), { name: 'chat' });

    const httpServer = createServer((request, response) => {
      const url = routes.url('chat', { room: 'café' }, { from: request, query: { since: '3' } });
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.end(`<meta name="chat-socket" content="${url}">\n`);
    });
    attachWebSocket(httpServer, routes); // the same router, beside the page
    httpServer.listen(0);
    // The page holds ws://127.0.0.1:8080/chat/caf%C3%A9?since=3
    // #endregion
    await once(httpServer, 'listening');
    const { port } = httpServer.address() as AddressInfo;
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    const url = /content="([^"]+)"/.exec(page)![1];
    assert.equal(url, `ws://127.0.0.1:${port}/chat/caf%C3%A9?since=3`);
    const socket = await openWebSocket(url);
    await socket.send('hi');
    assert.equal(await socket.receiveText(), 'hi');
    await socket.close();
    httpServer.closeAllConnections();
    await new Promise((resolve) => httpServer.close(resolve));
  });
});
