// The snippets of docs/http2.md, run as written (test/docs/snippets.test.ts checks that they are
// the page's), each followed by a client that checks what the page says they do.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { Connection } from '../../src/connection/connection.js';
import { Router, accept, attachWebSocket, echo } from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { makeCertificate } from '../helpers/tls.js';

const certificate = makeCertificate();
const SECURE_PORT = 0;
after(() => certificate.dispose());

describe('docs/http2.md', () => {
  it(
    'attachWebSocket() on an HTTP/2 server: a page and a WebSocket on one session',
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
      const session = http2.connect(`https://127.0.0.1:${port}`, { ca: cert });
      await once(session, 'remoteSettings');
      const page = session.request({ ':path': '/' });
      let body = '';
      for await (const chunk of page as AsyncIterable<Buffer>) body += chunk.toString();
      assert.equal(body, 'page\n');
      const stream = session.request({
        ':method': 'CONNECT',
        ':protocol': 'websocket',
        ':path': '/chat',
        'sec-websocket-version': '13',
      });
      const [response] = (await once(stream, 'response')) as [Record<string, unknown>];
      assert.equal(response[':status'], 200);
      const connection = new Connection(stream, { side: 'client' });
      const reply = new Promise<string>((resolve) =>
        connection.onMessage((message: Message) => {
          if (message.isText && message.isStrict) resolve(message.text);
        }),
      );
      await connection.send('hello');
      assert.equal(await reply, 'hello');
      await connection.close();
      session.close();
      await attachment.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  );
});
