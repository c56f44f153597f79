// Fastify 5: two WebSocket paths on `app.server`, closed from Fastify's `preClose` hook so that
// `app.close()` resolves; other WebSocket paths get 404.
import Fastify from 'fastify';
import { attachWebSocket, echo, map, openWebSocket } from 'wsflow';
import type { Message } from 'wsflow';

// #region docs/frameworks.md
const app = Fastify();
app.get('/health', async () => ({ ok: true }));
const chat = attachWebSocket(app.server, (upgrade) => void upgrade.handleMessages(echo()), {
  path: '/chat',
});
const shout = attachWebSocket(
  app.server,
  (upgrade) =>
    void upgrade.handleMessages(
      map((message: Message) =>
        message.isText && message.isStrict ? message.text.toUpperCase() : undefined,
      ),
    ),
  { path: '/shout' },
);
// Without this hook app.close() waits for the WebSocket connections forever.
app.addHook('preClose', async () => {
  await Promise.all([chat.close(), shout.close()]);
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
// #endregion
const base = address.replace(/^http:\/\//, '');

const health = await (await fetch(`http://${base}/health`)).json();
const chatSocket = await openWebSocket(`ws://${base}/chat`);
await chatSocket.send('hi');
const chatReply = await chatSocket.receiveText();
const shoutSocket = await openWebSocket(`ws://${base}/shout`);
await shoutSocket.send('hi');
const shoutReply = await shoutSocket.receiveText();
const other = await openWebSocket(`ws://${base}/other`).then(
  () => 'accepted',
  (error: { status?: number }) => error.status,
);

const idleClosed = shoutSocket.closed;
await app.close();
const closed = await idleClosed;
const result = { health, chatReply, shoutReply, other, idleCode: closed.code };
const expected = {
  health: { ok: true },
  chatReply: 'hi',
  shoutReply: 'HI',
  other: 404,
  idleCode: 1001,
};
if (JSON.stringify(result) !== JSON.stringify(expected)) throw new Error(JSON.stringify(result));
console.log('ok fastify', JSON.stringify(result));
