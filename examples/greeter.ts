// Akka HTTP's greeter: every text message is a name, answered with "Hello <name>!". A Streamed name
// is answered Streamed, so the greeting starts before the name has fully arrived.
//
//   npm run example greeter     then send "Peter", get "Hello Peter!"

import { TextMessage, concat, discardMessage, map, serve } from '../src/index.js';
import type { Message } from '../src/index.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';

/** The greeter flow: text in, greeting out; binary messages are drained and dropped. */
export const greeter = map((message: Message) => {
  if (!message.isText) {
    discardMessage(message); // drain what we do not answer, or the connection stalls
    return undefined; // emit nothing
  }
  if (message.isStrict) return TextMessage.strict(`Hello ${message.text}!`);
  return TextMessage.streamed(concat(['Hello '], message.textStream, ['!']));
});

if (isEntryPoint(import.meta.url)) {
  const server = await serve({ ...listenOptions(), flow: greeter });
  announce('greeter', server);
}
