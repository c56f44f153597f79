// Bare node:http: a page and two WebSocket paths on one server; other WebSocket paths get 404;
// shutdown closes the WebSocket connections (1001), then the HTTP server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachWebSocket, echo, map, openWebSocket } from 'wsflow';
import type { Message } from 'wsflow';

// #region docs/frameworks.md
const server = createServer((_request, response) => {
  response.setHeader('content-type', 'text/plain');
  response.end('hello\n');
});
const chat = attachWebSocket(server, (upgrade) => void upgrade.handleMessages(echo()), {
  path: '/chat',
});
const count = attachWebSocket(
  server,
  (upgrade) =>
    void upgrade.handleMessages(
      map((message: Message) =>
        message.isText && message.isStrict ? `${message.text.length}` : undefined,
      ),
    ),
  { path: '/count' },
);
server.listen(0, '127.0.0.1');
// #endregion
await new Promise((resolve) => server.once('listening', resolve));
const base = `127.0.0.1:${(server.address() as AddressInfo).port}`;

const page = await (await fetch(`http://${base}/`)).text();
const chatSocket = await openWebSocket(`ws://${base}/chat`);
await chatSocket.send('hi');
const chatReply = await chatSocket.receiveText();
const countSocket = await openWebSocket(`ws://${base}/count?x=1`);
await countSocket.send('four');
const countReply = await countSocket.receiveText();
const other = await openWebSocket(`ws://${base}/other`).then(
  () => 'accepted',
  (error: { status?: number }) => error.status,
);

const idleClosed = countSocket.closed;
await Promise.all([chat.close(), count.close()]);
await new Promise<void>((resolve, reject) =>
  server.close((error) => (error ? reject(error) : resolve())),
);
const closed = await idleClosed;
const result = { page, chatReply, countReply, other, idleCode: closed.code };
const expected = { page: 'hello\n', chatReply: 'hi', countReply: '4', other: 404, idleCode: 1001 };
if (JSON.stringify(result) !== JSON.stringify(expected)) throw new Error(JSON.stringify(result));
console.log('ok node-http', JSON.stringify(result));
