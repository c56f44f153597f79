// Play's reverse-routing page: the server serves an HTML page whose WebSocket URL is not written
// in its script but put in a <meta> tag, built by the router from the route's name (absolute,
// ws: or wss: as the page was served); the script reads it and connects with the browser's
// WebSocket. The page and the socket are served by one serve(): the page by `httpHandler`.
//
//   npm run example reverse-routing     then open http://127.0.0.1:8080/ in a browser

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router, accept, discardMessage, map, serve } from '../src/index.js';
import type { Message } from '../src/index.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';

export const router = new Router().route(
  '/rooms/:room/socket',
  (request) =>
    accept(
      map((message: Message) => {
        if (message.isText && message.isStrict) return `${request.params.room}: ${message.text}`;
        discardMessage(message);
        return undefined;
      }),
    ),
  { name: 'roomSocket' },
);

/** Escapes text for an HTML attribute or text node. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page, with the socket URL of the room in a meta tag. */
function page(socketUrl: string, room: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="webSocketUrl" content="${escapeHtml(socketUrl)}">
<title>${escapeHtml(room)}</title>
</head>
<body>
<h1>${escapeHtml(room)}</h1>
<form id="form"><input id="text" autocomplete="off" autofocus> <button>Send</button></form>
<ul id="log"></ul>
<script>
  const webSocketUrl = document.querySelector("meta[name='webSocketUrl']").getAttribute('content');
  const ws = new WebSocket(webSocketUrl);
  const show = (text) => {
    const item = document.createElement('li');
    item.textContent = text;
    document.getElementById('log').prepend(item);
  };
  ws.onopen = () => show('connected to ' + webSocketUrl);
  ws.onmessage = (event) => show(event.data);
  ws.onclose = (event) => show('closed (' + event.code + ')');
  document.getElementById('form').onsubmit = (event) => {
    event.preventDefault();
    const input = document.getElementById('text');
    if (ws.readyState === WebSocket.OPEN && input.value !== '') ws.send(input.value);
    input.value = '';
  };
</script>
</body>
</html>
`;
}

/** GET / and GET /rooms/<room>: the page of a room (the lobby on /); 404 otherwise. */
function servePage(request: IncomingMessage, response: ServerResponse): void {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const room = path === '/' ? 'lobby' : /^\/rooms\/([a-z0-9-]+)$/.exec(path)?.[1];
  if (request.method !== 'GET' || room === undefined) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('Not Found\n');
    return;
  }
  const socketUrl = router.url('roomSocket', { room }, { from: request });
  response.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy':
      "default-src 'self'; script-src 'unsafe-inline'; connect-src ws: wss:",
  });
  response.end(page(socketUrl, room));
}

if (isEntryPoint(import.meta.url)) {
  const server = await serve({ ...listenOptions(), handler: router, httpHandler: servePage });
  announce('reverse-routing', server);
  console.log(`reverse-routing: open http://${server.url.slice('ws://'.length)}/ in a browser`);
}
