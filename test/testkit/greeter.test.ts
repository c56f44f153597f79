// Akka HTTP's WSProbe example, almost line for line: the greeter route tested in memory, then
// routed and rejecting routes (404, 403, 401), subprotocols, cookies and origin.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BinaryMessage,
  Router,
  TextMessage,
  accept,
  concat,
  discardMessage,
  echo,
  map,
  reject,
} from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { WS, WSProbe } from '../../src/testkit/index.js';

describe('WS and WSProbe: the greeter of Akka HTTP', () => {
  it('greets text messages and ignores binary ones', async () => {
    // #region docs/testing.md
    const greeter = map((message: Message) => {
      if (!message.isText) {
        discardMessage(message); // ignore binary messages but drain their content
        return undefined;
      }
      return TextMessage.streamed(concat(['Hello '], message.textStream, ['!']));
    });
    const websocketRoute = new Router().route('/greeter', () => accept(greeter));

    // create a testing probe representing the client side
    const wsClient = new WSProbe();
    // WS creates a WebSocket request for testing
    const check = await WS('/greeter', wsClient.flow).run(websocketRoute);
    // check the response for the WebSocket upgrade
    assert.equal(check.isWebSocketUpgrade, true);
    // manually run a WebSocket conversation
    wsClient.sendMessage('Peter');
    await wsClient.expectMessage('Hello Peter!');
    wsClient.sendMessage(BinaryMessage.strict(Buffer.from('abcdef')));
    await wsClient.expectNoMessage(100);
    wsClient.sendMessage('John');
    await wsClient.expectMessage('Hello John!');
    wsClient.sendCompletion();
    await wsClient.expectCompletion();
    // #endregion
  });

  it('sends and receives Streamed messages, bytes and checks', async () => {
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(echo());
    wsClient.sendMessage(TextMessage.streamed(['str', 'eam', 'ed']));
    await wsClient.expectMessage('streamed');
    wsClient.sendMessage(Uint8Array.of(1, 2, 3));
    await wsClient.expectMessage(Uint8Array.of(1, 2, 3));
    wsClient.sendMessage(BinaryMessage.streamed([Uint8Array.of(4), Uint8Array.of(5)]));
    const message = await wsClient.expectMessage((m) => m.isBinary && m.data.length === 2);
    assert.deepEqual([...(message as { data: Uint8Array }).data], [4, 5]);
    wsClient.sendMessage('any');
    assert.equal((await wsClient.expectMessage()).isText, true);
    wsClient.sendCompletion();
    assert.deepEqual({ code: (await wsClient.expectClose(1000)).code }, { code: 1000 });
  });
});

describe('WS against routes', () => {
  it('answers rejections with their status and body (docs)', async () => {
    // #region docs/testing.md
    const routes = new Router().route('/rooms/:room', (request) => {
      if (request.cookies.session === undefined) return reject(401, { body: 'Log in\n' });
      if (request.headers.origin !== 'https://chat.example') return reject(403);
      return accept(map(() => `welcome to ${request.params.room}`));
    });

    const anonymous = await WS('/rooms/lobby', new WSProbe().flow).run(routes);
    assert.deepEqual([anonymous.status, anonymous.body], [401, 'Log in\n']);
    const unknown = await WS('/nowhere', new WSProbe().flow).run(routes);
    assert.equal(unknown.status, 404);

    const wsClient = new WSProbe();
    const member = await WS('/rooms/lobby', wsClient.flow, {
      cookies: { session: 'abc' },
      origin: 'https://chat.example',
    }).run(routes);
    assert.equal(member.isWebSocketUpgrade, true);
    wsClient.sendMessage('hi');
    await wsClient.expectMessage('welcome to lobby');
    // #endregion
  });

  const routes = new Router()
    .route('/rooms/:room', (request) => {
      if (request.cookies.session === undefined) return reject(401, { body: 'Log in\n' });
      if (request.headers.origin !== 'https://chat.example') {
        return reject(403, { body: 'Forbidden\n' });
      }
      return accept(map(() => `welcome to ${request.params.room}`));
    })
    .route('/api', () => accept(map(() => 'v2 here')), { subprotocol: 'api.v2' })
    .route('/api', () => accept(map(() => 'v1 here')), { subprotocol: 'api.v1' });

  it('accepts a request with the cookie and origin the route wants', async () => {
    const wsClient = new WSProbe();
    const result = await WS('/rooms/lobby', wsClient.flow, {
      cookies: { session: 'abc' },
      origin: 'https://chat.example',
    }).run(routes);
    assert.equal(result.isWebSocketUpgrade, true);
    assert.equal(result.status, 101);
    wsClient.sendMessage('hi');
    await wsClient.expectMessage('welcome to lobby');
  });

  it('answers 401 without the cookie, 403 from another origin, 404 elsewhere', async () => {
    const unauthenticated = await WS('/rooms/lobby', new WSProbe().flow).run(routes);
    assert.deepEqual(
      [unauthenticated.isWebSocketUpgrade, unauthenticated.status, unauthenticated.body],
      [false, 401, 'Log in\n'],
    );
    const elsewhere = await WS('/rooms/lobby', new WSProbe().flow, {
      cookies: { session: 'abc' },
      origin: 'https://evil.example',
    }).run(routes);
    assert.deepEqual([elsewhere.status, elsewhere.body], [403, 'Forbidden\n']);
    const unknown = await WS('/nowhere', new WSProbe().flow).run(routes);
    assert.deepEqual([unknown.isWebSocketUpgrade, unknown.status], [false, 404]);
    assert.equal(unknown.connection, undefined);
  });

  it('chooses the route of a subprotocol the client offers, in the order of the routes', async () => {
    const v1Client = new WSProbe();
    const v1 = await WS('/api', v1Client.flow, { subprotocols: ['api.v1'] }).run(routes);
    assert.equal(v1.subprotocol, 'api.v1');
    v1Client.sendMessage('which?');
    await v1Client.expectMessage('v1 here');
    const both = await WS('/api', new WSProbe().flow, { subprotocols: ['api.v1', 'api.v2'] }).run(
      routes,
    );
    assert.equal(both.subprotocol, 'api.v2');
  });

  it('runs an upgrade handler and reads its headers', async () => {
    const wsClient = new WSProbe();
    const result = await WS('/x', wsClient.flow, { headers: { authorization: 'Bearer t' } }).run(
      (upgrade) => {
        if (upgrade.request.headers.authorization !== 'Bearer t') return upgrade.reject(401);
        upgrade.handleMessages(echo(), { headers: { 'x-seen': 'yes' } });
      },
    );
    assert.equal(result.headers['x-seen'], 'yes');
    wsClient.sendMessage('echo');
    await wsClient.expectMessage('echo');
  });

  it('runs an async generator flow', async () => {
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(async function* (incoming: AsyncIterable<Message>) {
      for await (const message of incoming) {
        if (message.isText && message.isStrict) yield message.text.toUpperCase();
      }
    });
    wsClient.sendMessage('loud');
    await wsClient.expectMessage('LOUD');
  });
});
