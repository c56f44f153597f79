// Play's "Rejecting a WebSocket" (tryAccept): a room's socket is refused 404 when the room does
// not exist, and 403 when the request carries no session; otherwise the room echoes, each reply
// naming the room and the user.
//
//   npm run example rejection
//   ws://127.0.0.1:8080/rooms/lobby with the cookie "session=ada"   accepted
//   ws://127.0.0.1:8080/rooms/attic                                 404 Not Found
//   ws://127.0.0.1:8080/rooms/lobby without the cookie              403 Forbidden

import { Router, accept, discardMessage, map, reject, serve } from '../src/index.js';
import type { Message } from '../src/index.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';

const rooms = new Set(['lobby', 'kitchen']);
/** Sessions by cookie value; a real server would look them up in its store. */
const sessions = new Map([
  ['ada', 'Ada'],
  ['alan', 'Alan'],
]);

export const router = new Router().route('/rooms/:room', async (request) => {
  const { room } = request.params;
  if (!rooms.has(room)) return reject(404, { body: `No room named ${room}\n` });
  const user = sessions.get(request.cookies.session ?? '');
  if (user === undefined) return reject(403, { body: 'Forbidden: log in first\n' });
  return accept(
    map((message: Message) => {
      if (message.isText && message.isStrict) return `${user} in ${room}: ${message.text}`;
      discardMessage(message);
      return undefined;
    }),
  );
});

if (isEntryPoint(import.meta.url)) {
  const server = await serve({ ...listenOptions(), handler: router });
  announce('rejection', server);
}
