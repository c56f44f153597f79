// wsflow/browser in real Chromium (Debian's, driven by playwright-core): the bundle as a page
// loads it, with <script type="module">, against wsflow servers on 127.0.0.1. Text, binary and
// JSON; a server restart met with backoff and the queued sends arriving in order; close() for
// good; a server that refuses the handshake (403); with `resume`, a hub's topic resumed on another
// node over Redis when the first one stops mid-stream.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumMissing, needs, redisServerMissing } from '../../interop/helpers/peers.js';
import { TextMessage, serve } from '../../src/index.js';
import type { Message, WebSocketServer, WebSocketUpgrade } from '../../src/index.js';
import { BUNDLE, launchPage } from './chromium-page.js';
import type { BrowserPage } from './chromium-page.js';
import { RedisServer } from '../helpers/redis-server.js';
import { Node, until } from '../redis/support.js';

/**
 * The page: it imports the client as a module and keeps, per socket, a log of its events in
 * order ("open chat.v1", "close 1001 then retry", "reconnecting #1 in 50", "message hi", ...).
 */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>wsflow/browser</title>
<script type="module">
import { ReconnectingSocket } from './wsflow-browser.js';
globalThis.open = (url, options) => {
  const socket = new ReconnectingSocket(url, options);
  const log = [];
  socket.on('open', (e) => log.push(('open ' + e.protocol).trim()));
  socket.on('message', ({ data }) =>
    log.push('message ' + (typeof data === 'string' ? data : '[' + new Uint8Array(data).join() + ']')));
  socket.on('json', ({ value }) => log.push('json ' + JSON.stringify(value)));
  socket.on('close', (e) => log.push('close ' + e.code + ' ' + (e.willReconnect ? 'then retry' : 'for good')));
  socket.on('reconnecting', (e) => log.push('reconnecting #' + e.attempt + ' in ' + e.delayMs));
  socket.on('statechange', (e) => log.push(e.previous + '->' + e.state));
  socket.on('gone', (e) => log.push('gone ' + e.topic));
  globalThis.socket = socket;
  globalThis.log = log;
};
globalThis.openEach = (urls, options) => globalThis.open(() => urls.length > 1 ? urls.shift() : urls[0], options);
globalThis.g = () => globalThis;
globalThis.ready = true;
</script>
`;

interface PageGlobals {
  open(url: string, options?: object): void;
  /** Opens on the first URL, and reconnects to the next ones (the last for good). */
  openEach(urls: string[], options?: object): void;
  socket: {
    send(data: unknown): boolean;
    sendJson(value: unknown): boolean;
    close(code?: number, reason?: string): void;
    readonly state: string;
  };
  log: string[];
}

/**
 * The page's globals, typed. page.evaluate ships a function's text to the page, where `g()` is
 * the page's own `g` (defined above), which returns the page's globalThis.
 */
const g = (): PageGlobals => globalThis as unknown as PageGlobals;

/** A server that echoes text and binary, records the text it gets and the closes it sees. */
async function recordingServer(port = 0): Promise<{
  server: WebSocketServer;
  texts: string[];
  closes: string[];
  accepted: () => number;
}> {
  const texts: string[] = [];
  const closes: string[] = [];
  let accepted = 0;
  const handler = (upgrade: WebSocketUpgrade): void => {
    accepted++;
    const subprotocol = upgrade.requestedProtocols.includes('chat.v1') ? 'chat.v1' : undefined;
    const connection = upgrade.handleMessages(
      async function* (incoming: AsyncIterable<Message>) {
        for await (const message of incoming) {
          if (message.isText && message.isStrict) {
            texts.push(message.text);
            yield TextMessage.strict(message.text);
          } else if (!message.isText && message.isStrict) yield message;
        }
      },
      { subprotocol },
    );
    void connection.closed.then(({ code, reason }) => closes.push(`${code} ${reason}`));
  };
  const server = await serve({ port, host: '127.0.0.1', handler });
  return { server, texts, closes, accepted: () => accepted };
}

describe('wsflow/browser in Chromium', needs(chromiumMissing()), () => {
  let browser: BrowserPage | undefined;
  let page: Page;
  let pageServer: Server;

  before(async () => {
    const bundle = readFileSync(BUNDLE);
    pageServer = createServer((request, response) => {
      const script = request.url === '/wsflow-browser.js';
      response.writeHead(200, {
        'Content-Type': script ? 'text/javascript' : 'text/html; charset=utf-8',
      });
      response.end(script ? bundle : PAGE);
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    browser = await launchPage();
    page = browser.page;
  });

  after(async () => {
    await browser?.stop();
    await new Promise<void>((resolve) => pageServer?.close(() => resolve()));
  });

  /** A fresh page with the module loaded. */
  async function freshPage(): Promise<void> {
    const { port } = pageServer.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (globalThis as { ready?: boolean }).ready === true);
  }

  /** Waits until the page's log has `line` (`count` times). */
  async function logged(line: string, count = 1): Promise<void> {
    await page.waitForFunction(
      ([l, n]) => g().log.filter((x) => x === l).length >= n,
      [line, count] as const,
      { timeout: 20_000 },
    );
  }

  it('exchanges text, binary and JSON with a wsflow server; sends before open wait in order', async () => {
    const { server, texts } = await recordingServer();
    try {
      await freshPage();
      await page.evaluate((url) => {
        g().open(url, { protocols: ['chat.v1'] });
        g().socket.send('hello');
        g().socket.send(new Uint8Array([1, 2, 255]));
        g().socket.sendJson({ n: 1, list: ['a'] });
      }, `${server.url}/`);
      await logged('json {"n":1,"list":["a"]}');
      const log = await page.evaluate(() => g().log.slice());
      assert.deepEqual(log, [
        'connecting->open',
        'open chat.v1',
        'message hello',
        'message [1,2,255]',
        'message {"n":1,"list":["a"]}',
        'json {"n":1,"list":["a"]}',
      ]);
      assert.deepEqual(texts, ['hello', '{"n":1,"list":["a"]}']);
    } finally {
      await server.close();
    }
  });
  it('server restart: backs off, reconnects, and the sends queued meanwhile arrive in order', async () => {
    const first = await recordingServer();
    const { port } = first.server.address;
    let second: Awaited<ReturnType<typeof recordingServer>> | undefined;
    try {
      await freshPage();
      await page.evaluate((url) => {
        g().open(url, { reconnect: { initialDelayMs: 50, maxDelayMs: 1000, jitter: 0 } });
        g().socket.send('before');
      }, `${first.server.url}/`);
      await logged('message before');
      await first.server.close(); // graceful: 1001 to every client
      await logged('reconnecting #3 in 200'); // two retries failed against the closed port
      await page.evaluate(() => ['q1', 'q2', 'q3'].forEach((text) => g().socket.send(text)));
      second = await recordingServer(port);
      await logged('message q3');
      const log = await page.evaluate(() => g().log.slice());
      assert.deepEqual(log.slice(0, 9), [
        'connecting->open',
        'open',
        'message before',
        'open->reconnecting',
        'close 1001 then retry',
        'reconnecting #1 in 50',
        'close 1006 then retry',
        'reconnecting #2 in 100',
        'close 1006 then retry',
      ]);
      assert.deepEqual(log.slice(-5), [
        'reconnecting->open',
        'open',
        'message q1',
        'message q2',
        'message q3',
      ]);
      assert.deepEqual(second.texts, ['q1', 'q2', 'q3']);
      assert.match(first.closes[0], /^1001\b/);
      await page.evaluate(() => g().socket.close());
    } finally {
      await first.server.close();
      await second?.server.close();
    }
  });

  it('close() stops reconnecting: the server sees its code and reason, no attempt follows', async () => {
    const { server, closes, accepted } = await recordingServer();
    try {
      await freshPage();
      await page.evaluate(
        (url) => g().open(url, { reconnect: { initialDelayMs: 0 } }),
        `${server.url}/`,
      );
      await logged('open');
      await page.evaluate(() => g().socket.close(4000, 'bye'));
      await logged('close 4000 for good');
      // A retry would start at once (initialDelayMs 0): a round trip on another socket later,
      // the server has still accepted only that one more.
      await page.evaluate(
        (url) =>
          new Promise<void>((resolve) => {
            const plain = new WebSocket(url);
            plain.onopen = () => plain.send('ping');
            plain.onmessage = () => {
              plain.close();
              resolve();
            };
          }),
        `${server.url}/`,
      );
      assert.equal(accepted(), 2);
      assert.equal(await page.evaluate(() => g().socket.state), 'closed');
      assert.deepEqual(closes.slice(0, 1), ['4000 bye']);
    } finally {
      await server.close();
    }
  });

  it('a server that refuses the handshake (403): retried as a failure, up to maxRetries, then closed', async () => {
    let refused = 0;
    const server = await serve({
      port: 0,
      host: '127.0.0.1',
      handler: (upgrade) => {
        refused++;
        upgrade.reject(403, { body: 'Forbidden\n' });
      },
    });
    try {
      await freshPage();
      await page.evaluate(
        (url) => g().open(url, { reconnect: { initialDelayMs: 10, maxRetries: 2, jitter: 0 } }),
        `${server.url}/`,
      );
      await logged('close 1006 for good');
      assert.deepEqual(await page.evaluate(() => g().log.slice()), [
        'connecting->reconnecting',
        'close 1006 then retry',
        'reconnecting #1 in 10',
        'close 1006 then retry',
        'reconnecting #2 in 20',
        'reconnecting->closed',
        'close 1006 for good',
      ]);
      assert.equal(refused, 3);
      assert.equal(await page.evaluate(() => g().socket.state), 'closed');
    } finally {
      await server.close();
    }
  });

  it(
    'resume: a hub topic over Redis, its node stopped mid-stream, resumed on another: all, once, in order',
    needs(redisServerMissing()),
    async () => {
      const redis = await RedisServer.start();
      const [a, b] = await Promise.all([
        Node.start('ioredis', redis.url),
        Node.start('ioredis', redis.url),
      ]);
      let aStopped = false;
      try {
        await freshPage();
        const urls = [a, b].map((node) => `ws://127.0.0.1:${node.port}/t/feed`);
        await page.evaluate(
          (list) =>
            g().openEach(list, { resume: true, reconnect: { initialDelayMs: 20, jitter: 0 } }),
          urls,
        );
        await logged('open wsflow.resume.v1');
        assert.ok(await until(() => a.hub.subscriberCount('feed') === 1));
        await Promise.all([a.backend.idle(), b.backend.idle()]);
        const total = 400;
        for (let i = 0; i < total; i++) {
          b.hub.publish('feed', `m${i}`);
          if (i === 100) {
            await logged('message m50');
            await a.stop(); // 1001 to the page, which reconnects to b naming its last message
            aStopped = true;
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
        await logged(`message m${total - 1}`);
        const log = await page.evaluate(() => g().log.slice());
        const messages = log.filter((line) => line.startsWith('message '));
        assert.deepEqual(
          messages,
          Array.from({ length: total }, (_, i) => `message m${i}`),
        );
        assert.equal(log.filter((line) => line === 'open wsflow.resume.v1').length, 2);
        assert.deepEqual(
          log.filter((line) => line.startsWith('gone')),
          [],
        );
        await page.evaluate(() => g().socket.close());
      } finally {
        await Promise.all([aStopped ? undefined : a.stop(), b.stop()]);
        await redis.stop();
      }
    },
  );
});
