// README.md's page client, run in Chromium against the README's chat room: the page imports the
// bundle with <script type="module">, as a page would, from a server of its own.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromiumMissing, needs } from '../../interop/helpers/peers.js';
import { ReconnectingSocket } from '../../src/browser/index.js';
import type { WebSocketServer } from '../../src/index.js';
import { startReadmeChat } from '../docs/readme-chat.js';
import { BUNDLE, launchPage } from './chromium-page.js';
import type { BrowserPage } from './chromium-page.js';

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>README.md</title>
<script type="module">
import { ReconnectingSocket } from '/wsflow-browser.js';
// page.evaluate ships a function's text: its ReconnectingSocket is this one.
globalThis.ReconnectingSocket = ReconnectingSocket;
globalThis.ready = true;
</script>
`;

describe('README.md: in a page', needs(chromiumMissing()), () => {
  let chat: WebSocketServer;
  let pages: Server;
  let browser: BrowserPage | undefined;

  before(async () => {
    ({ server: chat } = await startReadmeChat());
    const bundle = readFileSync(BUNDLE);
    pages = createServer((request, response) => {
      const script = request.url === '/wsflow-browser.js';
      response.setHeader('Content-Type', script ? 'text/javascript' : 'text/html');
      response.end(script ? bundle : PAGE);
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await browser?.stop();
    await new Promise((resolve) => pages.close(resolve));
    await chat.close();
  });

  it('joins the chat room, tells its state, and hears its own line back', async () => {
    browser = await launchPage();
    const { page } = browser;
    const consoleLines: string[] = [];
    page.on('console', (line) => consoleLines.push(line.text()));
    await page.goto(`http://127.0.0.1:${(pages.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);
    await page.evaluate(async (ORIGIN) => {
      // #region README.md
      const chat = new ReconnectingSocket<{ from: string; text: string }, { text: string }>(
        `${ORIGIN}/chat/lobby?name=grace`,
      );
      chat.on('statechange', ({ state }) => console.log(state)); // open, reconnecting, connecting, ...
      chat.on('json', ({ value }) => console.log(`${value.from}: ${value.text}`));
      chat.sendJson({ text: 'hello from a page' }); // waits in the queue until the connection opens
      // #endregion
      await new Promise((resolve) => chat.once('json', resolve));
      chat.close();
    }, chat.url);
    assert.deepEqual(consoleLines.slice(0, 2), ['open', 'grace: hello from a page']);
  });
});
