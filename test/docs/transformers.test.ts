// The snippets of docs/transformers.md, run as written (test/docs/snippets.test.ts checks that
// they are the page's), each followed by a ws client that checks what the page says.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode } from '@msgpack/msgpack';
import { z } from 'zod';
import {
  Router,
  accept,
  bytes,
  concat,
  echo,
  fromSinkAndSource,
  json,
  map,
  maybe,
  serve,
  text,
} from '../../src/index.js';
import type { JsonValue } from '../../src/index.js';
import { openClient } from '../server/support.js';
import { nextText, withFlow } from '../transform/support.js';

const TIMEOUT = { timeout: 10_000 };

describe('docs/transformers.md', () => {
  it('a JSON echo', TIMEOUT, async () => {
    // #region docs/transformers.md
    const server = await serve({ port: 0, flow: json().transform(echo()) });
    // #endregion
    try {
      const client = await openClient(server.url);
      client.ws.send('{"a": [1, 2]}');
      assert.equal(await nextText(client), '{"a":[1,2]}');
      client.ws.close();
    } finally {
      await server.close();
    }
  });

  it('text and bytes', TIMEOUT, async () => {
    // #region docs/transformers.md
    const hello = text().transform(map((name) => `Hello ${name}!`));
    const reversed = bytes().transform(map((data) => data.slice().reverse()));
    // #endregion
    await withFlow(hello, async (client) => {
      client.ws.send('Ada');
      assert.equal(await nextText(client), 'Hello Ada!');
      client.ws.send(Buffer.from('binary'));
      assert.deepEqual(await client.closed, { code: 1003, reason: 'text messages only' });
    });
    await withFlow(reversed, async (client) => {
      client.ws.send(Buffer.from([1, 2]));
      assert.deepEqual(await client.next(), { data: Buffer.from([2, 1]), isBinary: true });
      client.ws.send('text');
      assert.deepEqual(await client.closed, { code: 1003, reason: 'binary messages only' });
    });
  });

  it('typed models', TIMEOUT, async () => {
    // #region docs/transformers.md
    const ChatMessage = z.object({ room: z.string(), text: z.string().max(500) });

    const router = new Router().route('/chat', () =>
      accept(
        json()
          .validate(ChatMessage)
          .transform(map(({ room, text }) => ({ room, text: text.toUpperCase() }))),
      ),
    );
    // #endregion
    const server = await serve({ port: 0, handler: router });
    try {
      const client = await openClient(`${server.url}/chat`);
      client.ws.send('{"room":"lobby","text":"hi"}');
      assert.equal(await nextText(client), '{"room":"lobby","text":"HI"}');
      client.ws.send(JSON.stringify({ room: 'lobby', text: 'x'.repeat(501) }));
      assert.deepEqual(await client.closed, {
        code: 1007,
        reason: 'invalid message at text: Too big: expected string to have <=500 characters',
      });
    } finally {
      await server.close();
    }
  });

  it('answering invalid messages', TIMEOUT, async () => {
    // #region docs/transformers.md
    const ChatMessage = z.object({ room: z.string(), text: z.string().max(500) });
    type Reply = { room: string; text: string } | { error: string };

    const chat = json<Reply>().validate(ChatMessage, {
      onInvalid: (issues) => ({ error: issues[0]?.message ?? 'invalid' }),
    });
    const flow = chat.transform(map((message) => message));
    // #endregion
    await withFlow(flow, async (client) => {
      client.ws.send('{"room":1}');
      assert.equal(
        await nextText(client),
        '{"error":"Invalid input: expected string, received number"}',
      );
      client.ws.send('{"room":"a","text":"b"}');
      assert.equal(await nextText(client), '{"room":"a","text":"b"}');
    });
  });

  it('every flow style', TIMEOUT, async () => {
    // #region docs/transformers.md
    const numbered = text().transform(async function* (lines) {
      let n = 0;
      for await (const line of lines) yield `${++n}: ${line}`;
    });

    const log: JsonValue[] = [];
    const router = new Router().route('/log', () =>
      accept(
        json().transform(
          fromSinkAndSource(
            (value: JsonValue) => void log.push(value),
            concat([{ hello: 'every message is logged' }], maybe().source),
          ),
        ),
      ),
    );
    // #endregion
    await withFlow(numbered, async (client) => {
      client.ws.send('a');
      client.ws.send('b');
      assert.equal(await nextText(client), '1: a');
      assert.equal(await nextText(client), '2: b');
    });
    const server = await serve({ port: 0, handler: router });
    try {
      for (const round of [1, 2]) {
        const client = await openClient(`${server.url}/log`);
        assert.equal(await nextText(client), '{"hello":"every message is logged"}');
        client.ws.send(`{"round":${round}}`);
        client.ws.close();
        await client.closed;
      }
      assert.deepEqual(log, [{ round: 1 }, { round: 2 }]);
    } finally {
      await server.close();
    }
  });

  it('a MessagePack transformer', TIMEOUT, async () => {
    // #region docs/transformers.md
    const ChatMessage = z.object({ room: z.string(), text: z.string().max(500) });
    const msgpack = bytes().map(
      (data) => decode(data),
      (value: unknown) => encode(value),
    );

    const server = await serve({ port: 0, flow: msgpack.validate(ChatMessage).transform(echo()) });
    // #endregion
    try {
      const client = await openClient(server.url);
      client.ws.send(encode({ room: 'lobby', text: 'hi', extra: 1 }));
      const answer = await client.next();
      assert.equal(answer.isBinary, true);
      assert.deepEqual(decode(answer.data), { room: 'lobby', text: 'hi' });
      client.ws.send(encode({ room: 7 }));
      const refused = await client.closed;
      assert.equal(refused.code, 1007);
      assert.match(refused.reason, /^invalid message at room: /);
      const garbage = await openClient(server.url);
      garbage.ws.send(Buffer.from([0xc1])); // a byte MessagePack never uses
      const { code, reason } = await garbage.closed;
      assert.equal(code, 1007);
      assert.match(reason, /^invalid message: /);
    } finally {
      await server.close();
    }
  });
});
