// Guards over real sockets: the Origin allow-list (403) and HTTP Basic authentication (401 with
// its challenge), composed in order before a route's handler, on serve() and on attachWebSocket
// beside Express; hostile headers (huge, unicode, repeated) are answered, never 500.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import {
  Router,
  accept,
  allowOrigins,
  attachWebSocket,
  authenticateBasic,
  constantTimeEqual,
  echo,
  pass,
  reject,
  routeOf,
} from '../../src/index.js';
import type { Guard, RouteRequest } from '../../src/index.js';
import { openClient, rawExchange, upgradeRequest } from '../server/support.js';
import { withRouter } from './support.js';
import type { RawHttpResponse } from '../server/support.js';

/**
 * Sends a raw upgrade request for `path` with `headers`: the status, headers and body of a
 * refusal, or the head of a 101 (the connection is then dropped).
 */
async function upgrade(
  port: number,
  path: string,
  headers: Record<string, string | undefined> = {},
): Promise<RawHttpResponse> {
  return exchange(port, upgradeRequest(headers, `GET ${path} HTTP/1.1`));
}

/** rawExchange, but a 101 resolves once its head is read. */
async function exchange(port: number, request: string): Promise<RawHttpResponse> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(request);
  let received = Buffer.alloc(0);
  for await (const chunk of socket) {
    received = Buffer.concat([received, chunk as Buffer]);
    const end = received.indexOf('\r\n\r\n');
    if (end !== -1 && received.subarray(0, 12).toString('latin1') === 'HTTP/1.1 101') break;
  }
  socket.destroy();
  const end = received.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = received.subarray(end + 4).toString('utf8');
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

const basic = (userPass: string | Buffer): string =>
  `Basic ${Buffer.from(userPass).toString('base64')}`;

/** The Origin guard alone, asked about one Origin header value (or none). */
function originAnswer(guard: Guard, origin: string | undefined): number {
  const outcome = guard({ origin } as RouteRequest);
  assert.ok(!(outcome instanceof Promise));
  return 'status' in outcome ? outcome.status : 101;
}

describe('allowOrigins', () => {
  const guard = allowOrigins([
    'https://example.com',
    'https://*.example.com',
    'http://localhost:8080',
    (origin) => origin === 'app://desktop',
  ]);

  it('passes exact origins, subdomains of a wildcard, and what a predicate allows', () => {
    for (const origin of [
      'https://example.com',
      'https://EXAMPLE.com',
      'https://example.com:443',
      'https://a.example.com',
      'https://a.b.example.com',
      'http://localhost:8080',
      'app://desktop',
    ]) {
      assert.equal(originAnswer(guard, origin), 101, origin);
    }
  });

  it('refuses look-alikes, other schemes and ports, and what is not one origin', () => {
    for (const origin of [
      'https://evil-example.com',
      'https://example.com.evil.net',
      'https://aexample.com',
      'https://.example.com',
      'http://example.com',
      'http://a.example.com',
      'https://a.example.com:8443',
      'http://localhost',
      'https://example.com/path',
      'https://user@example.com',
      'https://example.com, https://evil.net',
      'null',
      '',
      'https://*.example.com',
    ]) {
      assert.equal(originAnswer(guard, origin), 403, origin);
    }
  });

  it('lets a request without Origin through unless told otherwise', () => {
    assert.equal(originAnswer(guard, undefined), 101);
    const browsersOnly = allowOrigins('https://example.com', { allowMissing: false });
    assert.equal(originAnswer(browsersOnly, undefined), 403);
    assert.equal(originAnswer(browsersOnly, 'https://example.com'), 101);
  });

  it('refuses a rule that is not an origin when it is made', () => {
    for (const rule of [
      'example.com',
      '*.example.com',
      'https://example.com/',
      'https://a.*.com',
    ]) {
      assert.throws(() => allowOrigins([rule]), TypeError, rule);
    }
  });

  it('answers 403 over a socket, and refuses two Origin headers', async () => {
    const router = new Router().route('/chat', () => accept(echo()), {
      guards: [allowOrigins(['https://example.com', 'https://evil.net'])],
    });
    await withRouter(router, async (server, port) => {
      const client = await openClient(`${server.url}/chat`, [], {
        headers: { Origin: 'https://example.com' },
      });
      client.ws.close();
      await client.closed;
      const refused = await upgrade(port, '/chat', { Origin: 'https://evil-example.com' });
      assert.equal(refused.status, 403);
      assert.equal(refused.body, 'Forbidden: origin not allowed\n');
      // Two Origin headers, each allowed alone: node:http joins them, and that is no origin.
      const request = upgradeRequest({ Origin: 'https://example.com' }, 'GET /chat HTTP/1.1');
      const twice = request.replace('\r\n\r\n', '\r\nOrigin: https://evil.net\r\n\r\n');
      assert.equal((await exchange(port, twice)).status, 403);
    });
  });
});

describe('authenticateBasic', () => {
  const passwords = new Map([
    ['ada', 'lovelace'],
    ['zoë', 'pässwörd:with:colons ✓'],
  ]);
  const login = authenticateBasic('chat "room"', ({ username, password }) => {
    const expected = passwords.get(username);
    return expected !== undefined && constantTimeEqual(password, expected)
      ? { name: username }
      : undefined;
  });
  const router = new Router().route(
    '/chat',
    (request) => accept(echo(), { headers: { 'X-User': encodeURIComponent(request.user.name) } }),
    { guards: [login] },
  );
  const challenge = 'Basic realm="chat \\"room\\"", charset="UTF-8"';

  it('passes the user the verifier returns to the handler and to routeOf', async () => {
    await withRouter(router, async (server, port) => {
      const accepted = await upgrade(port, '/chat', { Authorization: basic('ada:lovelace') });
      assert.equal(accepted.status, 101);
      assert.equal(accepted.headers['x-user'], 'ada');
      const client = await openClient(`${server.url}/chat`, [], {
        headers: { Authorization: basic('ada:lovelace') },
      });
      const [connection] = server.connections;
      assert.deepEqual((routeOf(connection)?.request as { user?: unknown }).user, { name: 'ada' });
      client.ws.close();
      await client.closed;
    });
  });

  it('decodes unicode credentials as UTF-8; the password keeps its colons', async () => {
    await withRouter(router, async (_server, port) => {
      const answer = await upgrade(port, '/chat', {
        Authorization: basic('zoë:pässwörd:with:colons ✓'),
      });
      assert.equal(answer.status, 101);
      assert.equal(answer.headers['x-user'], encodeURIComponent('zoë'));
      const latin1 = basic(Buffer.from('zoë:pässwörd:with:colons ✓', 'latin1'));
      assert.equal((await upgrade(port, '/chat', { Authorization: latin1 })).status, 401);
    });
  });

  it('answers 401 with the RFC 7617 challenge, never 500, to missing or broken credentials', async () => {
    await withRouter(router, async (_server, port) => {
      for (const authorization of [
        undefined,
        basic('ada:wrong'),
        basic('nobody:lovelace'),
        basic('ada'), // no colon
        'Basic !!!!', // not base64
        'Basic YWRhOmxvdmVsYWNl=', // not a multiple of 4
        'Basic',
        'Bearer YWRhOmxvdmVsYWNl',
        basic(Buffer.from([0x61, 0x3a, 0xff, 0xfe])), // not UTF-8
        `Basic ${'A'.repeat(15_000)}`, // huge, within the head limit
      ]) {
        const answer = await upgrade(port, '/chat', { Authorization: authorization });
        assert.equal(answer.status, 401, authorization?.slice(0, 40));
        assert.equal(answer.headers['www-authenticate'], challenge);
        assert.equal(answer.body, 'Unauthorized\n');
      }
      const lowerCase = `basic ${Buffer.from('ada:lovelace').toString('base64')}`;
      assert.equal((await upgrade(port, '/chat', { Authorization: lowerCase })).status, 101);
      const tooBig = await upgrade(port, '/chat', { Authorization: `Basic ${'A'.repeat(20_000)}` });
      assert.equal(tooBig.status, 431);
    });
  });

  it('waits for an async verifier; one that throws answers 500 and reaches onError', async () => {
    const errors: unknown[] = [];
    const asyncRouter = new Router()
      .route(
        '/async',
        {
          guards: [
            authenticateBasic('x', async ({ username }) => (username === 'ada' ? 1 : undefined)),
          ],
        },
        (request) => accept(echo(), { headers: { 'X-Id': `${request.user + 0}` } }),
      )
      .route(
        '/throws',
        {
          guards: [
            authenticateBasic('x', () => {
              throw new Error('database down');
            }),
          ],
        },
        () => accept(echo()),
      );
    await withRouter(
      asyncRouter,
      async (_server, port) => {
        const accepted = await upgrade(port, '/async', { Authorization: basic('ada:') });
        assert.equal(accepted.status, 101);
        assert.equal(accepted.headers['x-id'], '1');
        assert.equal((await upgrade(port, '/async', { Authorization: basic('bob:') })).status, 401);
        assert.equal((await upgrade(port, '/throws', { Authorization: basic('a:b') })).status, 500);
      },
      (error) => errors.push(error),
    );
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /database down/);
  });

  it('constantTimeEqual compares strings and bytes of any length', () => {
    assert.equal(constantTimeEqual('lovelace', 'lovelace'), true);
    assert.equal(constantTimeEqual('lovelace', 'lovelacE'), false);
    assert.equal(constantTimeEqual('love', 'lovelace'), false);
    assert.equal(constantTimeEqual('', ''), true);
    assert.equal(constantTimeEqual(new Uint8Array([1, 2]), Buffer.from([1, 2])), true);
    assert.equal(constantTimeEqual('é', Buffer.from('é')), true);
  });

  it('refuses a realm with control characters', () => {
    assert.throws(() => authenticateBasic('a\r\nSet-Cookie: x', () => 1), TypeError);
  });
});

describe('guards composed', () => {
  it('run in order; the first refusal answers and later guards and the handler are not asked', async () => {
    const asked: string[] = [];
    const record =
      (name: string, answer: () => ReturnType<Guard>): Guard =>
      () => {
        asked.push(name);
        return answer();
      };
    const router = new Router()
      .route('/refused', () => accept(echo()), {
        guards: [
          record('first', () => pass()),
          record('second', () => reject(403)),
          record('third', () => pass()),
        ],
      })
      .route(
        '/passed',
        {
          guards: [
            record('a', () => pass({ a: 1 })) as Guard<{ a: number }>,
            record('b', () => Promise.resolve(pass({ b: 2 }))) as Guard<{ b: number }>,
          ],
        },
        (request) => accept(echo(), { headers: { 'X-Seen': `${request.a}${request.b}` } }),
      );
    await withRouter(router, async (_server, port) => {
      assert.equal((await upgrade(port, '/refused')).status, 403);
      assert.deepEqual(asked.splice(0), ['first', 'second']);
      const passed = await upgrade(port, '/passed');
      assert.equal(passed.status, 101);
      assert.equal(passed.headers['x-seen'], '12');
      assert.deepEqual(asked, ['a', 'b']);
    });
  });

  it('a guard that adds a field the request has, or answers nonsense, answers 500', async () => {
    const errors: unknown[] = [];
    const router = new Router()
      .route('/clash', () => accept(echo()), { guards: [() => pass({ origin: 'forged' })] })
      .route('/nonsense', () => accept(echo()), {
        guards: [(() => true) as unknown as Guard],
      });
    await withRouter(
      router,
      async (_server, port) => {
        assert.equal((await upgrade(port, '/clash', { Origin: 'https://a.b' })).status, 500);
        assert.equal((await upgrade(port, '/nonsense')).status, 500);
      },
      (error) => errors.push(error),
    );
    assert.equal(errors.length, 2);
    assert.ok(errors.every((error) => error instanceof TypeError));
  });

  it('a client that leaves while an async guard decides: the handler is not asked', async () => {
    let guardStarted!: () => void;
    const started = new Promise<void>((resolve) => (guardStarted = resolve));
    let guardDone!: () => void;
    const done = new Promise<void>((resolve) => (guardDone = resolve));
    let handlerAsked = false;
    const errors: unknown[] = [];
    const slowGuard: Guard = async (request) => {
      const gone = once(request.raw.socket, 'close');
      guardStarted();
      await gone; // noticed because the server reads the socket while the guard decides
      setImmediate(guardDone);
      return pass();
    };
    const router = new Router().route(
      '/slow',
      () => {
        handlerAsked = true;
        return accept(echo());
      },
      { guards: [slowGuard] },
    );
    await withRouter(
      router,
      async (server, port) => {
        const socket = connect(port, '127.0.0.1');
        await once(socket, 'connect');
        socket.write(upgradeRequest({}, 'GET /slow HTTP/1.1'));
        await started;
        socket.end();
        await done;
        assert.equal(server.connections.size, 0);
      },
      (error) => errors.push(error),
    );
    assert.equal(handlerAsked, false);
    assert.deepEqual(errors, []);
  });

  it('guard on attachWebSocket beside an Express app', async () => {
    const app = express();
    app.get('/', (_request, response) => {
      response.send('page');
    });
    const httpServer = createServer(app);
    const router = new Router().route(
      '/ws',
      {
        guards: [
          allowOrigins('http://127.0.0.1'),
          authenticateBasic('app', ({ username }) => (username === 'ada' ? username : undefined)),
        ],
      },
      (request) => accept(echo(), { data: request.user.toUpperCase() }),
    );
    const attachment = attachWebSocket(httpServer, router, { onError: () => undefined });
    httpServer.listen(0, '127.0.0.1');
    await once(httpServer, 'listening');
    const { port } = httpServer.address() as AddressInfo;
    try {
      const ok = { Origin: 'http://127.0.0.1', Authorization: basic('ada:x') };
      assert.equal((await upgrade(port, '/ws', ok)).status, 101);
      const foreign = { ...ok, Origin: 'https://evil.net' };
      assert.equal((await upgrade(port, '/ws', foreign)).status, 403);
      assert.equal((await upgrade(port, '/ws', { Origin: ok.Origin })).status, 401);
      const page = await rawExchange(
        port,
        'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      assert.equal(page.body, 'page');
    } finally {
      await attachment.close();
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
    }
  });
});
