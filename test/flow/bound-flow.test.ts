// Tests for ConnectionBoundFlow: the connection makes the flow from itself when it starts it, once
// per connection (inside withControlMessages too, and again when what it makes is bound too);
// transformers wrap what it makes; outside a connection its sides throw.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PingMessage, echo, map, text, withControlMessages } from '../../src/index.js';
import type { ControlMessage, Message } from '../../src/index.js';
import type { Connection, MessageFlow } from '../../src/index.js';
import { ConnectionBoundFlow } from '../../src/flow/bound-flow.js';
import { isReusableFlow } from '../../src/flow/reusable.js';
import { WS, WSProbe } from '../../src/testkit/index.js';

describe('ConnectionBoundFlow', () => {
  it('is made once per connection, from that connection', async () => {
    const made: Connection[] = [];
    const flow = new ConnectionBoundFlow((connection: Connection) => {
      made.push(connection);
      return echo();
    }) as MessageFlow;
    assert.equal(isReusableFlow(flow), true);
    for (const name of ['one', 'two']) {
      const wsClient = new WSProbe();
      const { serverConnection } = await WS('/', wsClient.flow).run(flow);
      wsClient.sendMessage(name);
      await wsClient.expectMessage(name);
      assert.equal(made.at(-1), serverConnection);
    }
    assert.equal(made.length, 2);
  });

  it('inside a transformer, what it makes is transformed', async () => {
    const flow = text().transform(
      new ConnectionBoundFlow(
        () =>
          async function* (lines: AsyncIterable<string>) {
            for await (const line of lines) yield line.toUpperCase();
          },
      ),
    );
    assert.ok(flow instanceof ConnectionBoundFlow);
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(flow);
    wsClient.sendMessage('quiet');
    await wsClient.expectMessage('QUIET');
  });

  it('inside withControlMessages, it is made too, and its flow sees Pings', async () => {
    const flow = withControlMessages(
      new ConnectionBoundFlow<Connection, Message | ControlMessage, string>(() =>
        map((message: Message | ControlMessage) =>
          message instanceof PingMessage ? 'a ping' : undefined,
        ),
      ),
    );
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(flow);
    wsClient.sendMessage(new PingMessage());
    await wsClient.expectMessage('a ping');
  });

  it('what it makes may be bound too (an actor inside a hub join): that is made in turn', async () => {
    const made: string[] = [];
    const flow = new ConnectionBoundFlow((outer: Connection) => {
      made.push('outer');
      return text().transform(
        new ConnectionBoundFlow((inner: Connection) => {
          made.push(inner === outer ? 'inner, on the same connection' : 'inner, elsewhere');
          return map((line: string) => line.toUpperCase());
        }),
      );
    }) as MessageFlow;
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(flow);
    wsClient.sendMessage('nested');
    await wsClient.expectMessage('NESTED');
    assert.deepEqual(made, ['outer', 'inner, on the same connection']);
  });

  it('a make() that throws closes with 1011', async () => {
    const flow = new ConnectionBoundFlow(() => {
      throw new Error('no flow');
    }) as MessageFlow;
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow, { server: { onError: () => undefined } }).run(flow);
    await wsClient.expectClose(1011);
  });

  it('has no sides of its own outside a connection', () => {
    const flow = new ConnectionBoundFlow(() => echo());
    assert.throws(() => flow.readable, TypeError);
    assert.throws(() => flow.writable, TypeError);
  });
});
