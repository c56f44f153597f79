// Type tests for the hub: a member joined with a transformer is typed over its values (a schema's
// output in, json<Out>'s type out, for its flow, publish and send); without one it publishes
// messages; presence events narrow by type. Checked when the suite compiles, run as one trivial
// test.

import { it } from 'node:test';
import { z } from 'zod';
import { Hub, Router, accept, json, map, text } from '../../src/index.js';
import type { HubMember, MessageFlow, PresenceEvent } from '../../src/index.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

const Say = z.object({ text: z.string() });
type Line = { from: string; text: string };
const hub = new Hub();
const chat = json<Line>().validate(Say);

export const router = new Router().route('/chat/:room', (request) =>
  accept(
    hub.join(chat, (member) => {
      const typed: Expect<Equal<typeof member, HubMember<Line>>> = true;
      if (typed) member.subscribe(request.params.room);
      return map(({ text: said }) => {
        // @ts-expect-error: the schema has no `from`
        void said.from;
        member.publish(request.params.room, { from: 'ada', text: said });
        // @ts-expect-error: a member of json<Line> publishes Line values
        member.publish(request.params.room, 'plain text');
        void member.send({ from: 'hub', text: 'welcome' });
        return { from: 'ada', text: said };
      });
    }),
  ),
);

// Without a transformer: messages (strings, bytes, Strict messages).
export const plain: MessageFlow = hub.join((member) => {
  member.publish('t', 'text');
  member.publish('t', Uint8Array.of(1));
  // @ts-expect-error: a number is not a message
  member.publish('t', 42);
  return map(() => undefined);
});

// text() members publish strings; the flow is over strings.
export const lines: MessageFlow = hub.join(text(), (member) =>
  map((line) => {
    const isString: Expect<Equal<typeof line, string>> = true;
    if (isString) member.publish('t', line.toUpperCase());
    return line;
  }),
);

hub.onPresence((event: PresenceEvent) => {
  if (event.type === 'subscribed') {
    const count: number = event.subscribers;
    void count;
  }
  // @ts-expect-error: only subscribe events have a topic
  if (event.type === 'opened') void event.topic;
  if (event.type === 'closed') void event.outcome.code;
});

it('the hub types compile (checked by tsc when the suite builds)', () => undefined);
