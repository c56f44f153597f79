// The demo's WebSocket routes, each named so the page can be given its URL (reverse routing):
//   /rooms/:room/socket   the chat of a room: JSON checked by a schema, the hub, actors
//   /echo/socket          how each message arrived: Strict or Streamed, its size
//   /stopwatch/socket     Play's stopwatch, as an actor: start, stop, reset
// A room name the chat does not allow is refused with 404 before any socket is opened.

import { Router, accept, reject } from '../../src/index.js';
import type { Hub } from '../../src/index.js';
import { actorStopwatch } from '../actor-stopwatch.js';
import { chatMember } from './chat-member.js';
import { ROOM_NAME, UserName, chatMessages } from './chat-protocol.js';
import { echoReports } from './echo-report.js';
import { Rooms } from './rooms.js';

/** A member that falls this far behind its room is closed (1013, try again later). */
const MAX_BEHIND_BYTES = 256 * 1024;

/** The demo's routes, over `hub` (one per server; a test makes its own). */
export function demoRoutes(hub: Hub) {
  const rooms = new Rooms(hub);
  return new Router()
    .route(
      '/rooms/:room/socket',
      (request) => {
        const { room } = request.params;
        if (!ROOM_NAME.test(room)) return reject(404, { body: `No room may be called ${room}\n` });
        const name = UserName.safeParse(request.query.get('name') ?? 'guest');
        if (!name.success) return reject(400, { body: `${name.error.issues[0].message}\n` });
        return accept(
          hub.join(chatMessages, (member) => chatMember(rooms, room, member, name.data), {
            limits: { maxBufferedBytes: MAX_BEHIND_BYTES, onLimit: 'close' },
          }),
        );
      },
      { name: 'chat' },
    )
    .route('/echo/socket', () => accept(echoReports()), { name: 'echo' })
    .route('/stopwatch/socket', () => accept(actorStopwatch()), { name: 'stopwatch' });
}

/** The demo's router, with its route names known to `url()`. */
export type DemoRoutes = ReturnType<typeof demoRoutes>;
