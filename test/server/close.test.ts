// Closing from the server: custom codes and reasons (Play), half-closed flows (Akka HTTP), and
// the close timeout when the client never answers.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConnectionClosed,
  concat,
  fromSinkAndSource,
  ignore,
  map,
  maybe,
  serve,
} from '../../src/index.js';
import type { CloseOutcome, Message, ServeOptions } from '../../src/index.js';
import { RawClient, closeBody, closePayload, openClient } from './support.js';

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

describe('closing with a custom close code', () => {
  it('a flow that throws ConnectionClosed closes with its code and reason', async () => {
    const flow = map((message: Message) => {
      if (message.isText && message.isStrict && message.text === 'bye') {
        throw new ConnectionClosed({ code: 4000, reason: 'goodbye' });
      }
      return message;
    });
    await withServer({ flow }, async (url) => {
      const client = await openClient(url);
      client.ws.send('bye');
      assert.deepEqual(await client.closed, { code: 4000, reason: 'goodbye' });
    });
  });

  it('a disconnected flow closes with a code by failing its source', async () => {
    const handler: ServeOptions['handler'] = (upgrade) => {
      const { source, fail } = maybe<string>();
      const sink = (message: Message): void => {
        if (message.isText && message.isStrict && message.text === 'stop')
          fail(new ConnectionClosed({ code: 4100, reason: 'stopped' }));
      };
      upgrade.handleMessages(fromSinkAndSource(sink, source));
    };
    await withServer({ handler }, async (url) => {
      const client = await openClient(url);
      client.ws.send('stop');
      assert.deepEqual(await client.closed, { code: 4100, reason: 'stopped' });
    });
  });

  it('the handler closes with a code through the Connection', async () => {
    const outcomes: Promise<CloseOutcome>[] = [];
    const handler: ServeOptions['handler'] = (upgrade) => {
      const connection = upgrade.handleMessages(
        fromSinkAndSource(ignore(), maybe<string>().source),
      );
      outcomes.push(connection.close(3001, 'policy of this app'));
    };
    await withServer({ handler }, async (url) => {
      const client = await openClient(url);
      assert.deepEqual(await client.closed, { code: 3001, reason: 'policy of this app' });
      const outcome = await outcomes[0];
      assert.equal(outcome.code, 3001);
      assert.equal(outcome.closedBy, 'local');
    });
  });
});

describe('half-closed flows', () => {
  it('closes with 1000 after the outgoing side completes', async () => {
    const handler: ServeOptions['handler'] = (upgrade) => {
      upgrade.handleMessages(fromSinkAndSource(ignore(), ['one', 'two']));
    };
    await withServer({ handler }, async (url) => {
      const client = await openClient(url);
      assert.equal((await client.next()).data.toString(), 'one');
      assert.equal((await client.next()).data.toString(), 'two');
      assert.deepEqual(await client.closed, { code: 1000, reason: '' });
    });
  });

  it('stays open while the outgoing side is a never-completing source', async () => {
    const handler: ServeOptions['handler'] = (upgrade) => {
      upgrade.handleMessages(
        fromSinkAndSource(ignore(), concat(['hello'], maybe<string>().source)),
      );
    };
    await withServer({ handler }, async (url) => {
      const client = await openClient(url);
      assert.equal((await client.next()).data.toString(), 'hello');
      client.ws.ping();
      await new Promise((resolve) => client.ws.once('pong', resolve));
      assert.equal(client.ws.readyState, client.ws.OPEN);
      client.ws.close(1000, 'client done');
      assert.equal((await client.closed).code, 1000);
    });
  });

  it('ends the connection after the close timeout when the client never answers the Close', async () => {
    const outcomes: Promise<CloseOutcome>[] = [];
    const handler: ServeOptions['handler'] = (upgrade) => {
      outcomes.push(upgrade.handleMessages(fromSinkAndSource(ignore(), ['only'])).closed);
    };
    await withServer({ handler, closeTimeoutMs: 100 }, async (_url, port) => {
      const raw = await RawClient.connect(port);
      const message = await raw.nextFrame();
      assert.equal(message.payload.toString(), 'only');
      const close = await raw.nextFrame();
      assert.equal(close.opcode, 0x8);
      assert.deepEqual(closePayload(close.payload), { code: 1000, reason: '' });
      // The raw client neither answers nor closes its socket: the server gives up on its own.
      await raw.ended;
      const outcome = await outcomes[0];
      assert.equal(outcome.wasClean, false);
      assert.equal(outcome.closedBy, 'local');
    });
  });

  it('answers a client Close and ends cleanly', async () => {
    await withServer({ flow: map((m: Message) => m) }, async (_url, port) => {
      const raw = await RawClient.connect(port);
      raw.send(0x8, closeBody(4321, 'client leaves'));
      const close = await raw.nextFrame();
      assert.equal(close.opcode, 0x8);
      assert.equal(closePayload(close.payload).code, 4321);
      await raw.ended;
    });
  });
});
