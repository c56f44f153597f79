// README.md: its snippets run as written (test/docs/snippets.test.ts checks that they are the
// page's; the page client's runs in Chromium, test/browser/readme.test.ts), and its Layout names
// every folder and top-level file of src/.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  Router,
  TextMessage,
  accept,
  authenticateBasic,
  basicAuth,
  concat,
  constantTimeEqual,
  discardMessage,
  map,
  openWebSocket,
  serve,
} from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { startReadmeChat } from './readme-chat.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('README.md', () => {
  it('a first server: the greeter, Strict and Streamed', { timeout: 10_000 }, async () => {
    // #region README.md
    const greeter = map((message: Message) => {
      if (!message.isText) {
        discardMessage(message); // drain what we do not answer, or the connection stalls
        return undefined; // emit nothing
      }
      if (message.isStrict) return TextMessage.strict(`Hello ${message.text}!`);
      return TextMessage.streamed(concat(['Hello '], message.textStream, ['!']));
    });

    const server = await serve({ port: 0, flow: greeter });
    // #endregion
    const socket = await openWebSocket(server.url);
    await socket.send(Uint8Array.of(1));
    await socket.send('Ada');
    assert.equal(await socket.receiveText(), 'Hello Ada!');
    await socket.send('Gr', { fin: false });
    await socket.send('ace', { continuation: true });
    assert.equal(await socket.receiveText(), 'Hello Grace!');
    await socket.close();
    await server.close();
  });

  it('a routed, typed server', { timeout: 10_000 }, async () => {
    // #region README.md
    const login = authenticateBasic('rooms', ({ username, password }) =>
      constantTimeEqual(password, 'let-me-in') ? { name: username } : undefined,
    ); // else 401
    const router = new Router().route('/rooms/:room', { guards: [login] }, (request) => {
      const { room } = request.params; // `request.params.rom` would not compile
      return accept(map(() => `welcome to ${room}, ${request.user.name}`)); // user typed by the guard
    });

    const server = await serve({ port: 0, handler: router });
    // #endregion
    const ORIGIN = server.url;
    const log: unknown[] = [];
    const console = { log: (value: unknown) => log.push(value) };
    // #region README.md
    const socket = await openWebSocket({
      url: `${ORIGIN}/rooms/lobby`,
      extraHeaders: { Authorization: basicAuth('ada', 'let-me-in') },
    });
    await socket.send('hi');
    console.log(await socket.receiveText()); // "welcome to lobby, ada"
    // #endregion
    assert.deepEqual(log, ['welcome to lobby, ada']);
    await socket.close();
    await assert.rejects(openWebSocket(`${server.url}/rooms/lobby`), { status: 401 });
    await assert.rejects(openWebSocket(`${server.url}/elsewhere`), { status: 404 });
    await server.close();
  });

  it('flows: a client of the greeter', { timeout: 10_000 }, async () => {
    const greeter = await serve({
      port: 0,
      flow: map((m: Message) => (m.isText && m.isStrict ? `Hello ${m.text}!` : undefined)),
    });
    const ORIGIN = greeter.url;
    const log: unknown[] = [];
    const console = { log: (value: unknown) => log.push(value) };
    // #region README.md
    const socket = await openWebSocket(`${ORIGIN}/`);
    await socket.send('Ada');
    console.log(await socket.receiveText()); // "Hello Ada!"
    await socket.close(1000, 'done');
    // #endregion
    assert.deepEqual(log, ['Hello Ada!']);
    await greeter.close();
  });

  it(
    'typed values and rooms: a client of the chat room, and the schema closing it',
    { timeout: 10_000 },
    async () => {
      const { server } = await startReadmeChat();
      const ORIGIN = server.url;
      const log: unknown[] = [];
      const console = { log: (value: unknown) => log.push(value) };
      // #region README.md
      const socket = await openWebSocket(`${ORIGIN}/chat/lobby?name=ada`);
      await socket.send(JSON.stringify({ text: 'hello' }));
      console.log(await socket.receiveText()); // {"from":"ada","text":"hello"}
      await socket.send('not JSON');
      console.log((await socket.closed).code); // 1007: the schema's answer
      // #endregion
      assert.deepEqual(log, ['{"from":"ada","text":"hello"}', 1007]);
      await server.close();
    },
  );

  it('its Layout names every folder and top-level file of src/', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const layout = readme.slice(readme.indexOf('## Layout'), readme.indexOf('## Development'));
    const listed = new Set([...layout.matchAll(/^src\/([\w.-]+)/gm)].map(([, name]) => name));
    const entries = readdirSync(join(ROOT, 'src'));
    assert.deepEqual(
      entries.filter((name) => !listed.has(name)),
      [],
    );
    assert.deepEqual(
      [...listed].filter((name) => !entries.includes(name)),
      [],
    );
  });
});
