// Play's ByteString echo: binary messages come back as they are; a text message is not
// what this service speaks, so it closes the connection with 1003 (unsupported data).
//
//   npm run example binary-echo

import { CloseCode, ConnectionClosed, discardMessage, map, serve } from '../src/index.js';
import type { Message } from '../src/index.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';

/** Binary comes back; text closes with 1003. */
export const binaryEcho = map((message: Message) => {
  if (message.isBinary) return message; // Strict or Streamed, sent back chunk by chunk
  discardMessage(message);
  // Throwing a ConnectionClosed from a flow closes with its code and reason.
  throw new ConnectionClosed({ code: CloseCode.UnsupportedData, reason: 'binary messages only' });
});

if (isEntryPoint(import.meta.url)) {
  const server = await serve({ ...listenOptions(), flow: binaryEcho });
  announce('binary-echo', server);
}
