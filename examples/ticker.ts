// A disconnected flow (Play): a tick every second to the client, whatever it sends; what it
// sends is printed. Incoming and outgoing are not related: a sink and a source (fromSinkAndSource).
//
//   npm run example ticker      (TICK_MS=200 for faster ticks)

import { serve, ticker } from '../src/index.js';
import type { Clock, Message, UpgradeHandler } from '../src/index.js';
import { announce, intervalFromEnv, isEntryPoint, listenOptions } from './lib/env.js';

const intervalMs = intervalFromEnv('TICK_MS', 1000);

/** Prints a received message; a Streamed one is collected first (within 10 s). */
async function print(message: Message): Promise<void> {
  if (message.isBinary) {
    const { data } = await message.toStrict(10_000);
    console.log(`ticker: received ${data.byteLength} bytes`);
  } else {
    const { text } = await message.toStrict(10_000);
    console.log(`ticker: received ${JSON.stringify(text)}`);
  }
}

/** Ticks to every client, on `clock` (a test's virtual clock); prints what it receives. */
export function handleTicker(clock?: Clock): UpgradeHandler {
  // A new pair per connection: a { writable, readable } pair runs once.
  return (upgrade) => {
    upgrade.handleMessagesWithSinkSource(
      print,
      ticker(intervalMs, () => 'tick', { clock }),
    );
  };
}

if (isEntryPoint(import.meta.url)) {
  const server = await serve({
    ...listenOptions(),
    maxMessageBytes: 65_536, // what it prints stays small: bigger messages close with 1009
    handler: handleTicker(),
  });
  announce('ticker', server);
}
