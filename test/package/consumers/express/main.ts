// Express 5: REST routes and two WebSocket paths on one server; other WebSocket paths get 404;
// shutdown closes the WebSocket connections (1001), then the HTTP server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { attachWebSocket, echo, map, openWebSocket } from 'wsflow';
import type { Message } from 'wsflow';

// #region docs/frameworks.md
const app = express();
app.get('/health', (_request, response) => {
  response.json({ ok: true });
});
const server = createServer(app);
const chat = attachWebSocket(server, (upgrade) => void upgrade.handleMessages(echo()), {
  path: '/chat',
});
const news = attachWebSocket(
  server,
  (upgrade) => {
    if (upgrade.request.headers['x-token'] !== 'secret') {
      return upgrade.reject(403, { body: 'Forbidden\n' });
    }
    upgrade.handleMessages(
      map((message: Message) =>
        message.isText && message.isStrict ? `news: ${message.text}` : undefined,
      ),
    );
  },
  { path: '/news' },
);
server.listen(0, '127.0.0.1');
// #endregion
await new Promise((resolve) => server.once('listening', resolve));
const base = `127.0.0.1:${(server.address() as AddressInfo).port}`;

const health = await (await fetch(`http://${base}/health`)).json();
const chatSocket = await openWebSocket(`ws://${base}/chat`);
await chatSocket.send('hi');
const chatReply = await chatSocket.receiveText();
const newsSocket = await openWebSocket({
  url: `ws://${base}/news`,
  extraHeaders: { 'x-token': 'secret' },
});
await newsSocket.send('today');
const newsReply = await newsSocket.receiveText();
const refused = await openWebSocket(`ws://${base}/news`).then(
  () => 'accepted',
  (error: { status?: number }) => error.status,
);
const other = await openWebSocket(`ws://${base}/other`).then(
  () => 'accepted',
  (error: { status?: number }) => error.status,
);

const idleClosed = newsSocket.closed;
// #region docs/frameworks.md
// Shutdown: the attachments first (open connections get 1001), then the HTTP server.
await Promise.all([chat.close(), news.close()]);
await new Promise<void>((resolve, reject) =>
  server.close((error) => (error ? reject(error) : resolve())),
);
// #endregion
const closed = await idleClosed;
const result = { health, chatReply, newsReply, refused, other, idleCode: closed.code };
const expected = {
  health: { ok: true },
  chatReply: 'hi',
  newsReply: 'news: today',
  refused: 403,
  other: 404,
  idleCode: 1001,
};
if (JSON.stringify(result) !== JSON.stringify(expected)) throw new Error(JSON.stringify(result));
console.log('ok express', JSON.stringify(result));
