// Client handshakes that fail, over node:http(s): network failures (refused, timeout, DNS, TLS),
// 101 answers that break RFC 6455 section 4.1, plain answers, bad requests; and the agent and TLS
// options that make a handshake succeed.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, createServer } from 'node:http';
import type { ClientRequestArgs } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createConnection, createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import {
  HandshakeError,
  HandshakeErrorCode,
  InvalidStateError,
  attachWebSocket,
  concat,
  echo,
  openWebSocket,
  singleWebSocketRequest,
  webSocketClientFlow,
  webSocketClientLayer,
} from '../../src/index.js';
import { computeAccept } from '../../src/protocol/handshake.js';
import { readAllMessages } from './support.js';
import { makeCertificate } from '../helpers/tls.js';

const tls = makeCertificate();
const closers: (() => void)[] = [];
after(() => {
  for (const close of closers) close();
  tls.dispose();
});

/** A TCP server on 127.0.0.1 that answers each request head with `answer(key)`, or never. */
async function rawServer(answer?: (key: string) => string): Promise<number> {
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (answer === undefined || !head.includes('\r\n\r\n')) return;
      const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? '';
      socket.write(answer(key));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** A 101 with the right accept value and `extra` header lines. */
function upgradeAnswer(key: string, extra = '', accept = computeAccept(key)): string {
  return (
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${accept}\r\n${extra}\r\n`
  );
}

/** Asserts a HandshakeError with `code` and returns it. */
async function handshakeError(promise: Promise<unknown>, code: string): Promise<HandshakeError> {
  let caught: unknown;
  await promise.catch((error: unknown) => (caught = error));
  assert.ok(caught instanceof HandshakeError, `expected a HandshakeError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

describe('network failures', () => {
  it('reports a refused connection, with the system error as cause', async () => {
    const port = await rawServer();
    closers.pop()?.(); // Nothing listens on the port any more.
    const error = await handshakeError(
      openWebSocket(`ws://127.0.0.1:${port}/`),
      HandshakeErrorCode.Network,
    );
    assert.equal(error.status, undefined);
    assert.equal((error.cause as { code?: string }).code, 'ECONNREFUSED');
    const single = singleWebSocketRequest(`ws://127.0.0.1:${port}/`, echo());
    await handshakeError(single.upgradeResponse, HandshakeErrorCode.Network);
    await handshakeError(single.closed, HandshakeErrorCode.Network);
  });

  it('times out on a server that never answers', async () => {
    const port = await rawServer();
    const request = { url: `ws://127.0.0.1:${port}/`, handshakeTimeoutMs: 100 };
    await handshakeError(openWebSocket(request), HandshakeErrorCode.Timeout);
  });

  it('reports a DNS failure from the lookup the agent uses', async () => {
    const agent = new Agent();
    const failingLookup = (_host: string, _options: unknown, callback: (e: Error) => void): void =>
      callback(
        Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' }),
      );
    agent.createConnection = (options: ClientRequestArgs) =>
      createConnection({ ...(options as object), lookup: failingLookup } as never);
    const error = await handshakeError(
      openWebSocket({ url: 'ws://nowhere.test/', agent }),
      HandshakeErrorCode.Network,
    );
    assert.equal((error.cause as { code?: string }).code, 'ENOTFOUND');
  });

  it('rejects an untrusted certificate unless told otherwise', async () => {
    const server = createHttpsServer({ cert: tls.cert, key: tls.key });
    attachWebSocket(server, (upgrade) => void upgrade.handleMessages(echo()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => server.close());
    const url = `wss://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const error = await handshakeError(openWebSocket(url), HandshakeErrorCode.Network);
    assert.match(String((error.cause as { code?: string }).code), /SELF_SIGNED/);
    const trusting = await openWebSocket({ url, tls: { rejectUnauthorized: false } });
    await trusting.close();
    const withCa = await openWebSocket({ url, tls: { ca: tls.cert } });
    await withCa.close();
  });

  it('presents a client certificate to a server that asks for one', async () => {
    const server = createHttpsServer({
      cert: tls.cert,
      key: tls.key,
      ca: tls.cert,
      requestCert: true,
      rejectUnauthorized: false,
    });
    attachWebSocket(server, (upgrade) => {
      const socket = upgrade.request.socket as TLSSocket;
      if (!socket.authorized) return upgrade.reject(403, { body: 'client certificate required\n' });
      upgrade.handleMessages(echo());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => server.close());
    const url = `wss://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const socket = await openWebSocket({
      url,
      tls: { ca: tls.cert, cert: tls.cert, key: tls.key },
    });
    await socket.close();
    const error = await handshakeError(
      openWebSocket({ url, tls: { ca: tls.cert } }),
      HandshakeErrorCode.Status,
    );
    assert.deepEqual([error.status, error.body], [403, 'client certificate required\n']);
  });
});

describe('answers that are not a valid upgrade', () => {
  const cases: [string, (key: string) => string, string][] = [
    [
      'a wrong accept key',
      (key) => upgradeAnswer(key, '', computeAccept(`${key}x`)),
      HandshakeErrorCode.Accept,
    ],
    [
      'no accept key',
      () => 'HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      HandshakeErrorCode.Accept,
    ],
    [
      'no Upgrade header',
      (key) => upgradeAnswer(key).replace('Upgrade: websocket\r\n', ''),
      HandshakeErrorCode.Upgrade,
    ],
    [
      'an unoffered subprotocol',
      (key) => upgradeAnswer(key, 'Sec-WebSocket-Protocol: other\r\n'),
      HandshakeErrorCode.SubprotocolNotOffered,
    ],
    [
      'an unoffered extension',
      (key) => upgradeAnswer(key, 'Sec-WebSocket-Extensions: x-other\r\n'),
      HandshakeErrorCode.ExtensionNotOffered,
    ],
  ];
  for (const [what, answer, code] of cases) {
    it(`fails a 101 with ${what}`, async () => {
      const port = await rawServer(answer);
      const url = `ws://127.0.0.1:${port}/`;
      const response = await singleWebSocketRequest({ url, subprotocols: ['chat'] }, echo())
        .upgradeResponse;
      assert.ok(!response.valid);
      assert.equal(response.cause.code, code);
      await handshakeError(openWebSocket({ url, subprotocols: ['chat'] }), code);
    });
  }

  it('lists the offered extensions the server accepted', async () => {
    const port = await rawServer((key) =>
      upgradeAnswer(key, 'Sec-WebSocket-Extensions: x-test; p=1\r\n'),
    );
    const extensions = [{ name: 'x-test', params: [['p', true]] as [string, true][] }];
    const flow = webSocketClientFlow({ url: `ws://127.0.0.1:${port}/`, extensions });
    void flow.readable
      .getReader()
      .read()
      .catch(() => undefined);
    const response = await flow.upgradeResponse;
    assert.ok(response.valid);
    assert.deepEqual(response.extensions, [{ name: 'x-test', params: [['p', '1']] }]);
  });

  it('reads a plain answer from a server that is not a WebSocket server, within a bound', async () => {
    const server = createServer((_request, response) => response.end('hello, plain HTTP'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => server.close());
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const response = await singleWebSocketRequest(url, echo(), { maxResponseBodyBytes: 5 })
      .upgradeResponse;
    assert.ok(!response.valid);
    assert.deepEqual([response.status, response.statusText, response.body], [200, 'OK', 'hello']);
  });

  it('reads a chunked refusal, on its own socket as through an agent', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(403, { 'Content-Type': 'text/plain' });
      response.write('go ');
      response.end('away');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => server.close());
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    for (const agent of [undefined, new Agent()]) {
      const error = await handshakeError(openWebSocket({ url, agent }), HandshakeErrorCode.Status);
      assert.deepEqual([error.status, error.body], [403, 'go away']);
      assert.equal(error.headers['transfer-encoding'], 'chunked');
    }
  });

  it('connects through the http.Agent it is given (custom sockets, proxies)', async () => {
    const server = createServer();
    attachWebSocket(server, (upgrade) => void upgrade.handleMessages(echo()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => server.close());
    const port = (server.address() as AddressInfo).port;
    const agent = new Agent();
    const hosts: string[] = [];
    agent.createConnection = (options: ClientRequestArgs) => {
      hosts.push(`${options.host}`);
      return createConnection(port, '127.0.0.1');
    };
    const socket = await openWebSocket({ url: 'ws://echo.test/chat', agent });
    await socket.send('through the agent');
    assert.equal(await socket.receiveText(), 'through the agent');
    await socket.close();
    assert.deepEqual(hosts, ['echo.test']);
  });
});

describe('requests that do not check', () => {
  const bad: [string, unknown][] = [
    ['an unknown scheme', 'ftp://127.0.0.1/'],
    ['a fragment', 'ws://127.0.0.1/#part'],
    ['no URL', 'not a url'],
    ['a handshake header', { url: 'ws://127.0.0.1/', extraHeaders: { 'Sec-WebSocket-Key': 'x' } }],
    ['a header with CRLF', { url: 'ws://127.0.0.1/', extraHeaders: { 'X-A': 'a\r\nB: c' } }],
    ['a repeated subprotocol', { url: 'ws://127.0.0.1/', subprotocols: ['a', 'a'] }],
    ['a timeout of 0', { url: 'ws://127.0.0.1/', handshakeTimeoutMs: 0 }],
  ];
  for (const [what, request] of bad) {
    it(`throws a TypeError at once for ${what}, from every entry point`, () => {
      const given = request as string;
      assert.throws(() => openWebSocket(given), TypeError);
      assert.throws(() => singleWebSocketRequest(given, echo()), TypeError);
      assert.throws(() => webSocketClientFlow(given), TypeError);
      assert.throws(() => webSocketClientLayer(given), TypeError);
    });
  }

  it('refuses a second use of a webSocketClientFlow with a clear error', async () => {
    const server = createServer();
    attachWebSocket(server, (upgrade) => void upgrade.handleMessages(echo()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => server.close());
    const flow = webSocketClientFlow(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const first = readAllMessages(concat<string>([]).pipeThrough(flow));
    assert.throws(() => concat(['again']).pipeThrough(flow), InvalidStateError);
    assert.deepEqual(await first, []);
    assert.throws(() => flow.readable, /already used.*webSocketClientFlow\(request\) again/);
  });
});
