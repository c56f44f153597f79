// Type tests for actors: a socket actor inside a transformer is typed over the transformer's
// values (a schema's output in, json<Out>'s type out), its route data is typed, and a spawned
// actor takes only its own messages. Checked when the suite compiles, run as one trivial test.

import { it } from 'node:test';
import { z } from 'zod';
import { Router, accept, actorFlow, json, serve, spawn, text } from '../../src/index.js';
import type { ActorRef, CloseOutcome, Flow, Message, MessageFlow } from '../../src/index.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

const Say = z.object({ room: z.string(), text: z.string() });
type Reply = { from: string; text: string };

// In and Out come from the transformer around the actor: no type arguments needed.
export const chat: MessageFlow = json<Reply>()
  .validate(Say)
  .transform(
    actorFlow(({ out }) => ({
      onMessage(message) {
        const text: string = message.text;
        // @ts-expect-error: the schema has no `user`
        void message.user;
        out.tell({ from: message.room, text });
        // @ts-expect-error: out takes Reply values only
        out.tell('plain text');
      },
      onStop(outcome) {
        const told: Expect<Equal<typeof outcome, CloseOutcome>> = true;
        if (told) console.log(outcome.code, outcome.closedBy);
      },
    })),
  );

// text() gives strings both ways; self takes the same values as the socket.
export const shout = text().transform(
  actorFlow(({ out, self }) => ({
    onMessage(line) {
      const typed: Expect<Equal<typeof line, string>> = true;
      if (typed) out.tell(line.toUpperCase());
      self.tell('again');
      // @ts-expect-error: self takes strings
      self.tell(1);
    },
  })),
);

// Without a transformer, an actor is a flow of messages, usable wherever a flow is.
export const raw = actorFlow(({ out }) => ({
  onMessage(message) {
    const typed: Expect<Equal<typeof message, Message>> = true;
    if (typed && message.isText && message.isStrict) out.tell(message.text);
  },
}));
export const served = (): Promise<unknown> => serve({ port: 0, flow: raw });
export const asFlow: Flow<Message, string> = actorFlow<Message, string>(() => ({
  onMessage: () => undefined,
}));

// The route's data is typed by the actor's Data parameter.
export const router = new Router().route('/rooms/:room', (request) =>
  accept(
    text().transform(
      actorFlow<string, string, { user: string }>(({ out, route }) => ({
        onStart() {
          const user: string | undefined = route?.data.user;
          out.tell(`${user} in ${request.params.room}`);
        },
        onMessage: () => undefined,
      })),
    ),
    { data: { user: 'ada' } },
  ),
);

// A spawned actor takes its own messages, and its refs can be handed around.
type RoomMessage = { kind: 'join'; member: ActorRef<string> } | { kind: 'say'; text: string };
export const room = spawn<RoomMessage>(() => {
  const members = new Set<ActorRef<string>>();
  return {
    onMessage(message) {
      if (message.kind === 'join') members.add(message.member);
      else for (const member of members) member.tell(message.text);
    },
  };
});
room.tell({ kind: 'say', text: 'hi' });
// @ts-expect-error: not a room message
room.tell({ kind: 'leave' });

it('actor types check (compile time)', () => undefined);
