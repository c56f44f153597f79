// The snippets of docs/messages.md, run as written (test/docs/snippets.test.ts checks that they are
// the page's): each flow over Strict and Streamed messages made here, and on a server.

import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { describe as suite, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import WebSocket from 'ws';
import {
  BinaryMessage,
  ConnectionClosed,
  TextMessage,
  concat,
  discardMessage,
  fromSinkAndSource,
  map,
  maybe,
  openWebSocket,
  PingMessage,
  PongMessage,
  serve,
  withControlMessages,
} from '../../src/index.js';
import type {
  Connection,
  ControlMessage,
  Message,
  MessageFlow,
  MessageLike,
} from '../../src/index.js';
import { connectFlow } from '../../src/flow/flow.js';
import { readableFrom } from '../../src/message/streams.js';
import { until } from '../client/support.js';

/** What a flow emits for `messages`, each output collected to a string. */
async function outputs(flow: MessageFlow, messages: Message[]): Promise<string[]> {
  const { output, input } = connectFlow(flow, readableFrom(messages));
  input.catch(() => undefined); // a failing flow fails its output too
  const seen: string[] = [];
  for await (const value of output) seen.push(await asText(value));
  return seen;
}

/** A sent value as text: strings as they are, messages collected, bytes as their length. */
async function asText(value: MessageLike): Promise<string> {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (!value.isText && !value.isBinary) return 'a control message';
  const strict = await value.toStrict(1000);
  return strict.isText ? strict.text : `${strict.data.byteLength} bytes`;
}

/** A Streamed binary message of `chunks`. */
function bytes(...chunks: number[][]): BinaryMessage {
  return BinaryMessage.streamed(chunks.map((chunk) => Uint8Array.from(chunk)));
}

suite('docs/messages.md', () => {
  it('makes the four kinds of message', { timeout: 10_000 }, async () => {
    const photoPath = fileURLToPath(import.meta.url); // any file will do
    // #region docs/messages.md
    const hello = TextMessage.strict('Hello');
    const story = TextMessage.streamed(['Once upon a time, ', 'the end.']); // a frame per chunk
    const photo = BinaryMessage.streamed(createReadStream(photoPath)); // any stream or iterable
    // #endregion
    assert.deepEqual([hello.isStrict, story.isStrict, photo.isStrict], [true, false, false]);
    assert.equal(await asText(story), 'Once upon a time, the end.');
    const photoBytes = (await photo.toStrict(1000)).data;
    assert.deepEqual(Buffer.from(photoBytes), readFileSync(photoPath));
  });

  it('reads each kind, Streamed bodies to their end', { timeout: 10_000 }, async () => {
    // #region docs/messages.md
    const describe = map(async (message: Message) => {
      if (message.isText && message.isStrict) return `text: ${message.text}`;
      if (message.isBinary && message.isStrict) return `binary: ${message.data.byteLength} bytes`;
      let size = 0; // Streamed: read the body to its end
      if (message.isText) for await (const chunk of message.textStream) size += chunk.length;
      else for await (const chunk of message.dataStream) size += chunk.byteLength;
      return `streamed ${message.isText ? 'text' : 'binary'}: ${size}`;
    });
    // #endregion
    const messages = [
      TextMessage.strict('hi'),
      BinaryMessage.strict(Uint8Array.of(1, 2)),
      TextMessage.streamed(['abc', 'de']),
      bytes([1], [2, 3, 4]),
    ];
    assert.deepEqual(await outputs(describe, messages), [
      'text: hi',
      'binary: 2 bytes',
      'streamed text: 5',
      'streamed binary: 4',
    ]);
  });

  it(
    'answers a small message that came in fragments, as written for ws',
    { timeout: 10_000 },
    async () => {
      // #region docs/messages.md
      const reply = map((message: Message) => {
        if (!message.isStrict) discardMessage(message); // over 1 MiB and still arriving: not wanted
        return message.isText && message.isStrict ? `got ${message.text}` : undefined;
      });
      // #endregion
      const server = await serve({ port: 0, flow: reply });
      const client = new WebSocket(server.url);
      await once(client, 'open');
      const answer = once(client, 'message');
      client.send('frag', { fin: false });
      for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
      client.send('mented', { fin: true });
      assert.equal(String((await answer)[0]), 'got fragmented');
      client.close();
      await once(client, 'close');
      await server.close();
    },
  );

  it(
    'drops binary messages and collects text ones with toStrict',
    { timeout: 10_000 },
    async () => {
      // #region docs/messages.md
      const textOnly = map(async (message: Message) => {
        if (!message.isText) {
          discardMessage(message); // not wanted: cancel its body, or the connection stalls
          return undefined; // emit nothing
        }
        const strict = await message.toStrict(5000, { maxBytes: 64 * 1024 });
        return strict.text.toUpperCase();
      });
      // #endregion
      let cancelled = false;
      const unwanted = BinaryMessage.streamed(
        new ReadableStream<Uint8Array>({ cancel: () => void (cancelled = true) }),
      );
      const messages = [unwanted, TextMessage.streamed(['shou', 't'])];
      assert.deepEqual(await outputs(textOnly, messages), ['SHOUT']);
      assert.equal(cancelled, true);
      const server = await serve({ port: 0, flow: textOnly });
      const socket = await openWebSocket(server.url);
      await socket.send(Uint8Array.of(1));
      await socket.send('quiet');
      assert.equal(await socket.receiveText(), 'QUIET');
      await socket.close();
      await server.close();
      const tooBig = TextMessage.streamed(['x'.repeat(64 * 1024), 'y']);
      await assert.rejects(outputs(textOnly, [tooBig]), { code: 'WSFLOW_ERR_MESSAGE_TOO_BIG' });
    },
  );

  it('greets with an async generator, Streamed in, Streamed out', { timeout: 10_000 }, async () => {
    // #region docs/messages.md
    const greeter: MessageFlow = async function* (incoming) {
      let count = 0;
      for await (const message of incoming) {
        if (!message.isText) discardMessage(message);
        else yield TextMessage.streamed(concat([`Hello #${++count}, `], message.textStream, ['!']));
      }
    };
    // #endregion
    const messages = [TextMessage.streamed(['Ad', 'a']), bytes([1]), TextMessage.strict('Bob')];
    assert.deepEqual(await outputs(greeter, messages), ['Hello #1, Ada!', 'Hello #2, Bob!']);
    const server = await serve({ port: 0, flow: greeter });
    const socket = await openWebSocket(server.url);
    await socket.send('Grace');
    assert.equal(await socket.receiveText(), 'Hello #1, Grace!');
    await socket.close();
    await server.close();
  });

  it('listens with fromSinkAndSource, kept open by maybe()', { timeout: 10_000 }, async () => {
    // #region docs/messages.md
    const received: string[] = [];
    const { source, complete } = maybe<string>(); // stays open until complete()
    const subscriber = fromSinkAndSource((message: Message) => {
      if (message.isText && message.isStrict) received.push(message.text);
    }, source);
    // #endregion
    const server = await serve({ port: 0, handler: (up) => void up.handleMessages(subscriber) });
    const socket = await openWebSocket(server.url);
    await socket.send('one');
    await socket.send('two');
    await socket.close(); // after 'one' and 'two' on the wire
    await until(() => received.length === 2); // no I/O left: the sink's own promises
    assert.deepEqual(received, ['one', 'two']);
    complete();
    await server.close();
  });

  it('answers Pings itself, with autoPong off', { timeout: 10_000 }, async () => {
    // #region docs/messages.md
    const heartbeatLog: string[] = [];
    const handler = withControlMessages(
      map((message: Message | ControlMessage) => {
        if (message instanceof PingMessage) {
          heartbeatLog.push(`ping ${message.data.byteLength} bytes`);
          return new PongMessage(message.data); // auto-pong is off: answer it
        }
        if (message instanceof PongMessage) return undefined;
        return message.isText && message.isStrict ? message.text.toUpperCase() : undefined;
      }),
      { autoPong: false },
    );
    // #endregion
    const server = await serve({ port: 0, flow: handler });
    const ws = new WebSocket(server.url);
    await once(ws, 'open');
    const pongs: string[] = [];
    ws.on('pong', (data: Buffer) => pongs.push(data.toString()));
    const reply = once(ws, 'message');
    ws.ping('abc');
    ws.send('hi');
    assert.equal(String((await reply)[0]), 'HI');
    ws.close();
    await once(ws, 'close');
    assert.deepEqual(pongs, ['abc']); // one Pong: the flow's, not a second automatic one
    assert.deepEqual(heartbeatLog, ['ping 3 bytes']);
    await server.close();
  });

  it(
    'closes with a code of its own by throwing ConnectionClosed',
    { timeout: 10_000 },
    async () => {
      // #region docs/messages.md
      const textOnlyPlease = map((message: Message) => {
        if (message.isBinary) throw new ConnectionClosed({ code: 1003, reason: 'text only' });
        return message;
      });
      // #endregion
      const server = await serve({ port: 0, flow: textOnlyPlease });
      const socket = await openWebSocket(server.url);
      await socket.send('fine');
      assert.equal(await socket.receiveText(), 'fine');
      await socket.send(Uint8Array.of(0));
      const outcome = await socket.closed;
      assert.deepEqual([outcome.code, outcome.reason], [1003, 'text only']);
      await server.close();
      // Any other error: 1011 "internal error" to the peer, and the error as the outcome's cause.
      const failure = new Error('a bug');
      const failing = map(() => Promise.reject(failure));
      const errors: unknown[] = [];
      let connection: Connection | undefined;
      const other = await serve({
        port: 0,
        handler: (upgrade) => void (connection = upgrade.handleMessages(failing)),
        onError: (error) => void errors.push(error),
      });
      const client = await openWebSocket(other.url);
      await client.send('anything');
      const seen = await client.closed;
      assert.deepEqual([seen.code, seen.reason], [1011, 'internal error']);
      assert.equal((await connection?.closed)?.cause.error, failure);
      assert.deepEqual(errors, [failure]);
      await other.close();
    },
  );
});
