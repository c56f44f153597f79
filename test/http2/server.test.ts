// The server side of WebSockets over HTTP/2 (RFC 8441), checked with node's own HTTP/2 client:
// the extended CONNECT, its 200 and refusals, and a Connection run over the stream.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { Connection } from '../../src/connection/connection.js';
import { Router, accept, echo, reject } from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { openClient } from '../server/support.js';
import { extendedConnect, http2Server, openSession, readBody } from './support.js';
import type { Http2Fixture } from './support.js';

const fixtures: Http2Fixture[] = [];
after(() => Promise.all(fixtures.map((fixture) => fixture.stop())));

async function started(...args: Parameters<typeof http2Server>): Promise<Http2Fixture> {
  const fixture = await http2Server(...args);
  fixtures.push(fixture);
  return fixture;
}

/** The first message a client Connection receives, as text; rejects if it closes first. */
function nextText(connection: Connection): Promise<string> {
  return new Promise((resolve, reject) => {
    connection.onMessage((message: Message) => {
      if (message.isText && message.isStrict) resolve(message.text);
    });
    connection.onClosed((outcome) => reject(new Error(`closed first: ${outcome.code}`)));
  });
}

describe('attachWebSocket on an HTTP/2 server', () => {
  for (const tls of [false, true]) {
    it(`accepts an extended CONNECT with 200 and runs the WebSocket over the stream (${tls ? 'TLS' : 'h2c'})`, async () => {
      const fixture = await started((upgrade) => void upgrade.handleMessages(echo()), { tls });
      const session = await openSession(fixture);
      assert.equal(session.remoteSettings.enableConnectProtocol, true);
      const { stream, response } = await extendedConnect(session, '/echo');
      assert.equal(response[':status'], 200);
      assert.equal(response['sec-websocket-accept'], undefined);
      const connection = new Connection(stream, { side: 'client' });
      const reply = nextText(connection);
      await connection.send('over HTTP/2');
      assert.equal(await reply, 'over HTTP/2');
      const outcome = await connection.close(1000, 'done');
      assert.equal(outcome.code, 1000);
      assert.equal(outcome.wasClean, true);
      // The stream ended, the session did not.
      if (!stream.closed) await once(stream, 'close');
      assert.equal(session.closed, false);
      assert.equal(session.destroyed, false);
      assert.equal(fixture.attachment.connections.size <= 1, true);
      session.close();
    });
  }

  it('serves an HTTP/1.1 upgrade and an HTTP/2 CONNECT on one TLS port', async () => {
    const fixture = await started((upgrade) => void upgrade.handleMessages(echo()), { tls: true });
    const http1 = await openClient(`wss${fixture.origin.slice('https'.length)}/`, [], {
      ca: fixture.cert,
    });
    http1.ws.send('over HTTP/1.1');
    assert.equal((await http1.next()).data.toString(), 'over HTTP/1.1');
    const session = await openSession(fixture);
    const { stream } = await extendedConnect(session, '/');
    const connection = new Connection(stream, { side: 'client' });
    const reply = nextText(connection);
    await connection.send('over HTTP/2');
    assert.equal(await reply, 'over HTTP/2');
    assert.equal(fixture.attachment.connections.size, 2);
    http1.ws.close();
    await http1.closed;
    await connection.close();
    session.close();
  });

  it('routes the stream by its :path, and answers a refusal as a :status response', async () => {
    const router = new Router()
      .route('/open', () => accept(echo()))
      .route('/closed', () => reject(403, { body: 'Forbidden\n', headers: { 'x-why': 'closed' } }));
    const fixture = await started(router);
    const session = await openSession(fixture);
    const refused = await extendedConnect(session, '/closed');
    assert.equal(refused.response[':status'], 403);
    assert.equal(refused.response['x-why'], 'closed');
    assert.equal(await readBody(refused.stream), 'Forbidden\n');
    const unknown = await extendedConnect(session, '/nowhere');
    assert.equal(unknown.response[':status'], 404);
    await readBody(unknown.stream);
    const open = await extendedConnect(session, '/open');
    assert.equal(open.response[':status'], 200);
    const connection = new Connection(open.stream, { side: 'client' });
    const reply = nextText(connection);
    await connection.send('still one session');
    assert.equal(await reply, 'still one session');
    await connection.close();
    session.close();
  });

  it('refuses another Sec-WebSocket-Version with 400 and sec-websocket-version: 13', async () => {
    const fixture = await started((upgrade) => void upgrade.handleMessages(echo()));
    const session = await openSession(fixture);
    const { stream, response } = await extendedConnect(session, '/', {
      'sec-websocket-version': '8',
    });
    assert.equal(response[':status'], 400);
    assert.equal(response['sec-websocket-version'], '13');
    assert.match(await readBody(stream), /Sec-WebSocket-Version must be 13/);
    session.close();
  });

  it('shows the handler the request as node:http would: CONNECT, 2.0, host and cookies', async () => {
    let seen:
      | {
          method?: string;
          url?: string;
          version: string;
          host?: string;
          cookie?: string;
          protocols: readonly string[];
        }
      | undefined;
    const fixture = await started((upgrade) => {
      const { request } = upgrade;
      seen = {
        method: request.method,
        url: request.url,
        version: request.httpVersion,
        host: request.headers.host,
        cookie: request.headers.cookie,
        protocols: upgrade.requestedProtocols,
      };
      upgrade.handleMessages(echo(), { subprotocol: 'chat' });
    });
    const session = await openSession(fixture);
    const { response } = await extendedConnect(session, '/room?x=1', {
      'sec-websocket-protocol': 'chat, superchat',
      cookie: ['a=1', 'b=2'],
    });
    assert.equal(response[':status'], 200);
    assert.equal(response['sec-websocket-protocol'], 'chat');
    assert.deepEqual(seen, {
      method: 'CONNECT',
      url: '/room?x=1',
      version: '2.0',
      host: fixture.origin.slice('http://'.length),
      cookie: 'a=1; b=2',
      protocols: ['chat', 'superchat'],
    });
    session.destroy();
  });

  it('keeps plain requests to the compatibility layer and its other CONNECTs at 405', async () => {
    const fixture = await started((upgrade) => void upgrade.handleMessages(echo()), {
      onRequest: (_request, response) => response.end('page'),
    });
    const session = await openSession(fixture);
    const page = session.request({ ':path': '/' });
    assert.equal(await readBody(page), 'page');
    const open = await extendedConnect(session, '/ws');
    assert.equal(open.response[':status'], 200);
    const connection = new Connection(open.stream, { side: 'client' });
    const reply = nextText(connection);
    await connection.send('beside a page');
    assert.equal(await reply, 'beside a page');
    const tunnel = session.request({ ':method': 'CONNECT', ':authority': 'example.com:443' });
    const [tunnelResponse] = (await once(tunnel, 'response')) as [Record<string, unknown>];
    assert.equal(tunnelResponse[':status'], 405);
    await connection.close();
    session.destroy();
  });
});
