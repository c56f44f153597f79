// The demo that `npm start` serves, in process on a free port: its page carries the socket URLs
// its router builds (reverse routing); the chat refuses room names outside its pattern, closes a
// socket whose message its schema refuses (1007) and goes on serving the others; the echo tells
// Strict from Streamed; the stopwatch counts.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openWebSocket } from '../../src/index.js';
import type { WebSocketClient, WebSocketServer } from '../../src/index.js';
import type { ChatEvent } from '../../examples/demo/chat-protocol.js';
import type { EchoReport } from '../../examples/demo/echo-report.js';
import { startDemo } from '../../examples/demo/server.js';
import { expectRefused } from '../server/support.js';

let server: WebSocketServer;
let origin: string; // http://127.0.0.1:<port>

before(async () => {
  server = await startDemo({ port: 0, host: '127.0.0.1' });
  origin = server.url.replace(/^ws:/, 'http:');
});
after(() => server.close());

/** The next event of a chat socket that is not one of `skipped`. */
async function nextEvent(
  socket: WebSocketClient,
  skipped: ChatEvent['type'][] = [],
): Promise<ChatEvent> {
  for (;;) {
    const event = JSON.parse(await socket.receiveText()) as ChatEvent;
    if (!skipped.includes(event.type)) return event;
  }
}

/** Joins `room` as `name`; resolves once the welcome has come. */
async function join(room: string, name: string): Promise<WebSocketClient> {
  const socket = await openWebSocket(`${server.url}/rooms/${room}/socket?name=${name}`);
  const welcome = await nextEvent(socket);
  assert.equal(welcome.type, 'welcome');
  return socket;
}

/** The names of the next presence event. */
async function presence(socket: WebSocketClient): Promise<string[]> {
  for (;;) {
    const event = await nextEvent(socket);
    if (event.type === 'presence') return event.people.map((person) => person.name).sort();
  }
}

describe('the demo server', () => {
  it('sends / to the lobby', async () => {
    const response = await fetch(`${origin}/`, { redirect: 'manual' });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), '/rooms/lobby');
  });

  it("writes each socket's URL into the page, built from the route's name", async () => {
    const response = await fetch(`${origin}/rooms/tea-room`);
    assert.equal(response.status, 200);
    const page = await response.text();
    const meta = (name: string) =>
      new RegExp(`<meta name="${name}" content="([^"]*)"`).exec(page)?.[1];
    assert.equal(meta('chat-socket'), `${server.url}/rooms/tea-room/socket`);
    assert.equal(meta('echo-socket'), `${server.url}/echo/socket`);
    assert.equal(meta('stopwatch-socket'), `${server.url}/stopwatch/socket`);
    assert.match(page, /<title>#tea-room · wsflow demo<\/title>/);
  });

  it('serves the browser client and the page files, and 404 for the rest', async () => {
    const client = await fetch(`${origin}/assets/wsflow-browser.js`);
    assert.equal(client.status, 200);
    assert.match(client.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(await client.text(), /ReconnectingSocket/);
    assert.equal((await fetch(`${origin}/assets/style.css`)).status, 200);
    assert.equal((await fetch(`${origin}/assets/index.html`)).status, 404);
    assert.equal((await fetch(`${origin}/assets/../package.json`)).status, 404);
  });

  it('refuses a room name outside the pattern, page and socket alike (404)', async () => {
    assert.equal((await fetch(`${origin}/rooms/Tea_Room`)).status, 404);
    const refused = await expectRefused(`${server.url}/rooms/Tea_Room/socket`);
    assert.equal(refused.status, 404);
    assert.match(refused.body, /No room may be called Tea_Room/);
    assert.equal((await expectRefused(`${server.url}/rooms/${'a'.repeat(33)}/socket`)).status, 404);
  });

  it('refuses a user name the schema does not allow (400)', async () => {
    const refused = await expectRefused(`${server.url}/rooms/lobby/socket?name=%3Cscript%3E`);
    assert.equal(refused.status, 400);
    assert.match(refused.body, /a name is 1 to 24/);
  });

  it('chats: presence, lines to everyone in the room, renames', async () => {
    const ada = await join('kitchen', 'ada');
    assert.deepEqual(await presence(ada), ['ada']);
    const grace = await join('kitchen', 'grace');
    assert.deepEqual(await presence(ada), ['ada', 'grace']);
    assert.deepEqual(await presence(grace), ['ada', 'grace']);

    await ada.send(JSON.stringify({ type: 'say', text: 'tea?' }));
    for (const socket of [ada, grace]) {
      const said = await nextEvent(socket, ['joined', 'presence']);
      assert.deepEqual(said.type === 'said' && [said.from.name, said.text], ['ada', 'tea?']);
    }
    await grace.send(JSON.stringify({ type: 'rename', name: 'Grace H' }));
    const renamed = await nextEvent(ada);
    assert.deepEqual(renamed.type === 'renamed' && [renamed.was, renamed.who.name], [
      'grace',
      'Grace H',
    ]);
    assert.deepEqual(await presence(ada), ['Grace H', 'ada']);

    await grace.close();
    const left = await nextEvent(ada, ['presence']);
    assert.deepEqual(left.type === 'left' && left.who.name, 'Grace H');
    await ada.close();
  });

  it('a newcomer gets the lines said before it came', async () => {
    const ada = await join('library', 'ada');
    await ada.send(JSON.stringify({ type: 'say', text: 'quiet please' }));
    await nextEvent(ada, ['joined', 'presence']);
    const grace = await openWebSocket(`${server.url}/rooms/library/socket?name=grace`);
    const welcome = await nextEvent(grace);
    assert.equal(welcome.type, 'welcome');
    const said = welcome.type === 'welcome' ? welcome.history.filter((l) => l.type === 'said') : [];
    assert.deepEqual(
      said.map((line) => line.type === 'said' && line.text),
      ['quiet please'],
    );
    await Promise.all([ada.close(), grace.close()]);
  });

  it('closes a socket whose message the schema refuses (1007), and serves the others on', async () => {
    const ada = await join('hall', 'ada');
    const mallory = await join('hall', 'mallory');
    await mallory.send(JSON.stringify({ type: 'say', text: 42 }));
    const outcome = await mallory.closed;
    assert.equal(outcome.code, 1007);
    assert.match(outcome.reason, /text/);

    const left = await nextEvent(ada, ['joined', 'presence']);
    assert.deepEqual(left.type === 'left' && left.who.name, 'mallory');

    const eve = await join('hall', 'eve');
    await eve.send('not json at all');
    assert.equal((await eve.closed).code, 1007);

    await ada.send(JSON.stringify({ type: 'say', text: 'still here' }));
    const said = await nextEvent(ada, ['joined', 'left', 'presence']);
    assert.deepEqual(said.type === 'said' && said.text, 'still here');
    await ada.close();
  });

  it('echo: a short message arrives Strict, 4 MiB arrives Streamed, in parts', async () => {
    const socket = await openWebSocket(`${server.url}/echo/socket`);
    await socket.send('hello, wsflow');
    const small = JSON.parse(await socket.receiveText()) as EchoReport;
    assert.deepEqual(small, {
      kind: 'text',
      delivery: 'Strict',
      bytes: 13,
      parts: 1,
      preview: 'hello, wsflow',
    });
    await socket.send('x'.repeat(4 * 1024 * 1024));
    const large = JSON.parse(await socket.receiveText()) as EchoReport;
    assert.equal(large.delivery, 'Streamed');
    assert.equal(large.bytes, 4 * 1024 * 1024);
    assert.ok(large.parts > 1, `${large.parts} parts`);
    await socket.close();
  });

  it('the stopwatch counts once started', async () => {
    const socket = await openWebSocket(`${server.url}/stopwatch/socket`);
    await socket.send('start');
    assert.equal(await socket.receiveText(), '0');
    await socket.close();
  });
});
