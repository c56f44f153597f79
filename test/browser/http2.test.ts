// WebSockets over HTTP/2 (RFC 8441) in real Chromium (Debian's, through playwright-core): a page
// served over HTTP/2 with TLS opens a WebSocket to its own origin; the server sees it arrive as
// an extended CONNECT on the page's connection, and messages go both ways.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../interop/helpers/chromium.js';
import { CHROMIUM, chromiumMissing, needs } from '../../interop/helpers/peers.js';
import { attachWebSocket, map } from '../../src/index.js';
import { makeCertificate } from '../helpers/tls.js';

const certificate = makeCertificate();
after(() => certificate.dispose());

/** The page: it opens a WebSocket to its own origin, sends one text, and keeps what it hears. */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>WebSocket over HTTP/2</title>
<script>
globalThis.exchange = (text) => new Promise((resolve, reject) => {
  const socket = new WebSocket('wss://' + location.host + '/ws');
  socket.onopen = () => socket.send(text);
  socket.onmessage = (event) => { socket.close(1000, 'done'); resolve(event.data); };
  socket.onerror = () => reject(new Error('the WebSocket failed'));
});
</script>
`;

describe('Chromium and a wsflow server over HTTP/2', () => {
  it(
    'opens a WebSocket as an extended CONNECT on the page’s HTTP/2 connection',
    needs(chromiumMissing()),
    async () => {
      const seen: { method?: string; version: string; socket: unknown }[] = [];
      // The socket of each session a page was served on (node gives one object per session).
      const pageSockets = new Set<unknown>();
      const server = createSecureServer({
        key: certificate.key,
        cert: certificate.cert,
        allowHTTP1: true,
      });
      server.on('request', (request, response) => {
        if ('stream' in request) pageSockets.add(request.stream.session?.socket);
        response.setHeader('content-type', 'text/html; charset=utf-8');
        response.end(PAGE);
      });
      const attachment = attachWebSocket(server, (upgrade) => {
        seen.push({
          method: upgrade.request.method,
          version: upgrade.request.httpVersion,
          socket: upgrade.request.socket,
        });
        upgrade.handleMessages(
          map((message) =>
            message.isText && message.isStrict ? `echo: ${message.text}` : undefined,
          ),
        );
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const userDataDir = await mkdtemp(join(tmpdir(), 'wsflow-http2-'));
      const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        ignoreHTTPSErrors: true,
        args: [...CHROMIUM_ARGS, '--ignore-certificate-errors'],
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(`https://127.0.0.1:${port}/`);
        const protocol = await page.evaluate(() => {
          const timing = globalThis as unknown as {
            performance: { getEntriesByType(type: string): { nextHopProtocol?: string }[] };
          };
          return timing.performance.getEntriesByType('navigation')[0]?.nextHopProtocol;
        });
        assert.equal(protocol, 'h2');
        const reply = await page.evaluate(
          (text) =>
            (globalThis as unknown as { exchange(t: string): Promise<string> }).exchange(text),
          'from Chromium',
        );
        assert.equal(reply, 'echo: from Chromium');
        assert.equal(seen.length, 1);
        assert.deepEqual([seen[0].method, seen[0].version], ['CONNECT', '2.0']);
        // A stream of the connection that served the page, not a connection of its own.
        assert.equal(pageSockets.has(seen[0].socket), true);
      } finally {
        await context.close();
        await rm(userDataDir, { recursive: true, force: true });
        await attachment.close({ timeoutMs: 1000 });
        server.close();
      }
    },
  );
});
