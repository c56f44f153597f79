// The README's first server and client, in a default-lib (DOM) project with skipLibCheck off.
import { TextMessage, concat, discardMessage, echo, map, openWebSocket, serve } from 'wsflow';
import type { Message } from 'wsflow';

const greeter = map((message: Message) => {
  if (!message.isText) {
    discardMessage(message); // drain what we do not answer, or the connection stalls
    return undefined; // emit nothing
  }
  if (message.isStrict) return TextMessage.strict(`Hello ${message.text}!`);
  return TextMessage.streamed(concat(['Hello '], message.textStream, ['!']));
});

const greeting = await serve({ port: 0, host: '127.0.0.1', flow: greeter });
const echoing = await serve({ port: 0, host: '127.0.0.1', flow: echo() });
try {
  const socket = await openWebSocket(`${greeting.url}/`);
  await socket.send('world');
  const reply = await socket.receiveText();
  await socket.close(1000, 'done');
  const other = await openWebSocket(`${echoing.url}/`);
  await other.send('echo');
  const echoed = await other.receiveText();
  await other.close();
  if (reply !== 'Hello world!' || echoed !== 'echo') throw new Error(`got ${reply} / ${echoed}`);
  console.log('ok esm-nodenext', reply);
} finally {
  await Promise.all([greeting.close(), echoing.close()]);
}
