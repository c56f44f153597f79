// The Router over real sockets, ws as the client: routes and parameters, 404 and 400 as Akka
// HTTP answers them, subprotocol routes, accept-or-reject (Play's acceptOrResult), handler
// failures, a client leaving while the handler decides, and mounting on attachWebSocket.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import {
  Router,
  accept,
  attachWebSocket,
  echo,
  fromSinkAndSource,
  map,
  reject,
  routeOf,
  serve,
} from '../../src/index.js';
import type { Message, RouteRequest, ServerErrorHandler } from '../../src/index.js';
import {
  expectRefused,
  maskedFrame,
  openClient,
  rawExchange,
  upgradeRequest,
} from '../server/support.js';
import { withRouter } from './support.js';

/** The text of the next message a ws client receives. */
async function nextText(client: Awaited<ReturnType<typeof openClient>>): Promise<string> {
  return (await client.next()).data.toString();
}

describe('Router: routes', () => {
  it('runs the route of the path, with its parameters, query and request', async () => {
    const seen: RouteRequest<'/chat/:room'>[] = [];
    const addresses: (string | undefined)[] = [];
    const hosts: (string | undefined)[] = [];
    const router = new Router()
      .route('/chat/:room', (request) => {
        seen.push(request);
        addresses.push(request.remoteAddress); // read while the socket is open
        hosts.push(request.raw.headers.host); // node:http's request: there while the handler decides
        const reply = (m: Message) =>
          m.isText && m.isStrict ? `${request.params.room}: ${m.text}` : undefined;
        return accept(map(reply), { subprotocol: request.protocols[1] });
      })
      .route('/echo', () => accept(echo()));
    await withRouter(router, async (server) => {
      const client = await openClient(
        `${server.url}/chat/caf%C3%A9?since=3&tag=a&tag=b`,
        ['x', 'y'],
        {
          headers: { Cookie: 'session=abc; theme=dark', Origin: 'https://example.com' },
        },
      );
      assert.equal(client.ws.protocol, 'y');
      client.ws.send('hello');
      assert.equal(await nextText(client), 'café: hello');
      client.ws.close();
      await client.closed;
      const [request] = seen;
      assert.equal(request.url, '/chat/caf%C3%A9?since=3&tag=a&tag=b');
      assert.equal(request.path, '/chat/caf%C3%A9');
      assert.equal(request.pattern, '/chat/:room');
      assert.deepEqual({ ...request.params }, { room: 'café' });
      assert.equal(request.query.get('since'), '3');
      assert.deepEqual(request.query.getAll('tag'), ['a', 'b']);
      assert.deepEqual({ ...request.cookies }, { session: 'abc', theme: 'dark' });
      assert.equal(request.origin, 'https://example.com');
      assert.deepEqual(addresses, ['127.0.0.1']);
      assert.equal(request.secure, false);
      assert.deepEqual(request.protocols, ['x', 'y']);
      assert.deepEqual(hosts, [`127.0.0.1:${server.address.port}`]);
      // Once the connection opened, node:http's request is let go; the headers stay readable.
      assert.throws(() => request.raw, /let go once the connection opens/);
      assert.equal(request.headers.host, `127.0.0.1:${server.address.port}`);
      assert.equal(request.headers.cookie, 'session=abc; theme=dark');
    });
  });

  it('answers an unknown path 404, and plain HTTP 400 on a route, 404 elsewhere', async () => {
    const router = new Router().route('/chat/:room', () => accept(echo()));
    await withRouter(router, async (server, port) => {
      const refused = await expectRefused(`${server.url}/nope`);
      assert.equal(refused.status, 404);
      const plain = await rawExchange(port, 'GET /chat/lobby HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.equal(plain.status, 400);
      assert.equal(plain.body, 'Expected WebSocket Upgrade request\n');
      const elsewhere = await rawExchange(port, 'GET /nope HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.equal(elsewhere.status, 404);
    });
  });

  it('answers 400 for bad percent-encoding and dot segments, 404 for a long unknown path', async () => {
    const seen: string[] = [];
    const router = new Router().route('/files/*path', (request) => {
      seen.push(request.params.path);
      return accept(echo());
    });
    await withRouter(router, async (server, port) => {
      for (const target of [
        '/files/%zz',
        '/files/a/../../etc/passwd',
        '/files/%2e%2e/etc',
        '/files/a%2F..%2F..%2Fetc',
        '/files/a?q=%E0%A4%A',
      ]) {
        const response = await rawExchange(port, upgradeRequest({}, `GET ${target} HTTP/1.1`));
        assert.equal(response.status, 400, target);
        assert.match(response.body, /^Bad Request: /, target);
      }
      const longPath = '/x'.repeat(7000);
      const unknown = await rawExchange(port, upgradeRequest({}, `GET ${longPath} HTTP/1.1`));
      assert.equal(unknown.status, 404);
      const client = await openClient(`${server.url}/files/a/b?${'k=v&'.repeat(3000)}`);
      client.ws.close();
      await client.closed;
      assert.deepEqual(seen, ['a/b']);
    });
  });

  it('serves a subprotocol route only to clients that offer it, as Akka HTTP does', async () => {
    const router = new Router()
      .route('/ws', () => accept(map(() => 'v2')), { subprotocol: 'chat.v2' })
      .route('/ws', () => accept(map(() => 'v1')), { subprotocol: 'chat.v1' });
    await withRouter(router, async (server) => {
      const refused = await expectRefused(`${server.url}/ws`, ['other']);
      assert.equal(refused.status, 400);
      assert.equal(
        refused.body,
        "None of the websocket subprotocols offered in the request are supported. Supported are 'chat.v2','chat.v1'.",
      );
      assert.equal(refused.headers['sec-websocket-protocol'], 'chat.v2, chat.v1');
      assert.equal((await expectRefused(`${server.url}/ws`)).status, 400);
      const client = await openClient(`${server.url}/ws`, ['chat.v1']);
      assert.equal(client.ws.protocol, 'chat.v1');
      client.ws.send('?');
      assert.equal(await nextText(client), 'v1');
      client.ws.close();
      await client.closed;
    });
  });

  it('mounts on attachWebSocket beside another attachment and the HTTP handler', async () => {
    const httpServer = createServer((_request, response) => response.end('page\n'));
    const router = new Router().route('/chat/:room', (r) => accept(map(() => r.params.room)));
    const routed = attachWebSocket(httpServer, router);
    const other = attachWebSocket(
      httpServer,
      (upgrade) => void upgrade.handleMessages(map(() => 'other')),
      {
        path: '/other',
      },
    );
    httpServer.listen(0, '127.0.0.1');
    await once(httpServer, 'listening');
    const { port } = httpServer.address() as AddressInfo;
    try {
      for (const [path, answer] of [
        ['/chat/lobby', 'lobby'],
        ['/other', 'other'],
      ]) {
        const client = await openClient(`ws://127.0.0.1:${port}${path}`);
        client.ws.send('?');
        assert.equal(await nextText(client), answer);
        client.ws.close();
        await client.closed;
      }
      assert.equal((await expectRefused(`ws://127.0.0.1:${port}/nope`)).status, 404);
      const page = await rawExchange(port, 'GET /chat/lobby HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.equal(page.body, 'page\n');
    } finally {
      await Promise.all([routed.close(), other.close()]);
      httpServer.close();
    }
  });
});

describe('Router: accept or reject', () => {
  it('rejects with any status, headers and body, synchronously or later', async () => {
    const router = new Router()
      .route('/private', () =>
        reject(401, { headers: { 'WWW-Authenticate': 'Basic realm="chat"' }, body: 'Log in\n' }),
      )
      .route('/later', async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return reject(403, { body: 'Forbidden\n' });
      });
    await withRouter(router, async (server) => {
      const unauthorized = await expectRefused(`${server.url}/private`);
      assert.equal(unauthorized.status, 401);
      assert.equal(unauthorized.headers['www-authenticate'], 'Basic realm="chat"');
      assert.equal(unauthorized.body, 'Log in\n');
      const forbidden = await expectRefused(`${server.url}/later`);
      assert.deepEqual([forbidden.status, forbidden.body], [403, 'Forbidden\n']);
    });
  });

  it('accepts with a subprotocol, 101 headers and typed data the connection keeps', async () => {
    const router = new Router().route('/rooms/:room', async (request) => {
      await Promise.resolve();
      const user = request.query.get('user') ?? 'anonymous';
      return accept(echo(), {
        subprotocol: request.protocols.includes('chat') ? 'chat' : undefined,
        headers: { 'Set-Cookie': 'seen=1; HttpOnly' },
        data: { user },
      });
    });
    await withRouter(router, async (server) => {
      const ws = new WebSocket(`${server.url}/rooms/lobby?user=ada`, ['chat']);
      const upgraded = once(ws, 'upgrade');
      await once(ws, 'open');
      const [response] = (await upgraded) as [{ headers: Record<string, unknown> }];
      assert.deepEqual(response.headers['set-cookie'], ['seen=1; HttpOnly']);
      assert.equal(ws.protocol, 'chat');
      const [connection] = server.connections;
      const route = routeOf<{ user: string }>(connection);
      assert.equal(route?.data.user, 'ada');
      assert.equal(route?.subprotocol, 'chat');
      assert.deepEqual({ ...route?.request.params }, { room: 'lobby' });
      ws.close();
      await once(ws, 'close');
    });
  });

  it('answers 500 and reports to onError when the handler throws, rejects or answers nothing', async () => {
    const reports: [unknown, unknown, string | undefined][] = [];
    const onError: ServerErrorHandler = (error, connection, request) =>
      void reports.push([error, connection, request.url]);
    const router = new Router()
      .route('/throws', () => {
        throw new Error('sync boom');
      })
      .route('/rejects', () => Promise.reject(new Error('async boom')))
      .route('/nothing', () => undefined as never)
      .route('/bad-status', () => reject(99));
    await withRouter(
      router,
      async (server) => {
        for (const path of ['/throws', '/rejects', '/nothing', '/bad-status']) {
          assert.equal((await expectRefused(`${server.url}${path}`)).status, 500, path);
        }
      },
      onError,
    );
    assert.deepEqual(
      reports.map(([error, connection, url]) => [(error as Error).message, connection, url]),
      [
        ['sync boom', undefined, '/throws'],
        ['async boom', undefined, '/rejects'],
        ['The handler of /nothing answered neither accept() nor reject()', undefined, '/nothing'],
        ['Invalid status for a rejection: 99', undefined, '/bad-status'],
      ],
    );
  });

  it('drops the answer of a handler whose client left while it decided', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    let answered!: () => void;
    const handlerDone = new Promise<void>((resolve) => (answered = resolve));
    let flowRan = false;
    const reports: unknown[] = [];
    const router = new Router().route('/slow', async (request) => {
      const gone = once(request.raw.socket, 'close');
      started();
      await gone; // noticed only because the server reads the socket while the handler decides
      setImmediate(answered);
      return accept(
        map(() => {
          flowRan = true;
        }),
      );
    });
    await withRouter(
      router,
      async (server, port) => {
        const socket = connect(port, '127.0.0.1');
        await once(socket, 'connect');
        socket.write(upgradeRequest({}, 'GET /slow HTTP/1.1'));
        await handlerStarted;
        socket.end();
        await handlerDone;
        assert.equal(server.connections.size, 0);
      },
      (error) => void reports.push(error),
    );
    assert.equal(flowRan, false);
    assert.deepEqual(reports, []);
  });

  it('keeps the bytes a client sent while the handler decided, for the connection', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const router = new Router().route('/echo', async (request) => {
      const early = once(request.raw.socket, 'data');
      started();
      await early; // a frame sent before the 101 (ws never does; RFC 6455 forbids it)
      return accept(echo());
    });
    await withRouter(router, async (_server, port) => {
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(upgradeRequest({}, 'GET /echo HTTP/1.1'));
      await handlerStarted;
      socket.write(maskedFrame(0x1, 'early'));
      let received = Buffer.alloc(0);
      const echoed = Buffer.concat([Buffer.from([0x81, 5]), Buffer.from('early')]);
      for await (const chunk of socket) {
        received = Buffer.concat([received, chunk as Buffer]);
        if (received.includes(echoed)) break;
      }
      assert.match(received.toString('latin1'), /^HTTP\/1\.1 101 /);
      const headEnd = received.indexOf('\r\n\r\n') + 4;
      assert.deepEqual(received.subarray(headEnd, headEnd + echoed.length), echoed);
      socket.destroy();
    });
  });

  it('refuses a { writable, readable } pair accepted for a second connection', async () => {
    const reports: unknown[] = [];
    const pair = fromSinkAndSource(() => undefined, ['hi']);
    const router = new Router().route('/shared', () => accept(pair));
    await withRouter(
      router,
      async (server) => {
        const first = await openClient(`${server.url}/shared`);
        assert.equal(await nextText(first), 'hi');
        await first.closed;
        assert.equal((await expectRefused(`${server.url}/shared`)).status, 500);
      },
      (error) => void reports.push(error),
    );
    assert.equal(reports.length, 1);
    assert.match((reports[0] as Error).message, /already ran on another connection/);
  });

  it('serve({ flow }) refuses a pair at once', async () => {
    await assert.rejects(
      serve({ port: 0, flow: fromSinkAndSource(() => undefined, []) }),
      /runs the flow on every connection/,
    );
  });
});

describe('Router: building', () => {
  it('refuses a route another would hide, a repeated name, and a handler that is not a function', () => {
    const router = new Router().route('/a/:x', () => accept(echo()), { name: 'a' });
    assert.throws(() => router.route('/a/:y', () => accept(echo())), /repeats the path/);
    assert.throws(() => router.route('/b', () => accept(echo()), { name: 'a' }), /used twice/);
    assert.throws(() => router.route('/c', echo() as never), /not a function/);
    // The same path for another subprotocol is a different route.
    router.route('/a/:y', () => accept(echo()), { subprotocol: 'v2' });
  });
});
