// transformer.validate(schema) with real Standard Schema validators (zod, valibot) and a
// hand-written async one, over real sockets with ws as the client: invalid input closes with 1007
// and a reason naming the field, or is answered; async validation keeps the messages' order.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as v from 'valibot';
import { z } from 'zod';
import { json, map } from '../../src/index.js';
import type { StandardSchemaV1 } from '../../src/index.js';
import { describeIssues } from '../../src/transform/issues.js';
import { nextText, withFlow } from './support.js';

const User = z.object({ user: z.object({ name: z.string(), tags: z.array(z.string()) }) });

describe('validate(schema)', () => {
  it('hands the flow the schema output (zod)', async () => {
    const flow = json()
      .validate(User)
      .transform(map(({ user }) => `${user.name}: ${user.tags.join(',')}`));
    await withFlow(flow, async (client) => {
      client.ws.send('{"user":{"name":"ada","tags":["a","b"]},"extra":1}');
      assert.equal(await nextText(client), '"ada: a,b"');
    });
  });

  it('closes with 1007 and a reason that names the failing field (zod)', async () => {
    await withFlow(
      json()
        .validate(User)
        .transform(map(() => 'ok')),
      async (client) => {
        client.ws.send('{"user":{"name":"ada","tags":["a",2]}}');
        const { code, reason } = await client.closed;
        assert.equal(code, 1007);
        assert.match(reason, /^invalid message at user\.tags\[1\]: .*expected string/);
      },
    );
  });

  it('closes with 1007 and a reason that names the failing field (valibot)', async () => {
    const Schema = v.object({ user: v.object({ name: v.string() }) });
    const flow = json()
      .validate(Schema)
      .transform(map(({ user }) => user.name.toUpperCase()));
    await withFlow(flow, async (client) => {
      client.ws.send('{"user":{"name":"ada"}}');
      assert.equal(await nextText(client), '"ADA"');
      client.ws.send('{"user":{"name":1}}');
      const { code, reason } = await client.closed;
      assert.equal(code, 1007);
      assert.match(reason, /^invalid message at user\.name: Invalid type/);
    });
  });

  it('cuts the reason to the 123 bytes of a Close frame, the path first', async () => {
    const Long = z.object({ field: z.string({ error: 'ü'.repeat(200) }) });
    await withFlow(
      json()
        .validate(Long)
        .transform(map(() => 'ok')),
      async (client) => {
        client.ws.send('{"field":0}');
        const { code, reason } = await client.closed;
        assert.equal(code, 1007);
        assert.ok(reason.startsWith('invalid message at field: üü'), reason);
        assert.ok(Buffer.byteLength(reason) <= 123);
        assert.ok(Buffer.byteLength(reason) >= 122, 'cut at a character boundary, not shorter');
      },
    );
  });

  it('answers an error value with onInvalid and keeps the socket open, in order', async () => {
    const Message = z.object({ text: z.string() });
    const chat = json<{ reply: string } | { error: string }>().validate(Message, {
      onInvalid: (issues) => ({ error: describeIssues(issues) }),
    });
    const flow = chat.transform(async function* (messages) {
      for await (const message of messages) yield { reply: message.text };
    });
    await withFlow(flow, async (client) => {
      client.ws.send('{"text":"one"}');
      client.ws.send('{"text":2}');
      client.ws.send('{"text":"three"}');
      assert.equal(await nextText(client), '{"reply":"one"}');
      assert.match(await nextText(client), /^\{"error":"invalid message at text: /);
      assert.equal(await nextText(client), '{"reply":"three"}');
    });
  });

  it('drops an invalid message without a reply when onInvalid returns undefined', async () => {
    const flow = json()
      .validate(z.number(), { onInvalid: () => undefined })
      .transform(map((n) => n + 1));
    await withFlow(flow, async (client) => {
      client.ws.send('"x"');
      client.ws.send('1');
      assert.equal(await nextText(client), '2');
    });
  });

  it('keeps the order of messages when validation is async and slower for some', async () => {
    const slowFirst: StandardSchemaV1<unknown, number> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async (value) => {
          // The first message takes longest: without ordering it would come back last.
          await new Promise((resolve) => setTimeout(resolve, value === 1 ? 30 : 0));
          return typeof value === 'number' ? { value } : { issues: [{ message: 'not a number' }] };
        },
      },
    };
    await withFlow(
      json()
        .validate(slowFirst)
        .transform(map((n) => n * 10)),
      async (client) => {
        for (const n of [1, 2, 3]) client.ws.send(String(n));
        assert.deepEqual(
          [await nextText(client), await nextText(client), await nextText(client)],
          ['10', '20', '30'],
        );
        client.ws.send('"x"');
        assert.deepEqual(await client.closed, {
          code: 1007,
          reason: 'invalid message: not a number',
        });
      },
    );
  });

  it('runs zod async refinements', async () => {
    const Name = z.string().refine(async (name) => name !== 'taken', { message: 'name taken' });
    await withFlow(
      json()
        .validate(Name)
        .transform(map((name) => `hi ${name}`)),
      async (client) => {
        client.ws.send('"ada"');
        assert.equal(await nextText(client), '"hi ada"');
        client.ws.send('"taken"');
        assert.deepEqual(await client.closed, {
          code: 1007,
          reason: 'invalid message: name taken',
        });
      },
    );
  });
});

describe('describeIssues', () => {
  it('writes paths as JavaScript would, and counts the other issues', () => {
    assert.equal(
      describeIssues([
        { message: 'bad', path: ['a', { key: 0 }, 'odd key', 'b'] },
        { message: 'worse' },
      ]),
      'invalid message at a[0]["odd key"].b: bad (and 1 more)',
    );
    assert.equal(describeIssues([{ message: 'bad', path: [] }]), 'invalid message: bad');
  });
});
