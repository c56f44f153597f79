// Play's chat room, on topics: a room per path (`/chat/:room`), JSON messages checked by a schema
// (zod here; any Standard Schema validator works), every line published once to the room's
// subscribers. The others hear who joined and left; the sender gets its own line back as the
// flow's reply. A member that reads too slowly is closed with 1013, so the room never waits.
//
//   npm run example hub-chat
//   ws://127.0.0.1:8080/chat/lobby?name=ada   send {"text":"hello"}
//   every member of lobby receives {"room":"lobby","from":"ada","text":"hello"}

import { z } from 'zod';
import { Hub, Router, accept, json, map, serve } from '../src/index.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';

const Say = z.object({ text: z.string().min(1).max(500) });

/** What members receive. */
export type ChatEvent =
  | { room: string; from: string; text: string }
  | { room: string; joined: string }
  | { room: string; left: string };

/** The rooms: a member that falls 256 KiB behind is closed (1013, try again later). */
export const hub = new Hub({ limits: { maxBufferedBytes: 256 * 1024, onLimit: 'close' } });
const chat = json<ChatEvent>().validate(Say);

/** The chat's routes over a hub (hub-chat-redis.ts gives them a hub on Redis). */
export function chatRoutes(hub: Hub): Router {
  return new Router().route('/chat/:room', (request) => {
    const { room } = request.params;
    const name = request.query.get('name') ?? 'anonymous';
    return accept(
      hub.join(chat, (member) => {
        member.subscribe(room);
        member.publish(room, { room, joined: name });
        member.connection.onClosed(() => hub.publish(room, chat.encode({ room, left: name })));
        return map(({ text }) => {
          const line = { room, from: name, text };
          member.publish(room, line); // to the others
          return line; // and back to the sender, as the reply
        });
      }),
    );
  });
}

export const router = chatRoutes(hub);

if (isEntryPoint(import.meta.url)) {
  const server = await serve({ ...listenOptions(), handler: router });
  announce('hub-chat', server);
}
