// WebSocketUpgrade: the low-level API on a bare http.Server's 'upgrade' event, with ws as client.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import {
  HandshakeError,
  HandshakeErrorCode,
  InvalidStateError,
  WebSocketUpgrade,
  concat,
  echo,
  ignore,
  isWebSocketRequest,
  maybe,
  rejectUpgrade,
} from '../../src/index.js';
import type { Connection } from '../../src/index.js';
import { expectRefused, openClient, rawExchange, upgradeRequest } from './support.js';

type OnUpgrade = (upgrade: WebSocketUpgrade, request: IncomingMessage, socket: Duplex) => void;

/** A bare server whose 'upgrade' listener hands each valid upgrade to `onUpgrade`. */
async function withServer(
  onUpgrade: OnUpgrade,
  test: (url: string, port: number) => Promise<void>,
): Promise<void> {
  const server: Server = createServer();
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    let upgrade: WebSocketUpgrade | undefined;
    try {
      upgrade = WebSocketUpgrade.from(request, socket, head);
    } catch (error) {
      return rejectUpgrade(socket, error);
    }
    if (upgrade === undefined)
      return rejectUpgrade(socket, 400, { body: 'Expected WebSocket request\n' });
    onUpgrade(upgrade, request, socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    await test(`ws://127.0.0.1:${port}`, port);
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

describe('WebSocketUpgrade', () => {
  it('exposes the request and the offered subprotocols, and accepts the chosen one', async () => {
    let seen: WebSocketUpgrade | undefined;
    await withServer(
      (upgrade) => {
        seen = upgrade;
        const subprotocol = upgrade.requestedProtocols.includes('v2.chat') ? 'v2.chat' : undefined;
        upgrade.handleMessages(echo(), { subprotocol, headers: { 'X-Served-By': 'wsflow' } });
      },
      async (url) => {
        const client = await openClient(`${url}/room/7`, ['v1.chat', 'v2.chat']);
        assert.equal(client.ws.protocol, 'v2.chat');
        client.ws.send('hi');
        assert.equal((await client.next()).data.toString(), 'hi');
        client.ws.close();
        await client.closed;
      },
    );
    assert.ok(seen !== undefined);
    assert.deepEqual(seen.requestedProtocols, ['v1.chat', 'v2.chat']);
    assert.equal(seen.request.url, '/room/7');
    assert.equal(seen.answered, true);
    assert.ok(seen.requestedExtensions.some((offer) => offer.name === 'permessage-deflate'));
  });

  it('refuses a subprotocol the client did not offer: 500 to the client, HandshakeError thrown', async () => {
    let thrown: unknown;
    await withServer(
      (upgrade) => {
        try {
          upgrade.handleMessages(echo(), { subprotocol: 'superchat' });
        } catch (error) {
          thrown = error;
        }
      },
      async (url) => {
        const refused = await expectRefused(url, ['chat']);
        assert.equal(refused.status, 500);
      },
    );
    assert.ok(thrown instanceof HandshakeError);
    assert.equal(thrown.code, HandshakeErrorCode.SubprotocolNotOffered);
    assert.equal(thrown.status, 500);
  });

  it('an invalid extra header answers 500 instead of leaving the client waiting', async () => {
    let thrown: unknown;
    await withServer(
      (upgrade) => {
        try {
          upgrade.handleMessages(echo(), { headers: { 'X-Bad': 'a\r\nInjected: yes' } });
        } catch (error) {
          thrown = error;
        }
      },
      async (url) => {
        const refused = await expectRefused(url, []);
        assert.equal(refused.status, 500);
      },
    );
    assert.ok(thrown instanceof TypeError);
  });

  it('reject(403) reaches the client as an unexpected response with status and body', async () => {
    await withServer(
      (upgrade) => {
        if (upgrade.request.headers.authorization === undefined) {
          upgrade.reject(403, {
            headers: { 'X-Reason': 'no-token' },
            body: 'Forbidden: log in first\n',
          });
        }
      },
      async (url) => {
        const refused = await expectRefused(url);
        assert.equal(refused.status, 403);
        assert.equal(refused.headers['x-reason'], 'no-token');
        assert.equal(refused.body, 'Forbidden: log in first\n');
      },
    );
  });

  it('answers only once', async () => {
    const errors: unknown[] = [];
    await withServer(
      (upgrade) => {
        upgrade.handleMessages(echo());
        try {
          upgrade.reject(404);
        } catch (error) {
          errors.push(error);
        }
        try {
          upgrade.handleMessages(echo());
        } catch (error) {
          errors.push(error);
        }
      },
      async (url) => {
        const client = await openClient(url);
        client.ws.close();
        await client.closed;
      },
    );
    assert.equal(errors.length, 2);
    for (const error of errors) assert.ok(error instanceof InvalidStateError);
  });

  it('returns the Connection: its close(code, reason) reaches the client', async () => {
    const connections: Connection[] = [];
    await withServer(
      (upgrade) => {
        const source = concat(['welcome'], maybe<string>().source); // stays open after 'welcome'
        connections.push(upgrade.handleMessagesWithSinkSource(ignore(), source));
      },
      async (url) => {
        const client = await openClient(url);
        assert.equal((await client.next()).data.toString(), 'welcome');
        const [connection] = connections;
        const outcome = await connection.close(4001, 'server says bye');
        assert.deepEqual(await client.closed, { code: 4001, reason: 'server says bye' });
        assert.equal(outcome.code, 4001);
        assert.equal(outcome.wasClean, true);
      },
    );
  });

  it('is undefined for a request that does not ask for a WebSocket', async () => {
    await withServer(
      () => assert.fail('not a WebSocket request'),
      async (_url, port) => {
        const response = await rawExchange(port, upgradeRequest({ Upgrade: 'h2c' }));
        assert.equal(response.status, 400);
      },
    );
  });

  it('throws a HandshakeError carrying the response for a malformed request', async () => {
    await withServer(
      () => assert.fail('malformed'),
      async (_url, port) => {
        const response = await rawExchange(port, upgradeRequest({ 'Sec-WebSocket-Version': '7' }));
        assert.equal(response.status, 426);
        assert.equal(response.headers['sec-websocket-version'], '13');
      },
    );
  });

  it('recognises WebSocket requests by their Upgrade header', () => {
    const request = (upgrade: string | undefined): IncomingMessage =>
      ({ headers: upgrade === undefined ? {} : { upgrade } }) as IncomingMessage;
    assert.equal(isWebSocketRequest(request('websocket')), true);
    assert.equal(isWebSocketRequest(request('h2c, WebSocket')), true);
    assert.equal(isWebSocketRequest(request('h2c')), false);
    assert.equal(isWebSocketRequest(request(undefined)), false);
    assert.equal(isWebSocketRequest(request('web socket')), false);
  });
});
