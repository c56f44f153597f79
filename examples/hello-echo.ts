// Play's hello echo: each text message comes back with "Hello " in front of it. A Streamed message
// is answered Streamed, so the reply starts before the message has fully arrived; binary
// messages are drained and dropped.
//
//   npm run example hello-echo     then send "world", get "Hello world"

import { TextMessage, concat, discardMessage, map, serve } from '../src/index.js';
import type { Message } from '../src/index.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';

export const helloEcho = map((message: Message) => {
  if (!message.isText) {
    discardMessage(message); // drain what we do not answer, or the connection stalls
    return undefined;
  }
  if (message.isStrict) return `Hello ${message.text}`;
  return TextMessage.streamed(concat(['Hello '], message.textStream));
});

if (isEntryPoint(import.meta.url)) {
  const server = await serve({ ...listenOptions(), flow: helloEcho });
  announce('hello-echo', server);
}
