// A chat member: an actor per socket (Play's ActorFlow.actorRef) that keeps what is this user's
// own, their name, and tells their room what they say. The schema has already checked every
// command, so the actor only decides what it means.

import { actorFlow } from '../../src/index.js';
import type { Flow, HubMember } from '../../src/index.js';
import type { ChatCommand, ChatEvent } from './chat-protocol.js';
import type { Rooms } from './rooms.js';

/**
 * The flow of one member of `room`, from its commands to the events sent to it alone (the
 * room's lines reach it through the hub).
 */
export function chatMember(
  rooms: Rooms,
  room: string,
  member: HubMember<ChatEvent>,
  firstName: string,
): Flow<ChatCommand, ChatEvent> {
  return actorFlow<ChatCommand, ChatEvent>(() => {
    let name = firstName; // this user's state: it lives as long as the socket
    const roomActor = rooms.join(room, member, name);
    return {
      onMessage(command) {
        if (command.type === 'say') {
          roomActor.tell({ kind: 'say', id: member.id, text: command.text });
        } else if (command.name !== name) {
          name = command.name;
          roomActor.tell({ kind: 'rename', id: member.id, name });
        }
      },
      // However the socket ended (closed by the page, a restart, a dead peer found by the
      // keep-alive), the room hears of it.
      onStop: () => void roomActor.tell({ kind: 'leave', id: member.id }),
    };
  });
}
