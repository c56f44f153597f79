// Tests for actorFlow (Play's ActorFlow.actorRef), in memory with the testkit: `out` before the
// first message, one message at a time in order, stop(code, reason), 1011 on a throw, the close
// outcome told to onStop (peer close, local stop, transport loss), routes and transformers.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { Router, accept, actorFlow, json, text } from '../../src/index.js';
import type {
  ActorRef,
  CloseOutcome,
  Connection,
  Message,
  SocketActor,
  SocketActorContext,
} from '../../src/index.js';
import { WS, WSProbe } from '../../src/testkit/index.js';

/** A promise and its resolve, made outside it. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Waits for a number of turns of the event loop (never for a time). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('actorFlow: out and the order of messages', () => {
  it('sends from the start of its life, before the socket says anything', async () => {
    const flow = text().transform(
      actorFlow<string, string>(({ out }) => {
        out.tell('made'); // from the factory itself
        return { onStart: () => void out.tell('started'), onMessage: () => undefined };
      }),
    );
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(flow);
    await wsClient.expectMessage('made');
    await wsClient.expectMessage('started');
  });

  it('handles messages one at a time, in order, an async handler holding the next', async () => {
    let running = 0;
    let most = 0;
    const flow = text().transform(
      actorFlow<string, string>(({ out }) => ({
        async onMessage(line) {
          most = Math.max(most, ++running);
          await turns(Number(line) % 3); // uneven work: later messages could overtake
          running--;
          out.tell(`done ${line}`);
        },
      })),
    );
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(flow);
    for (let i = 0; i < 40; i++) wsClient.sendMessage(String(i));
    for (let i = 0; i < 40; i++) await wsClient.expectMessage(`done ${i}`);
    assert.equal(most, 1);
  });

  it('an instance of a class with the hooks as methods is an actor too', async () => {
    class Counter implements SocketActor<string> {
      #count = 0;
      constructor(private readonly out: ActorRef<string>) {}
      onStart(): void {
        this.out.tell(`count ${this.#count}`);
      }
      onMessage(): void {
        this.out.tell(`count ${++this.#count}`);
      }
    }
    const flow = text().transform(actorFlow<string, string>(({ out }) => new Counter(out)));
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(flow);
    await wsClient.expectMessage('count 0');
    wsClient.sendMessage('+');
    wsClient.sendMessage('+');
    await wsClient.expectMessage('count 1');
    await wsClient.expectMessage('count 2');
  });

  it('self: told messages are handled in turn with the socket messages', async () => {
    const flow = text().transform(
      actorFlow<string, string>(({ out, self }) => ({
        onMessage(line) {
          if (line.startsWith('again ')) out.tell(line);
          else {
            self.tell(`again ${line}`); // after this message, not inside it
            out.tell(line);
          }
        },
      })),
    );
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(flow);
    wsClient.sendMessage('a');
    await wsClient.expectMessage('a');
    await wsClient.expectMessage('again a');
  });
});

describe('actorFlow: stopping and failing', () => {
  it('stop(code, reason) sends what out holds, then the Close', async () => {
    const flow = text().transform(
      actorFlow<string, string>(({ out, stop }) => ({
        onMessage(line) {
          out.tell(`last words: ${line}`);
          stop(4000, 'done');
          assert.equal(out.tell('after the stop'), false);
        },
      })),
    );
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(flow);
    wsClient.sendMessage('bye');
    await wsClient.expectMessage('last words: bye');
    await wsClient.expectClose(4000, 'done');
  });

  it('stop() closes with 1000; a code that may not be sent throws', async () => {
    const flow = text().transform(
      actorFlow<string, string>(({ stop }) => ({
        onMessage() {
          assert.throws(() => stop(1005), RangeError);
          assert.throws(() => stop(4000, 'x'.repeat(124)), RangeError);
          stop();
        },
      })),
    );
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(flow);
    wsClient.sendMessage('stop');
    await wsClient.expectClose(1000);
  });

  for (const style of ['sync', 'async'] as const) {
    it(`a handler that throws (${style}) closes with 1011 and reaches the server's onError`, async () => {
      const reported: unknown[] = [];
      const boom = new Error('boom');
      const stopped = deferred<CloseOutcome>();
      const handled: string[] = [];
      const flow = text().transform(
        actorFlow<string, string>(() => ({
          onMessage(line) {
            handled.push(line);
            if (style === 'sync') throw boom;
            return Promise.reject(boom);
          },
          onStop: (outcome) => stopped.resolve(outcome),
        })),
      );
      const wsClient = new WSProbe();
      await WS('/', wsClient.flow, { server: { onError: (error) => reported.push(error) } }).run(
        flow,
      );
      wsClient.sendMessage('one');
      wsClient.sendMessage('two');
      await wsClient.expectClose(1011, 'internal error');
      assert.deepEqual(reported, [boom]);
      const outcome = await stopped.promise;
      assert.equal(outcome.code, 1011);
      assert.equal(outcome.cause.kind, 'handler');
      assert.equal(outcome.cause.error, boom);
      assert.deepEqual(handled, ['one'], 'nothing is handled after the failure');
    });
  }

  it('a factory or an onStart that throws closes with 1011', async () => {
    for (const flow of [
      actorFlow(() => {
        throw new Error('no actor');
      }),
      actorFlow(() => ({
        onStart() {
          throw new Error('no start');
        },
        onMessage: () => undefined,
      })),
    ]) {
      const reported: unknown[] = [];
      const wsClient = new WSProbe();
      await WS('/', wsClient.flow, { server: { onError: (error) => reported.push(error) } }).run(
        flow,
      );
      await wsClient.expectClose(1011);
      assert.equal(reported.length, 1);
    }
  });
});

describe('actorFlow: a failing onStop', () => {
  it('is written to stderr: the socket has closed, there is no one else to tell', async () => {
    const stopped = deferred<void>();
    const flow = actorFlow(() => ({
      onMessage: () => undefined,
      onStop() {
        queueMicrotask(() => stopped.resolve());
        throw new Error('cleanup failed');
      },
    }));
    const write = process.stderr.write;
    let written = '';
    process.stderr.write = ((chunk: string | Uint8Array): boolean => {
      written += chunk.toString();
      return true;
    }) as typeof process.stderr.write;
    try {
      const wsClient = new WSProbe();
      await WS('/', wsClient.flow).run(flow);
      wsClient.sendCompletion();
      await stopped.promise;
    } finally {
      process.stderr.write = write;
    }
    assert.equal(written, "wsflow: a socket actor's onStop failed: Error: cleanup failed\n");
  });
});

describe('actorFlow: onStop is told how the connection ended', () => {
  /** An actor that records its close outcome, and the messages it handled before it. */
  function recorder(): {
    flow: ReturnType<typeof actorFlow<string, string>>;
    seen: string[];
    stopped: Promise<CloseOutcome>;
    context: Promise<SocketActorContext<string, string>>;
  } {
    const seen: string[] = [];
    const stopped = deferred<CloseOutcome>();
    const context = deferred<SocketActorContext<string, string>>();
    const flow = actorFlow<string, string>((socket) => {
      context.resolve(socket);
      return {
        onMessage: async (line) => {
          await turns(2);
          seen.push(line);
        },
        onStop: (outcome) => {
          seen.push(`stopped, out ${socket.out.tell('too late') ? 'open' : 'closed'}`);
          stopped.resolve(outcome);
        },
      };
    });
    return { flow, seen, stopped: stopped.promise, context: context.promise };
  }

  it('the peer closed: after every message it sent was handled', async () => {
    const { flow, seen, stopped } = recorder();
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(text().transform(flow));
    wsClient.sendMessage('one');
    wsClient.sendMessage('two');
    wsClient.sendCompletion();
    const outcome = await stopped;
    assert.deepEqual(
      { code: outcome.code, closedBy: outcome.closedBy, wasClean: outcome.wasClean },
      { code: 1000, closedBy: 'remote', wasClean: true },
    );
    assert.deepEqual(seen, ['one', 'two', 'stopped, out closed']);
  });

  it('this side stopped: its code and reason, closed locally', async () => {
    const { flow, stopped, context } = recorder();
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(text().transform(flow));
    (await context).stop(4001, 'enough');
    await wsClient.expectClose(4001, 'enough');
    const outcome = await stopped;
    assert.deepEqual([outcome.code, outcome.closedBy, outcome.wasClean], [4001, 'local', true]);
  });

  it('the transport went away: 1006, no Close, not clean', async () => {
    const { flow, stopped } = recorder();
    const { link } = await WS('/', new WSProbe().flow).run(text().transform(flow));
    link.reset();
    const outcome = await stopped;
    assert.deepEqual([outcome.code, outcome.closedBy, outcome.wasClean], [1006, 'none', false]);
  });

  it('a full out closes with 1013 when the peer does not read', async () => {
    let told = 0;
    let refused = false;
    const stopped = deferred<CloseOutcome>();
    const big = 'x'.repeat(64 * 1024);
    const flow = text().transform(
      actorFlow<string, string>(
        ({ out }) => ({
          async onStart() {
            // One value per turn, as a steady producer sends: the writer takes what it can.
            while (!refused && told < 10_000) {
              if (out.tell(big)) told++;
              else refused = true;
              await turns(1);
            }
          },
          onMessage: () => undefined,
          onStop: (outcome) => stopped.resolve(outcome),
        }),
        { bufferSize: 8 },
      ),
    );
    const wsClient = new WSProbe();
    const { link, connection } = await WS('/', wsClient.flow).run(flow);
    link.stall('client');
    for (let i = 0; i < 20_000 && !refused; i++) await turns(1);
    assert.equal(refused, true);
    assert.ok(told < 200, `${told} values of 64 KiB were taken`);
    link.unstall('client'); // the client reads what was sent, then the Close
    const seen = await (connection as Connection).closed;
    assert.deepEqual([seen.code, seen.reason], [1013, 'outgoing buffer full']);
    const outcome = await stopped.promise;
    assert.deepEqual([outcome.code, outcome.closedBy], [1013, 'local']);
  });

  it('a burst within bufferSize is sent whole', async () => {
    const flow = text().transform(
      actorFlow<string, string>(({ out }) => ({
        onMessage(line) {
          for (let i = 0; i < 256; i++) assert.equal(out.tell(`${line} ${i}`), true);
        },
      })),
    );
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(flow);
    wsClient.sendMessage('burst');
    for (let i = 0; i < 256; i++) await wsClient.expectMessage(`burst ${i}`);
  });
});

describe('actorFlow: routes and transformers', () => {
  it("reaches the route's request and typed data", async () => {
    const router = new Router().route('/chat/:room', (request) =>
      accept(
        text().transform(
          actorFlow<string, string, { user: string }>(({ out, route }) => ({
            onStart: () =>
              void out.tell(
                `${route?.data.user} joined ${request.params.room} at ${route?.request.path}`,
              ),
            onMessage: () => undefined,
          })),
        ),
        { data: { user: request.query.get('user') ?? 'nobody' } },
      ),
    );
    const wsClient = new WSProbe();
    await WS('/chat/lobby?user=ada', wsClient.flow).run(router);
    await wsClient.expectMessage('ada joined lobby at /chat/lobby');
  });

  it('json().validate(schema) hands the actor typed values; an invalid one closes with 1007', async () => {
    const Say = z.object({ say: z.string() });
    const flow = json<{ echo: string }>()
      .validate(Say)
      .transform(
        actorFlow(({ out }) => ({
          onMessage: ({ say }) => void out.tell({ echo: say.toUpperCase() }),
        })),
      );
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(flow);
    wsClient.sendMessage(JSON.stringify({ say: 'hi' }));
    await wsClient.expectMessage('{"echo":"HI"}');
    wsClient.sendMessage(JSON.stringify({ say: 1 }));
    await wsClient.expectClose(1007);
  });

  it('an actor of messages: Streamed ones it drops are drained, not stalled', async () => {
    const flow = actorFlow<Message, string>(({ out }) => ({
      onMessage: (message) =>
        void (message.isText && message.isStrict ? out.tell(message.text) : undefined),
    }));
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow, { server: { aggregateMessageBytes: 0 } }).run(flow);
    wsClient.sendMessage('strict');
    await wsClient.expectMessage('strict');
  });
});
