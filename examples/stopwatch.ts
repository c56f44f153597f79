// Play's stopwatch: the client sends "start", "stop" or "reset"; while running, the server
// sends the count once per tick. The sink and the source share the state of one connection.
//
//   npm run example stopwatch   (TICK_MS=200 for faster ticks)

import { discardMessage, fromSinkAndSource, serve, ticker } from '../src/index.js';
import type { Clock, Message, MessageFlow } from '../src/index.js';
import { announce, intervalFromEnv, isEntryPoint, listenOptions } from './lib/env.js';

const intervalMs = intervalFromEnv('TICK_MS', 1000);

/** One stopwatch per connection; its ticks run on `clock` (a test's virtual clock). */
export function stopwatch(clock?: Clock): MessageFlow {
  let running = false;
  let counter = 0;
  const control = async (message: Message): Promise<void> => {
    if (!message.isText) return discardMessage(message);
    const { text: command } = await message.toStrict(5_000);
    if (command === 'start') running = true;
    else if (command === 'stop') running = false;
    else if (command === 'reset') counter = 0;
  };
  // Ticks while stopped carry nothing: filter them out as Play's `.filter(_ => running.get)` does.
  const ticks = ticker(intervalMs, () => (running ? String(counter++) : undefined), { clock });
  const counts = ticks.pipeThrough(
    new TransformStream<string | undefined, string>({
      transform(value, controller) {
        if (value !== undefined) controller.enqueue(value);
      },
    }),
  );
  return fromSinkAndSource(control, counts);
}

if (isEntryPoint(import.meta.url)) {
  const server = await serve({
    ...listenOptions(),
    maxMessageBytes: 1024, // commands are short: anything longer closes with 1009
    handler: (upgrade) => void upgrade.handleMessages(stopwatch()),
  });
  announce('stopwatch', server);
}
