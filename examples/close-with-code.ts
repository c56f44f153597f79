// Closing with a custom close code (Play): the server echoes text until the client sends
// "bye", then closes with 4000 "goodbye" — the code and reason the client sees. Any 1000-1003,
// 1007-1014 or 3000-4999 code works; 4000-4999 are for applications.
//
//   npm run example close-with-code

import { ConnectionClosed, discardMessage, serve } from '../src/index.js';
import type { Message, MessageFlow, UpgradeHandler } from '../src/index.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';

/** Echoes text; "bye" ends the flow by throwing a ConnectionClosed with the code to send. */
export const untilBye: MessageFlow = async function* (incoming: AsyncIterable<Message>) {
  for await (const message of incoming) {
    if (!message.isText) {
      discardMessage(message); // drain what we do not read, or the connection stalls
      continue;
    }
    const { text } = await message.toStrict(5_000, { maxBytes: 65_536 });
    if (text === 'bye') throw new ConnectionClosed({ code: 4000, reason: 'goodbye' });
    yield text;
  }
};

/** Runs `untilBye`, and closes a connection still open after a minute with 4001. */
export const handleUntilBye: UpgradeHandler = (upgrade) => {
  const connection = upgrade.handleMessages(untilBye);
  // The other way: the Connection itself, e.g. to end idle sessions after a minute.
  const idle = setTimeout(() => void connection.close(4001, 'idle for too long'), 60_000);
  void connection.closed.then(() => clearTimeout(idle));
};

if (isEntryPoint(import.meta.url)) {
  const server = await serve({ ...listenOptions(), handler: handleUntilBye });
  announce('close-with-code', server);
}
