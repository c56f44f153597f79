// The echo server a newcomer points their first client at: text comes back as text, binary as
// binary (Strict or Streamed, as it came). It is attached to a plain http.Server, which also
// serves a small page on GET / to try it from a browser.
//
//   npm run example echo        then open http://127.0.0.1:8080/

import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachWebSocket, echo } from '../src/index.js';
import type { UpgradeHandler } from '../src/index.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';
import { echoPage } from './lib/echo-page.js';

/** Plain HTTP: the page on GET /, 404 for anything else. */
function answerRequest(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0];
  if ((request.method === 'GET' || request.method === 'HEAD') && path === '/') {
    response.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy':
        "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:",
    });
    response.end(request.method === 'HEAD' ? undefined : echoPage);
    return;
  }
  response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end('Not Found: the page is on /, the WebSocket on any path.\n');
}

/** Every WebSocket request, on any path, runs the echo flow. */
export const handleEcho: UpgradeHandler = (upgrade) => void upgrade.handleMessages(echo());

if (isEntryPoint(import.meta.url)) {
  const httpServer = createServer(answerRequest);
  const webSocket = attachWebSocket(httpServer, handleEcho);
  const { port, host } = listenOptions();
  httpServer.listen(port, host, () => {
    const { address, port: bound } = httpServer.address() as AddressInfo;
    const url = `ws://${address.includes(':') ? `[${address}]` : address}:${bound}`;
    announce('echo', {
      url,
      close: async () => {
        await webSocket.close();
        await new Promise((resolve) => httpServer.close(resolve));
      },
    });
    console.log(`echo: open http://${url.slice('ws://'.length)}/ in a browser`);
  });
}
