// Test helper: one echo handler in every style a server or client handler can take (map, async
// map, async generator, fromSinkAndSource with a function sink, a socket actor, a TransformStream
// pair), each answering `got <text>`, for tests that must hold whatever the handler's style.

import { actorFlow } from '../../src/actor/socket-actor.js';
import { fromSinkAndSource, map } from '../../src/flow/flow.js';
import type { MessageFlow } from '../../src/flow/flow.js';
import type { Message, MessageLike } from '../../src/message/message.js';

/** The reply every style gives: `got <text>` (`got ?` for anything but a Strict text). */
export const reply = (message: Message): string =>
  `got ${message.isText && message.isStrict ? message.text : '?'}`;

/** An unbounded push queue read as an async iterable (the sink-and-source echo's source). */
export function pushSource(): {
  push(value: MessageLike): void;
  source: AsyncIterable<MessageLike>;
} {
  const queue: MessageLike[] = [];
  let wake: (() => void) | undefined;
  return {
    push(value) {
      queue.push(value);
      wake?.();
    },
    source: (async function* () {
      for (;;) {
        while (queue.length > 0) yield queue.shift() as MessageLike;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    })(),
  };
}

/** Each style's name and a maker of a fresh flow of that style answering with {@link reply}. */
export const HANDLER_STYLES: readonly [string, () => MessageFlow][] = [
  ['map', () => map(reply)],
  ['an async map', () => map(async (m: Message) => reply(m))],
  [
    'an async generator',
    () =>
      async function* (incoming) {
        for await (const message of incoming) yield reply(message);
      },
  ],
  [
    'fromSinkAndSource with a function sink',
    () => {
      const { push, source } = pushSource();
      return fromSinkAndSource((m: Message) => push(reply(m)), source);
    },
  ],
  [
    'a socket actor',
    () => actorFlow<Message, string>(({ out }) => ({ onMessage: (m) => void out.tell(reply(m)) })),
  ],
  [
    'a TransformStream pair',
    () =>
      new TransformStream<Message, MessageLike>({
        transform: (message, controller) => controller.enqueue(reply(message)),
      }),
  ],
];
