// Handler errors never reach the process: 500 before the upgrade is accepted, close 1011 after;
// each is told to onError (by default one line on stderr) and recorded as the close's cause.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServer } from 'node:http';

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ConnectionClosed, attachWebSocket, map, serve } from '../../src/index.js';
import type {
  CloseOutcome,
  Connection,
  Message,
  ServeOptions,
  UpgradeRequestLine,
  WebSocketUpgrade,
} from '../../src/index.js';
import { expectRefused, openClient } from './support.js';

/** Runs `test` against a server made from `options`, closing it after. */
async function withServer(
  options: ServeOptions,
  test: (url: string) => Promise<void>,
): Promise<void> {
  // Quiet by default here; the onError tests below look at what is reported.
  const server = await serve({ onError: () => undefined, ...options, port: 0 });
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
      upgrade.handleMessages(
        map((m: Message) => (m.isText && m.isStrict ? m.text.toUpperCase() : undefined)),
      );
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
      if (message.isText && message.isStrict && message.text === 'fail')
        throw new Error('secret detail');
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

/** What was written to stderr while `run` ran (the default onError writes there). */
async function captureStderr(run: () => Promise<void>): Promise<string> {
  const write = process.stderr.write;
  let written = '';
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    written += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    await run();
  } finally {
    process.stderr.write = write;
  }
  return written;
}

/** One report to onError. */
interface Report {
  error: unknown;
  connection: Connection | undefined;
  request: UpgradeRequestLine;
}

describe('onError', () => {
  const failing = map((message: Message) => {
    if (message.isText && message.isStrict && message.text === 'fail') throw new Error('boom');
    return message;
  });

  it('by default writes one line to stderr for a flow that fails', async () => {
    const written = await captureStderr(() =>
      withServer({ flow: failing, onError: undefined, path: '/chat' }, async (url) => {
        const client = await openClient(new URL('/chat', url).href);
        client.ws.send('fail');
        assert.equal((await client.closed).code, 1011);
      }),
    );
    assert.equal(
      written,
      'wsflow: WebSocket handler failed for GET /chat (closed with 1011): Error: boom\n',
    );
  });

  it('by default writes one line to stderr for a handler that throws before accepting', async () => {
    const handler = (): void => {
      throw new TypeError('no\nsecond line');
    };
    const written = await captureStderr(() =>
      withServer({ handler, onError: undefined }, async (url) => {
        assert.equal((await expectRefused(url)).status, 500);
      }),
    );
    assert.equal(
      written,
      'wsflow: WebSocket handler failed for GET / (before accepting): TypeError: no second line\n',
    );
  });

  it('tells a custom onError instead, with the connection and the request', async () => {
    const reports: Report[] = [];
    const onError = (
      error: unknown,
      connection: Connection | undefined,
      request: UpgradeRequestLine,
    ) => void reports.push({ error, connection, request });
    let outcome: Promise<CloseOutcome> | undefined;
    const handler = (upgrade: WebSocketUpgrade): void => {
      outcome = upgrade.handleMessages(failing).closed;
    };
    const written = await captureStderr(() =>
      withServer({ handler, onError, path: '/chat' }, async (url) => {
        const client = await openClient(new URL('/chat?room=1', url).href);
        client.ws.send('fail');
        assert.equal((await client.closed).code, 1011);
      }),
    );
    assert.equal(written, '');
    assert.equal(reports.length, 1);
    const [report] = reports;
    assert.equal((report.error as Error).message, 'boom');
    assert.equal(report.request.url, '/chat?room=1');
    assert.ok(report.connection !== undefined);
    assert.equal(await report.connection.closed, await outcome);
  });

  it('records the error as the cause of the close outcome', async () => {
    let outcome: Promise<CloseOutcome> | undefined;
    const handler = (upgrade: WebSocketUpgrade): void => {
      outcome = upgrade.handleMessages(failing).closed;
    };
    await withServer({ handler }, async (url) => {
      const client = await openClient(url);
      client.ws.send('fine');
      await client.next();
      client.ws.send('fail');
      await client.closed;
    });
    const closed = await outcome;
    assert.equal(closed?.code, 1011);
    assert.equal(closed?.cause.kind, 'handler');
    assert.equal((closed?.cause.error as Error).message, 'boom');
  });

  it('records no error in the cause of a connection that closed normally', async () => {
    let outcome: Promise<CloseOutcome> | undefined;
    const handler = (upgrade: WebSocketUpgrade): void => {
      outcome = upgrade.handleMessages(failing).closed;
    };
    await withServer({ handler }, async (url) => {
      const client = await openClient(url);
      client.ws.close();
      await client.closed;
    });
    const { cause } = (await outcome) as CloseOutcome;
    assert.equal(cause.kind, 'peer');
    assert.equal(cause.error, undefined);
  });

  it('reports a handler that fails after accepting, on that connection', async () => {
    const reports: Report[] = [];
    const server = createServer();
    const attachment = attachWebSocket(
      server,
      async (upgrade) => {
        upgrade.handleMessages(map((_message: Message): string | undefined => undefined));
        throw new Error('after accept');
      },
      {
        onError: (error, connection, request) => void reports.push({ error, connection, request }),
      },
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const client = await openClient(`ws://127.0.0.1:${port}/`);
      assert.equal((await client.closed).code, 1011);
      assert.equal(reports.length, 1);
      assert.equal((reports[0].error as Error).message, 'after accept');
      const closed = await reports[0].connection?.closed;
      assert.equal((closed?.cause.error as Error).message, 'after accept');
    } finally {
      await attachment.close();
      server.close();
    }
  });

  it('does not report a ConnectionClosed thrown on purpose', async () => {
    const reports: unknown[] = [];
    const flow = map((): string => {
      throw new ConnectionClosed({ code: 4001, reason: 'bye' });
    });
    await withServer({ flow, onError: (error) => void reports.push(error) }, async (url) => {
      const client = await openClient(url);
      client.ws.send('go');
      assert.deepEqual(await client.closed, { code: 4001, reason: 'bye' });
    });
    assert.deepEqual(reports, []);
  });
});
