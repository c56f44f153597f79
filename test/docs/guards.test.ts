// The snippets of docs/guards.md, run as written (test/docs/snippets.test.ts checks that they
// are the page's), each followed by a client that checks what the page says.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Router,
  accept,
  allowOrigins,
  authenticateBasic,
  basicAuth,
  constantTimeEqual,
  echo,
  map,
  openWebSocket,
  pass,
  reject,
  routeOf,
  serve,
} from '../../src/index.js';
import type { Guard } from '../../src/index.js';
import { refusal } from './support.js';

const TIMEOUT = { timeout: 10_000 };

describe('docs/guards.md', () => {
  it('an Origin allow-list and Basic authentication before the handler', TIMEOUT, async () => {
    // #region docs/guards.md
    const passwords = new Map([['ada', 'lovelace']]);

    const router = new Router().route(
      '/chat/:room',
      {
        guards: [
          allowOrigins(['https://example.com', 'https://*.example.com']), // else 403
          authenticateBasic('chat', ({ username, password }) => {
            const expected = passwords.get(username) ?? '';
            return constantTimeEqual(password, expected) && passwords.has(username)
              ? { name: username }
              : undefined; // 401 with WWW-Authenticate: Basic realm="chat", charset="UTF-8"
          }),
        ],
      },
      // request.user is typed from the guard: { name: string }
      (request) => accept(map(() => `${request.user.name} in ${request.params.room}`)),
    );
    // #endregion
    const server = await serve({ port: 0, handler: router });
    const url = `${server.url}/chat/lobby`;
    const socket = await openWebSocket({
      url,
      extraHeaders: {
        Origin: 'https://app.example.com',
        Authorization: basicAuth('ada', 'lovelace'),
      },
    });
    await socket.send('?');
    assert.equal(await socket.receiveText(), 'ada in lobby');
    await socket.close();
    const wrong = { Origin: 'https://example.com', Authorization: basicAuth('ada', 'x') };
    assert.equal(await refusal(openWebSocket({ url, extraHeaders: wrong })), 401);
    const foreign = { ...wrong, Origin: 'https://evil-example.com' };
    assert.equal(await refusal(openWebSocket({ url, extraHeaders: foreign })), 403);
    await server.close();
  });

  it('a guard of your own', TIMEOUT, async () => {
    // #region docs/guards.md
    const tenants = new Map([['k-123', { id: 7, name: 'acme' }]]);

    const apiKey: Guard<{ tenant: { id: number; name: string } }> = (request) => {
      const tenant = tenants.get(request.query.get('key') ?? '');
      return tenant === undefined ? reject(403, { body: 'Unknown key\n' }) : pass({ tenant });
    };

    const feeds = new Router().route('/feed', { guards: [apiKey] }, (request) => {
      return accept(echo(), { data: request.tenant });
    });
    // Later: routeOf<{ id: number; name: string }>(connection)?.data.name is 'acme'
    // #endregion
    const server = await serve({ port: 0, handler: feeds });
    assert.equal(await refusal(openWebSocket(`${server.url}/feed?key=nope`)), 403);
    const socket = await openWebSocket(`${server.url}/feed?key=k-123`);
    const [connection] = server.connections;
    assert.equal(routeOf<{ id: number; name: string }>(connection)?.data.name, 'acme');
    await socket.close();
    await server.close();
  });
});
