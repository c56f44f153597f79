// Play's chat room with actors: a room actor per room, and an actor per socket that talks to it.
// Connect to /chat/<room>?name=<you>; every line you send goes to everyone in the room. A member
// that does not read is closed (1013) when its `out` is full; the others are not held up.
//
//   npm run example actor-chat

import { Router, accept, actorFlow, serve, spawn, text } from '../src/index.js';
import type { Actor, ActorRef } from '../src/index.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';

/** What a room actor is told. */
type RoomMessage =
  | { kind: 'join'; name: string; member: ActorRef<string> }
  | { kind: 'leave'; name: string; member: ActorRef<string> }
  | { kind: 'say'; name: string; text: string };

/** The chat's routes: `/chat/:room`, a room actor per room, made on the first join. */
export function chatRoutes(): Router {
  const rooms = new Map<string, Actor<RoomMessage>>();

  const spawnRoom = (roomName: string): Actor<RoomMessage> =>
    spawn<RoomMessage>(({ stop }) => {
      const members = new Set<ActorRef<string>>();
      const broadcast = (line: string): void => {
        for (const member of members) member.tell(line);
      };
      return {
        onMessage(message) {
          if (message.kind === 'say') return broadcast(`${message.name}: ${message.text}`);
          if (message.kind === 'join') {
            members.add(message.member);
            return broadcast(`${message.name} joined ${roomName}`);
          }
          members.delete(message.member);
          broadcast(`${message.name} left`);
          if (members.size === 0) {
            rooms.delete(roomName); // the next join makes a new room
            stop();
          }
        },
      };
    });

  return new Router().route('/chat/:room', (request) => {
    const roomName = request.params.room;
    const name = request.query.get('name') ?? 'anonymous';
    return accept(
      text().transform(
        actorFlow<string, string>(({ out }) => {
          let room = rooms.get(roomName);
          if (room === undefined) rooms.set(roomName, (room = spawnRoom(roomName)));
          const member = room;
          return {
            onStart: () => void member.tell({ kind: 'join', name, member: out }),
            onMessage: (line) => void member.tell({ kind: 'say', name, text: line }),
            onStop: () => void member.tell({ kind: 'leave', name, member: out }),
          };
        }),
      ),
    );
  });
}

if (isEntryPoint(import.meta.url)) {
  const server = await serve({
    ...listenOptions(),
    maxMessageBytes: 4096, // chat lines are short: longer ones close with 1009
    handler: chatRoutes(),
  });
  announce('actor-chat', server);
}
