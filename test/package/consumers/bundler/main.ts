// Bundler resolution with the DOM lib: a client flow piped through WHATWG streams, and the
// sans-I/O entry point.
import { concat, map, maybe, serve, webSocketClientFlow } from 'wsflow';
import type { Message } from 'wsflow';
import { CloseCode } from 'wsflow/protocol';

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
  console.log('ok bundler', received.join(''), CloseCode.Normal);
} finally {
  await server.close();
}
