// The wsflow demo, what `npm start` serves: one page with a chat room, an echo pane and a
// stopwatch, each on a socket of its own, all on one serve():
//   - WebSocket routes by name (routes.ts), their URLs written into the page by reverse routing;
//   - the chat: JSON checked by a schema (chat-protocol.ts), a room actor per room and an actor
//     per socket (rooms.ts, chat-member.ts), the hub to publish each line to the room once;
//   - the echo: Strict and Streamed messages, as they arrived (echo-report.ts);
//   - the stopwatch: Play's, as an actor (examples/actor-stopwatch.ts);
//   - keep-alive pings, so a page that vanished without a Close is noticed;
//   - the page and its files beside the sockets (pages.ts), the browser client among them.
//
//   npm start                   then open http://127.0.0.1:8080/  (PORT and HOST change it)

import { Hub, serve } from '../../src/index.js';
import type { WebSocketServer } from '../../src/index.js';
import { announce, isEntryPoint, listenOptions } from '../lib/env.js';
import { demoPages } from './pages.js';
import { demoRoutes } from './routes.js';

/**
 * Starts the demo on `port` and `host`.
 *
 * @returns The server; `close()` says 1001 to every page, which reconnects to the next one.
 */
export async function startDemo(options: { port: number; host: string }): Promise<WebSocketServer> {
  const hub = new Hub();
  const routes = demoRoutes(hub);
  return serve({
    ...options,
    handler: routes,
    httpHandler: demoPages(routes),
    // A page that vanished (a laptop closed, a network gone) sends no Close: a Ping after 20 s
    // of silence, and nothing back within 10 s more, closes it with 1011 and the room hears so.
    keepAlive: { maxIdleMs: 20_000, pongTimeoutMs: 10_000 },
  });
}

if (isEntryPoint(import.meta.url)) {
  const server = await startDemo(listenOptions());
  announce('demo', server);
  console.log(`demo: open http://${server.url.slice('ws://'.length)}/ in a browser`);
}
