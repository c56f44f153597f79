// The rooms: an actor per room keeps who is there and the last lines said, and publishes each
// change to the room's topic on the hub. The hub frames a publish once and writes it to every
// member, so a room of a hundred costs one encoding per line; a member that stops reading is
// closed by the hub (1013), never waited for. The room actor is the one place a room's order is
// decided: every line, join, leave and rename goes through its mailbox, one at a time.

import { spawn } from '../../src/index.js';
import type { Actor, Hub, HubMember } from '../../src/index.js';
import { chatMessages } from './chat-protocol.js';
import type { ChatEvent, ChatLine, Person } from './chat-protocol.js';

/** How many lines a room keeps for the pages that join it. */
const HISTORY_LINES = 50;

/** What a room actor is told by the socket actors of its members. */
export type RoomMessage =
  | { kind: 'join'; member: HubMember<ChatEvent>; name: string }
  | { kind: 'say'; id: string; text: string }
  | { kind: 'rename'; id: string; name: string }
  | { kind: 'leave'; id: string };

/** The rooms of one hub, each made on its first join and stopped when its last member leaves. */
export class Rooms {
  readonly #hub: Hub;
  readonly #rooms = new Map<string, Actor<RoomMessage>>();

  constructor(hub: Hub) {
    this.#hub = hub;
  }

  /**
   * Subscribes `member` to `room` and tells the room it joined, in one step: a room stops (and
   * leaves the map) only while handling a leave, so the actor found here still takes the join.
   *
   * @returns The room, to tell what the member says, its renames and its leave.
   */
  join(room: string, member: HubMember<ChatEvent>, name: string): Actor<RoomMessage> {
    let actor = this.#rooms.get(room);
    if (actor === undefined) this.#rooms.set(room, (actor = this.#spawn(room)));
    member.subscribe(room);
    actor.tell({ kind: 'join', member, name });
    return actor;
  }

  #spawn(room: string): Actor<RoomMessage> {
    const hub = this.#hub;
    const rooms = this.#rooms;
    return spawn<RoomMessage>(({ stop }) => {
      const people = new Map<string, Person>();
      const history: ChatLine[] = [];
      const publish = (event: ChatEvent): void => hub.publish(room, chatMessages.encode(event));
      const log = (line: ChatLine): void => {
        history.push(line);
        if (history.length > HISTORY_LINES) history.shift();
        publish(line);
      };
      const presence = (): void =>
        publish({ type: 'presence', room, people: [...people.values()] });

      return {
        onMessage(message) {
          const at = Date.now();
          if (message.kind === 'join') {
            const you = { id: message.member.id, name: message.name };
            // The newcomer first: who it is and what was said before it came, then everyone.
            // A member gone by now is told nothing (its leave is on the way): not an error.
            message.member
              .send({ type: 'welcome', room, you, history: [...history] })
              .catch(() => undefined);
            people.set(you.id, you);
            log({ type: 'joined', at, who: you });
            return presence();
          }
          const who = people.get(message.id);
          if (who === undefined) return; // a member that already left
          if (message.kind === 'say')
            return log({ type: 'said', at, from: who, text: message.text });
          if (message.kind === 'rename') {
            const renamed = { id: who.id, name: message.name };
            people.set(who.id, renamed);
            log({ type: 'renamed', at, who: renamed, was: who.name });
            return presence();
          }
          people.delete(message.id);
          log({ type: 'left', at, who });
          presence();
          if (people.size === 0) {
            rooms.delete(room); // the next join makes a new room
            stop();
          }
        },
      };
    });
  }
}
