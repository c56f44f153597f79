// A transformer over every flow style and every way of serving: map (kept on the connection's fast
// path), an async generator, fromSinkAndSource with a function or a WritableStream, a
// TransformStream pair; serve({ flow }), accept(flow) in a Router, attachWebSocket. Decoding
// failures close with their code whatever the flow does with them.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import {
  Router,
  TextMessage,
  accept,
  attachWebSocket,
  bytes,
  concat,
  fromSinkAndSource,
  json,
  map,
  maybe,
  serve,
  singleWebSocketRequest,
  text,
} from '../../src/index.js';
import type { JsonValue, MessageFlow } from '../../src/index.js';
import { MapFlow } from '../../src/flow/flow.js';
import { openClient } from '../server/support.js';
import { nextText, withFlow, withFlowPerConnection } from './support.js';

describe('a transformer over each flow style', () => {
  it('keeps map on the fast path: a MapFlow whose function answers at once, no promise', () => {
    const flow = json().transform(map((value) => ({ echo: value })));
    assert.ok(flow instanceof MapFlow);
    assert.equal(flow.fn(TextMessage.strict('[1,2]')), '{"echo":[1,2]}');
  });

  it('runs an async generator over values', async () => {
    const flow = text().transform(async function* (lines) {
      let count = 0;
      for await (const line of lines) yield `${++count}: ${line}`;
    });
    await withFlow(flow, async (client) => {
      client.ws.send('a');
      client.ws.send('b');
      assert.equal(await nextText(client), '1: a');
      assert.equal(await nextText(client), '2: b');
    });
  });

  it('closes an async generator flow with 1007 even when it catches the decoding error', async () => {
    const flow = json().transform(async function* (values) {
      try {
        for await (const value of values) yield value;
      } catch {
        // A flow that swallows its input's failure and goes on: the close code still wins.
      }
      yield 'after the error';
      await new Promise(() => undefined);
    });
    await withFlow(flow, async (client) => {
      client.ws.send('[1]');
      assert.equal(await nextText(client), '[1]');
      client.ws.send('{');
      const { code } = await client.closed;
      assert.equal(code, 1007);
    });
  });

  it('runs fromSinkAndSource with a function sink, its source encoded', async () => {
    const seen: JsonValue[] = [];
    const { source, complete } = maybe<{ n: number }>();
    const flow = (): MessageFlow =>
      json<{ n: number }>().transform(
        fromSinkAndSource(
          (value: JsonValue) => void seen.push(value),
          (async function* () {
            yield { n: 1 };
            yield* source;
          })(),
        ),
      );
    await withFlowPerConnection(flow, async (client) => {
      assert.equal(await nextText(client), '{"n":1}');
      client.ws.send('{"x":true}');
      client.ws.send('"not an object"');
      complete();
      await client.closed;
    });
    assert.deepEqual(seen, [{ x: true }, 'not an object']);
  });

  it('runs fromSinkAndSource with a WritableStream sink and a ReadableStream source', async () => {
    const seen: string[] = [];
    const sink = new WritableStream<string>({ write: (line) => void seen.push(line) });
    let push: ((line: string) => void) | undefined;
    const source = new ReadableStream<string>({
      start: (controller) => {
        push = (line) => controller.enqueue(line);
      },
    });
    const flow = (): MessageFlow => text().transform(fromSinkAndSource(sink, source));
    await withFlowPerConnection(flow, async (client) => {
      client.ws.send('one');
      push?.('out');
      assert.equal(await nextText(client), 'out');
      client.ws.send(Buffer.from('binary'));
      assert.deepEqual(await client.closed, { code: 1003, reason: 'text messages only' });
    });
    assert.deepEqual(seen, ['one']);
  });

  it('runs a TransformStream pair', async () => {
    const pair = new TransformStream<string, string>({
      transform: (line, controller) => controller.enqueue(line.toUpperCase()),
    });
    await withFlowPerConnection(
      () => text().transform(pair),
      async (client) => {
        client.ws.send('shout');
        assert.equal(await nextText(client), 'SHOUT');
      },
    );
  });

  it('refuses what is not a flow', () => {
    assert.throws(() => text().transform({} as never), TypeError);
  });

  it('refuses limits that are not limits, when the transformer is made', () => {
    assert.throws(() => json({ maxBytes: -1 }), /json\(\{ maxBytes \}\) must be a number >= 0/);
    assert.throws(() => json({ maxBytes: Number.NaN }), RangeError);
    assert.throws(() => json({ maxDepth: 1.5 }), /maxDepth \}\) must be an integer >= 0/);
    assert.throws(() => text({ maxBytes: '1' as unknown as number }), RangeError);
    assert.throws(() => bytes({ maxBytes: -Infinity }), RangeError);
    assert.doesNotThrow(() => bytes({ maxBytes: Infinity }));
    assert.doesNotThrow(() => json({ maxBytes: 0, maxDepth: 0 }));
  });
});

describe('a transformed flow wherever a flow goes', () => {
  it('accept(flow) in a Router', async () => {
    const router = new Router().route('/rooms/:room', (request) =>
      accept(json().transform(map((value) => ({ room: request.params.room, value })))),
    );
    const server = await serve({ port: 0, handler: router });
    try {
      const client = await openClient(`${server.url}/rooms/lobby`);
      client.ws.send('{"hi":1}');
      assert.equal(await nextText(client), '{"room":"lobby","value":{"hi":1}}');
      client.ws.send('nope');
      assert.equal((await client.closed).code, 1007);
    } finally {
      await server.close();
    }
  });

  it('a client: singleWebSocketRequest runs a transformed flow against a transformed server', async () => {
    const server = await serve({
      port: 0,
      flow: json().transform(map((value) => ({ double: (value as number) * 2 }))),
    });
    try {
      const answers: JsonValue[] = [];
      const { source, complete } = maybe<number>();
      const client = json<number>().transform(
        fromSinkAndSource(
          (answer: JsonValue) => {
            answers.push(answer);
            if (answers.length === 2) complete();
          },
          concat([1, 2], source),
        ),
      );
      const { closed } = singleWebSocketRequest(server.url, client);
      assert.equal((await closed).code, 1000);
      assert.deepEqual(answers, [{ double: 2 }, { double: 4 }]);
    } finally {
      await server.close();
    }
  });

  it('attachWebSocket on a node:http server', async () => {
    const http = createServer();
    const attachment = attachWebSocket(http, (upgrade) => {
      upgrade.handleMessages(text().transform(map((line) => line.split('').reverse().join(''))));
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    try {
      const { port } = http.address() as AddressInfo;
      const client = await openClient(`ws://127.0.0.1:${port}/`);
      client.ws.send('abc');
      assert.equal(await nextText(client), 'cba');
      client.ws.close();
      await client.closed;
    } finally {
      await attachment.close();
      http.close();
    }
  });
});

describe('transformer.map(decode, encode)', () => {
  it('composes a decoder and an encoder over a transformer, in order with async decoders', async () => {
    const numbers = text().map(
      async (line) => {
        await new Promise((resolve) => setTimeout(resolve, line === 'slow' ? 20 : 0));
        return line === 'slow' ? 1 : Number(line);
      },
      (value: number) => `n=${value}`,
    );
    await withFlow(numbers.transform(map((value) => value * 2)), async (client) => {
      client.ws.send('slow');
      client.ws.send('5');
      assert.equal(await nextText(client), 'n=2');
      assert.equal(await nextText(client), 'n=10');
    });
  });

  it('closes with 1007 and the decoder error message when the decoder throws', async () => {
    const strict = text().map(
      (line) => {
        if (!/^\d+$/.test(line)) throw new Error(`not a number: ${line}`);
        return Number(line);
      },
      (value: number) => String(value),
    );
    await withFlow(strict.transform(map((value) => value + 1)), async (client) => {
      client.ws.send('41');
      assert.equal(await nextText(client), '42');
      client.ws.send('x');
      assert.deepEqual(await client.closed, {
        code: 1007,
        reason: 'invalid message: not a number: x',
      });
    });
  });
});
