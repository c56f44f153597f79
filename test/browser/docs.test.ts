// docs/browser.md's snippets, run: the page ones in Chromium, on a page that a wsflow server
// serves beside its sockets (the bundle as /wsflow-browser.js), the Node one over `ws`.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumMissing, needs } from '../../interop/helpers/peers.js';
import { ReconnectingSocket } from '../../src/browser/index.js';
import { TextMessage, WebSocket, serve } from '../../src/index.js';
import type { Message, WebSocketServer, WebSocketUpgrade } from '../../src/index.js';
import { BUNDLE, launchPage } from './chromium-page.js';
import type { BrowserPage } from './chromium-page.js';

// The page's own document (this file compiles without the DOM lib).
declare const document: { title: string };

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>docs/browser.md</title>
<script type="module">
import { ReconnectingSocket } from '/wsflow-browser.js';
// page.evaluate ships a function's text: its ReconnectingSocket is this one.
globalThis.ReconnectingSocket = ReconnectingSocket;
globalThis.ready = true;
</script>
`;

/** /chat answers {"say": text} with {"from": "server", "text": text} and echoes other text. */
async function* chatFlow(incoming: AsyncIterable<Message>): AsyncIterable<Message> {
  for await (const message of incoming) {
    if (!message.isText || !message.isStrict) continue;
    const said = /^\{"say":/.test(message.text)
      ? (JSON.parse(message.text) as { say: string }).say
      : undefined;
    yield TextMessage.strict(
      said === undefined ? message.text : JSON.stringify({ from: 'server', text: said }),
    );
  }
}

describe('docs/browser.md', () => {
  let server: WebSocketServer;
  let ORIGIN = '';
  const closes: string[] = [];
  const greetings: string[] = [];

  before(async () => {
    const bundle = readFileSync(BUNDLE);
    let feeds = 0;
    const handler = (upgrade: WebSocketUpgrade): void => {
      const url = new URL(upgrade.request.url ?? '/', 'http://localhost');
      if (url.pathname === '/chat') {
        const connection = upgrade.handleMessages(chatFlow);
        void connection.closed.then(({ code, reason }) => closes.push(`${code} ${reason}`));
        return;
      }
      const feedOk = url.searchParams.get('token') === 'abc';
      if (!feedOk || !upgrade.requestedProtocols.includes('feed.v1')) return upgrade.reject(403);
      const first = ++feeds === 1;
      // The first feed connection reads the greeting and closes with 1013: the page retries.
      const connection = upgrade.handleMessages(
        async function* (incoming: AsyncIterable<Message>) {
          for await (const message of incoming) {
            if (message.isText && message.isStrict) greetings.push(message.text);
            if (first) void connection.close(1013, 'try again later');
            else yield TextMessage.strict('welcome back');
          }
        },
        { subprotocol: 'feed.v1' },
      );
    };
    server = await serve({
      port: 0,
      host: '127.0.0.1',
      handler,
      httpHandler: (request, response) => {
        const script = request.url === '/wsflow-browser.js';
        response.setHeader('Content-Type', script ? 'text/javascript' : 'text/html');
        response.end(script ? bundle : PAGE);
      },
    });
    ORIGIN = server.url;
  });

  after(() => server.close());

  describe('in Chromium', needs(chromiumMissing()), () => {
    let browser: BrowserPage | undefined;
    let page: Page;
    const consoleLines: string[] = [];

    before(async () => {
      browser = await launchPage();
      page = browser.page;
      page.on('console', (line) => consoleLines.push(line.text()));
      await page.goto(`${server.url.replace('ws:', 'http:')}/`);
      await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);
    });

    after(() => browser?.stop());

    it('a first socket: its state as the title, a message, then close()', async () => {
      await page.evaluate(async () => {
        // #region docs/browser.md
        const socket = new ReconnectingSocket('/chat');
        socket.on('statechange', ({ state }) => (document.title = state));
        socket.on('message', ({ data }) => console.log('received', data));
        socket.send('hello'); // waits in the queue until the connection opens
        // #endregion
        await new Promise((resolve) => socket.once('message', resolve));
        // #region docs/browser.md
        socket.close(4000, 'logged out'); // the server sees 4000; no more attempts
        // #endregion
        await new Promise((resolve) => socket.once('close', resolve));
      });
      assert.ok(consoleLines.includes('received hello'), consoleLines.join('\n'));
      assert.equal(await page.title(), 'closed');
      assert.ok(closes.includes('4000 logged out'), closes.join());
    });

    it('JSON, typed both ways', async () => {
      await page.evaluate(async () => {
        // #region docs/browser.md
        interface ChatEvent {
          from: string;
          text: string;
        }
        interface ChatCommand {
          say: string;
        }

        const chat = new ReconnectingSocket<ChatEvent, ChatCommand>('/chat');
        chat.on('json', ({ value }) => console.log(`${value.from}: ${value.text}`));
        chat.sendJson({ say: 'hi' });
        // #endregion
        await new Promise((resolve) => chat.once('json', resolve));
        chat.close();
      });
      assert.ok(consoleLines.includes('server: hi'), consoleLines.join('\n'));
    });

    it('a URL function, subprotocols, backoff, a bounded queue and a greeting', async () => {
      await page.evaluate(async () => {
        const currentToken = (): string => 'abc';
        const lastSeen = 41;
        // #region docs/browser.md
        const feed = new ReconnectingSocket(() => `/feed?token=${currentToken()}`, {
          protocols: ['feed.v1'],
          reconnect: { initialDelayMs: 500, maxDelayMs: 10_000, maxRetries: 20 },
          queue: { maxMessages: 100, overflow: 'drop-oldest' },
          greeting: () => JSON.stringify({ resumeFrom: lastSeen }),
        });
        feed.on('reconnecting', ({ attempt, delayMs }) => {
          console.log(`retry ${attempt} in ${delayMs} ms`);
        });
        // #endregion
        await new Promise((resolve) => feed.once('message', resolve));
        feed.close();
      });
      const retry = consoleLines.find((line) => line.startsWith('retry 1 in '));
      assert.match(retry ?? '', /^retry 1 in (2[5-9]\d|[34]\d\d|500) ms$/);
      assert.deepEqual(greetings, ['{"resumeFrom":41}', '{"resumeFrom":41}']);
    });
  });

  it("in Node 20, over wsflow's own WebSocket", async () => {
    // #region docs/browser.md
    const socket = new ReconnectingSocket(`${ORIGIN}/chat`, { WebSocket });
    // #endregion
    const received = new Promise<unknown>((resolve) =>
      socket.once('message', ({ data }) => resolve(data)),
    );
    socket.send('from node');
    assert.equal(await received, 'from node');
    const closed = new Promise<unknown>((resolve) => socket.once('close', resolve));
    socket.close();
    await closed;
    assert.equal(socket.state, 'closed');
  });
});
