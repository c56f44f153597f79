// Messages split into many frames: collected Strict within aggregateMessageBytes, so a handler
// written as for ws answers them; with collecting off (0) they reach the handler Streamed and can
// be answered before they end.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextMessage, concat, discardMessage, map, serve } from '../../src/index.js';
import type { Message, ServeOptions } from '../../src/index.js';
import { RawClient, openClient } from './support.js';

async function withServer(
  options: ServeOptions,
  test: (url: string, port: number) => Promise<void>,
): Promise<void> {
  const server = await serve({ ...options, port: 0 });
  try {
    await test(server.url, server.address.port);
  } finally {
    await server.close();
  }
}

/** Reads a stream to its end. */
async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const chunks: T[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** Lets the event loop turn a few times, so that the server reads what was written so far. */
async function turns(count = 10): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('fragmented messages from a ws client', () => {
  // What a ws user writes: it answers Strict text and ignores the rest (dropping a Streamed body,
  // as the drain rule asks, so that a message that streamed would show as a missing answer).
  const wsStyle = map((m: Message) => {
    if (!m.isStrict) discardMessage(m);
    return m.isText && m.isStrict ? 'got ' + m.text : undefined;
  });

  for (const perMessageDeflate of [false, true]) {
    it(`are collected Strict for a handler written as for ws${perMessageDeflate ? ', compressed' : ''}`, async () => {
      await withServer({ flow: wsStyle, perMessageDeflate }, async (url) => {
        // threshold 0: ws compresses even these small fragments.
        const client = await openClient(url, [], {
          perMessageDeflate: perMessageDeflate ? { threshold: 0 } : false,
        });
        client.ws.send('Hel', { fin: false });
        await turns(); // each fragment in its own read, as far as the loopback allows
        client.ws.send('lo, ', { fin: false });
        await turns();
        client.ws.send('wörld', { fin: true });
        client.ws.send('a'.repeat(3000), { fin: false });
        await turns();
        client.ws.send('!', { fin: true });
        client.ws.send('end');
        assert.equal((await client.next()).data.toString(), 'got Hello, wörld');
        assert.equal((await client.next()).data.toString(), `got ${'a'.repeat(3000)}!`);
        assert.equal((await client.next()).data.toString(), 'got end');
        client.ws.close();
        await client.closed;
      });
    });
  }
});

describe('streamed messages', () => {
  it('a text message in many frames arrives Streamed, chunk by chunk', async () => {
    // The handler says "started" once the first chunk is in; only then does the client send the rest,
    // so the message cannot have arrived whole.
    const flow = async function* (incoming: AsyncIterable<Message>): AsyncIterable<string> {
      for await (const message of incoming) {
        if (!message.isText || message.isStrict) {
          yield 'strict';
          continue;
        }
        const reader = message.textStream.getReader();
        let text = '';
        const first = await reader.read();
        text += first.value ?? '';
        yield 'started';
        for (let part = await reader.read(); !part.done; part = await reader.read())
          text += part.value;
        yield `whole: ${text}`;
      }
    };
    await withServer({ flow, aggregateMessageBytes: 0 }, async (url) => {
      const client = await openClient(url);
      client.ws.send('Hel', { fin: false });
      assert.equal((await client.next()).data.toString(), 'started');
      client.ws.send('lo, ', { fin: false });
      client.ws.send('world', { fin: true });
      assert.equal((await client.next()).data.toString(), 'whole: Hello, world');
      client.ws.close();
      await client.closed;
    });
  });

  it('a binary message in many frames is echoed whole to ws', async () => {
    await withServer({ flow: map((m: Message) => m) }, async (url) => {
      const client = await openClient(url);
      const parts = [Buffer.from([1, 2]), Buffer.from([3]), Buffer.alloc(70_000, 7)];
      client.ws.send(parts[0], { fin: false, binary: true });
      client.ws.send(parts[1], { fin: false, binary: true });
      client.ws.send(parts[2], { fin: true, binary: true });
      const { data, isBinary } = await client.next();
      assert.equal(isBinary, true);
      assert.deepEqual(data, Buffer.concat(parts));
      client.ws.close();
      await client.closed;
    });
  });

  it('the greeter answers a streamed name before the name has ended', async () => {
    const greeter = map((message: Message) => {
      if (!message.isText) return undefined;
      if (message.isStrict) return TextMessage.strict(`Hello ${message.text}!`);
      return TextMessage.streamed(concat(['Hello '], message.textStream, ['!']));
    });
    await withServer({ flow: greeter, aggregateMessageBytes: 0 }, async (_url, port) => {
      const raw = await RawClient.connect(port);
      raw.send(0x1, 'Pe', false);
      // The first frame of the answer arrives while the name is still open on the wire.
      const first = await raw.nextFrame();
      assert.equal(first.opcode, 0x1);
      assert.equal(first.fin, false);
      let answer = first.payload.toString();
      while (!answer.includes('Pe')) answer += (await raw.nextFrame()).payload.toString();
      raw.send(0x0, 'ter', true);
      let frame = first;
      do {
        frame = await raw.nextFrame();
        answer += frame.payload.toString();
      } while (!frame.fin);
      assert.equal(answer, 'Hello Peter!');
      raw.socket.destroy();
    });
  });

  it('a strict message stays Strict', async () => {
    const kinds: boolean[] = [];
    const flow = map((message: Message) => {
      kinds.push(message.isStrict);
      return message.isText ? 'seen' : undefined;
    });
    await withServer({ flow }, async (url) => {
      const client = await openClient(url);
      client.ws.send('small');
      await client.next();
      assert.deepEqual(kinds, [true]);
      client.ws.close();
      await client.closed;
    });
  });

  it('reads every chunk of a Streamed body through readAll', async () => {
    const received: string[][] = [];
    const flow = async function* (incoming: AsyncIterable<Message>): AsyncIterable<string> {
      for await (const message of incoming) {
        if (message.isText && !message.isStrict) {
          yield 'go';
          received.push(await readAll(message.textStream));
          yield 'done';
        }
      }
    };
    await withServer({ flow, aggregateMessageBytes: 0 }, async (url) => {
      const client = await openClient(url);
      client.ws.send('a', { fin: false });
      assert.equal((await client.next()).data.toString(), 'go');
      client.ws.send('b', { fin: false });
      client.ws.send('c', { fin: true });
      assert.equal((await client.next()).data.toString(), 'done');
      assert.equal(received[0].join(''), 'abc');
      client.ws.close();
      await client.closed;
    });
  });
});
