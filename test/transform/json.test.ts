// json() over real sockets, with ws as the client: values both ways, what is not JSON closes with
// 1007, and hostile input (deep nesting, huge strings, __proto__ keys) is refused or kept as data.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { echo, json, map, TransformerDefaults } from '../../src/index.js';
import type { JsonValue } from '../../src/index.js';
import { nestsDeeperThan } from '../../src/transform/json-depth.js';
import { nextText, withFlow } from './support.js';

describe('json()', () => {
  it('parses each message and sends values serialized, as text', async () => {
    const flow = json().transform(map((value) => ({ got: value })));
    await withFlow(flow, async (client) => {
      client.ws.send('{"a":[1,true,null,"x"]}');
      assert.equal(await nextText(client), '{"got":{"a":[1,true,null,"x"]}}');
      client.ws.send('42');
      assert.equal(await nextText(client), '{"got":42}');
    });
  });

  it('reads a binary message as UTF-8 JSON (as Play does), and answers in text', async () => {
    await withFlow(json().transform(echo()), async (client) => {
      client.ws.send(Buffer.from('{"b":"é"}'));
      assert.deepEqual(await client.next(), { data: Buffer.from('{"b":"é"}'), isBinary: false });
      client.ws.send(Buffer.from([0x22, 0xff, 0x22]));
      assert.deepEqual(await client.closed, { code: 1007, reason: 'invalid JSON: not UTF-8' });
    });
  });

  it('collects a fragmented message before parsing it', async () => {
    await withFlow(json().transform(echo()), async (client) => {
      client.ws.send('{"long":"', { fin: false });
      client.ws.send('x'.repeat(70_000), { fin: false });
      client.ws.send('"}', { fin: true });
      assert.equal(await nextText(client), `{"long":"${'x'.repeat(70_000)}"}`);
    });
  });

  it('closes with 1007 and a reason on text that is not JSON', async () => {
    await withFlow(json().transform(echo()), async (client) => {
      client.ws.send('not json');
      const { code, reason } = await client.closed;
      assert.equal(code, 1007);
      assert.match(reason, /^invalid JSON: /);
      assert.ok(Buffer.byteLength(reason) <= 123);
    });
  });

  it('keeps __proto__ and constructor keys as plain data', async () => {
    const seen: JsonValue[] = [];
    const flow = json().transform(
      map((value) => {
        seen.push(value);
        return Object.keys(value as object);
      }),
    );
    await withFlow(flow, async (client) => {
      client.ws.send('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}');
      assert.equal(await nextText(client), '["__proto__","constructor"]');
    });
    const [parsed] = seen as Record<string, unknown>[];
    assert.ok(Object.hasOwn(parsed, '__proto__'), 'the key is an own property');
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
  });

  it('closes with 1007 on JSON nested 100,000 deep, without a RangeError', async () => {
    const depth = 100_000;
    await withFlow(json().transform(echo()), async (client) => {
      client.ws.send('['.repeat(depth) + ']'.repeat(depth));
      assert.deepEqual(await client.closed, {
        code: 1007,
        reason: `JSON nested deeper than ${TransformerDefaults.jsonMaxDepth}`,
      });
    });
  });

  it('takes JSON exactly maxDepth deep, and refuses one level more', async () => {
    const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
    await withFlow(json({ maxDepth: 3 }).transform(echo()), async (client) => {
      client.ws.send(nested(3));
      assert.equal(await nextText(client), '[[[]]]');
      client.ws.send('{"a":{"b":["[[[[",1]}}');
      assert.equal(await nextText(client), '{"a":{"b":["[[[[",1]}}');
      client.ws.send(nested(4));
      assert.deepEqual(await client.closed, { code: 1007, reason: 'JSON nested deeper than 3' });
    });
  });

  it('closes with 1009 on a 10 MB JSON string under a 1 MB limit before it is whole', async () => {
    // Only the first 2 MB of the 10 MB string are ever sent: a server that waited for the whole
    // message would never answer.
    const flow = json({ maxBytes: 1_000_000 }).transform(echo());
    await withFlow(flow, async (client) => {
      const chunk = 'a'.repeat(256 * 1024);
      client.ws.send('"', { fin: false });
      for (let i = 0; i < 8; i++) client.ws.send(chunk, { fin: false });
      assert.deepEqual(await client.closed, { code: 1009, reason: 'message over 1000000 bytes' });
    });
  });

  it('closes with 1009 on a 10 MB JSON string from its frame header under maxMessageBytes', async () => {
    const text = JSON.stringify('a'.repeat(10_000_000));
    await withFlow(
      json().transform(echo()),
      async (client) => {
        client.ws.send(text);
        const { code } = await client.closed;
        assert.equal(code, 1009);
      },
      { maxMessageBytes: 1_000_000 },
    );
  });

  it('bounds messages by 1 MiB unless told', async () => {
    await withFlow(json().transform(map(() => 'taken')), async (client) => {
      const limit = TransformerDefaults.jsonMaxBytes;
      client.ws.send(JSON.stringify('a'.repeat(limit - 2)));
      assert.equal(await nextText(client), '"taken"');
      client.ws.send(JSON.stringify('a'.repeat(limit - 1)));
      assert.deepEqual(await client.closed, { code: 1009, reason: `message over ${limit} bytes` });
    });
  });

  it('closes with 1011 when the flow sends what JSON cannot hold', async () => {
    const errors: unknown[] = [];
    const onError = (error: unknown): void => void errors.push(error);
    await withFlow(
      json().transform(map(() => 1n)),
      async (client) => {
        client.ws.send('1');
        assert.deepEqual(await client.closed, { code: 1011, reason: 'internal error' });
      },
      { onError },
    );
    assert.ok(errors[0] instanceof TypeError, 'reported as the error of the handler');
  });
});

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    assert.equal(nestsDeeperThan('[[1]]', 2), false);
    assert.equal(nestsDeeperThan('[[1]]', 1), true);
    assert.equal(nestsDeeperThan('{"a":{"b":{}}}', 2), true);
    assert.equal(nestsDeeperThan('["[[[[[[", "{{{{"]', 1), false);
    assert.equal(
      nestsDeeperThan('["\\\\", [[1]]]', 2),
      true,
      'an escaped backslash ends no string',
    );
    assert.equal(nestsDeeperThan('["\\"[[[[", 1]', 1), false, 'an escaped quote does not end it');
    assert.equal(nestsDeeperThan('[1],[2],[3]', 1), false, 'depth, not count');
    const long = `{"a":[1,{"b":2}],"c":"${'x'.repeat(1000)}"}`;
    assert.equal(nestsDeeperThan(long, 3), false, 'few brackets: answered from their count');
    assert.equal(nestsDeeperThan(long, 2), true);
  });
});
