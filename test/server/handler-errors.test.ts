// Handler errors never reach the process: 500 before the upgrade is accepted, close 1011 after.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionClosed, map, serve } from '../../src/index.js';
import type { Message, ServeOptions, WebSocketUpgrade } from '../../src/index.js';
import { expectRefused, openClient } from './support.js';

/** Runs `test` against a server made from `options`, closing it after. */
async function withServer(
  options: ServeOptions,
  test: (url: string) => Promise<void>,
): Promise<void> {
  const server = await serve({ ...options, port: 0 });
  try {
    await test(server.url);
  } finally {
    await server.close();
  }
}

describe('handler errors', () => {
  it('a handler that throws before answering gets 500', async () => {
    const handler = (): void => {
      throw new Error('boom');
    };
    await withServer({ handler }, async (url) => {
      assert.equal((await expectRefused(url)).status, 500);
    });
  });

  it('a handler whose promise rejects before answering gets 500', async () => {
    const handler = async (): Promise<void> => {
      await Promise.resolve();
      throw new Error('async boom');
    };
    await withServer({ handler }, async (url) => {
      const refused = await expectRefused(url);
      assert.equal(refused.status, 500);
      assert.doesNotMatch(refused.body, /boom/, 'no error details reach the client');
    });
  });

  it('a handler that returns without answering gets 500', async () => {
    await withServer({ handler: () => undefined }, async (url) => {
      assert.equal((await expectRefused(url)).status, 500);
    });
  });

  it('an async handler may answer after awaiting', async () => {
    const handler = async (upgrade: WebSocketUpgrade): Promise<void> => {
      await new Promise((resolve) => setImmediate(resolve));
      upgrade.handleMessages(map((m: Message) => (m.isText ? m.text.toUpperCase() : undefined)));
    };
    await withServer({ handler }, async (url) => {
      const client = await openClient(url);
      client.ws.send('late');
      assert.equal((await client.next()).data.toString(), 'LATE');
      client.ws.close();
      await client.closed;
    });
  });

  it('a handler that throws after accepting closes that connection with 1011', async () => {
    const handler = async (upgrade: WebSocketUpgrade): Promise<void> => {
      upgrade.handleMessages(map((_message: Message): string | undefined => undefined));
      throw new Error('after accept');
    };
    await withServer({ handler }, async (url) => {
      const client = await openClient(url);
      assert.deepEqual(await client.closed, { code: 1011, reason: 'internal error' });
    });
  });

  it('a map function that throws closes with 1011 and no details', async () => {
    const flow = map((message: Message) => {
      if (message.isText && message.text === 'fail') throw new Error('secret detail');
      return message;
    });
    await withServer({ flow }, async (url) => {
      const client = await openClient(url);
      client.ws.send('ok');
      assert.equal((await client.next()).data.toString(), 'ok');
      client.ws.send('fail');
      assert.deepEqual(await client.closed, { code: 1011, reason: 'internal error' });
    });
  });

  it('an async generator that throws closes with 1011', async () => {
    const flow = async function* (incoming: AsyncIterable<Message>): AsyncIterable<string> {
      for await (const message of incoming) {
        void message;
        yield 'one';
        throw new TypeError('generator failed');
      }
    };
    await withServer({ flow }, async (url) => {
      const client = await openClient(url);
      client.ws.send('go');
      assert.equal((await client.next()).data.toString(), 'one');
      assert.equal((await client.closed).code, 1011);
    });
  });

  it('a flow that emits something that is not a message closes with 1011', async () => {
    const flow = map(() => ({ not: 'a message' }) as unknown as string);
    await withServer({ flow }, async (url) => {
      const client = await openClient(url);
      client.ws.send('go');
      assert.equal((await client.closed).code, 1011);
    });
  });

  it('the server keeps serving after a failed handler', async () => {
    let calls = 0;
    const handler = (upgrade: WebSocketUpgrade): void => {
      calls += 1;
      if (calls === 1) throw new ConnectionClosed({ code: 4000 });
      upgrade.handleMessages(map((m: Message) => m));
    };
    await withServer({ handler }, async (url) => {
      assert.equal((await expectRefused(url)).status, 500);
      const client = await openClient(url);
      client.ws.send('alive');
      assert.equal((await client.next()).data.toString(), 'alive');
      client.ws.close();
      await client.closed;
    });
  });
});
