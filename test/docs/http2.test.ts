// The snippets of docs/http2.md, run as written (test/docs/snippets.test.ts checks that they are
// the page's), each followed by a client that checks what the page says they do.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { Router, accept, attachWebSocket, echo, openWebSocket } from '../../src/index.js';
import { makeCertificate } from '../helpers/tls.js';

const certificate = makeCertificate();
const SECURE_PORT = 0;
after(() => certificate.dispose());

describe('docs/http2.md', () => {
  it(
    'a page and WebSockets on one HTTP/2 connection: the server and the client',
    { timeout: 10_000 },
    async () => {
      const { key, cert } = certificate;
      // #region docs/http2.md
      const server = http2.createSecureServer({ key, cert, allowHTTP1: true });
      server.on('request', (request, response) => response.end('page\n'));
      const router = new Router().route('/chat', () => accept(echo()));
      const attachment = attachWebSocket(server, router);
      server.listen(SECURE_PORT);
      // #endregion
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const pageSession = http2.connect(`https://127.0.0.1:${port}`, { ca: cert });
      await once(pageSession, 'remoteSettings');
      const page = pageSession.request({ ':path': '/' });
      let body = '';
      for await (const chunk of page as AsyncIterable<Buffer>) body += chunk.toString();
      assert.equal(body, 'page\n');
      pageSession.close();

      const SECURE_ORIGIN = `wss://127.0.0.1:${port}`;
      const HTTPS_ORIGIN = `https://127.0.0.1:${port}`;
      const log: unknown[] = [];
      const console = { log: (value: unknown) => log.push(value) };
      // #region docs/http2.md
      const session = http2.connect(`${HTTPS_ORIGIN}`, { ca: cert });
      const chat = await openWebSocket({ url: `${SECURE_ORIGIN}/chat`, http2: session });
      const news = await openWebSocket({ url: `${SECURE_ORIGIN}/chat`, http2: session });
      console.log(chat.response.status); // 200: a stream of the session (101 over HTTP/1.1)
      await chat.send('hello');
      console.log(await chat.receiveText()); // hello
      await Promise.all([chat.close(), news.close()]);
      session.close(); // the WebSockets ended their streams; the session is yours to close
      // #endregion
      assert.deepEqual(log, [200, 'hello']);
      await attachment.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  );
});
