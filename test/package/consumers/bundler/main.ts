// Bundler resolution with the DOM lib: a client flow piped through WHATWG streams, the sans-I/O
// entry point, and the same flow tested in memory with the testkit.
import { concat, map, maybe, serve, webSocketClientFlow } from 'wsflow';
import type { Message } from 'wsflow';
import { CloseCode } from 'wsflow/protocol';
import { WS, WSProbe } from 'wsflow/testkit';

const upper = map((message: Message) =>
  message.isText && message.isStrict ? message.text.toUpperCase() : undefined,
);
const server = await serve({ port: 0, host: '127.0.0.1', flow: upper });
try {
  const received: string[] = [];
  // The outgoing side stays open (maybe) until both replies are in: its end closes the connection.
  const { source, complete } = maybe<string>();
  await concat(['a', 'b'], source)
    .pipeThrough(webSocketClientFlow(`${server.url}/`))
    .pipeTo(
      new WritableStream<Message>({
        write(message) {
          if (message.isText && message.isStrict) received.push(message.text);
          if (received.length === 2) complete();
        },
      }),
    );
  if (received.join() !== 'A,B') throw new Error(`got ${received.join()}`);
  const wsClient = new WSProbe();
  const check = await WS('/', wsClient.flow).run(upper);
  wsClient.sendMessage('c');
  const tested = await wsClient.expectMessage('C');
  wsClient.sendCompletion();
  await wsClient.expectCompletion();
  if (!check.isWebSocketUpgrade) throw new Error(`in memory: ${check.status}`);
  console.log('ok bundler', received.join(''), tested.text, CloseCode.Normal);
} finally {
  await server.close();
}
