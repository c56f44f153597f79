// The snippets of docs/actors.md, run as written (test/docs/snippets.test.ts checks that they are
// the page's), each followed by a client that checks what the page says.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { actorStopwatch } from '../../examples/actor-stopwatch.js';
import { Router, accept, actorFlow, json, reject, serve, spawn, text } from '../../src/index.js';
import type { ActorRef } from '../../src/index.js';
import { VirtualClock, WS, WSProbe } from '../../src/testkit/index.js';
import { openClient } from '../server/support.js';
import { nextText, withFlow } from '../transform/support.js';

const TIMEOUT = { timeout: 10_000 };

describe('docs/actors.md', () => {
  it('the shouting actor: welcome first, stop(4000) on "bye"', TIMEOUT, async () => {
    const log: string[] = [];
    const console = { log: (line: string) => log.push(line) };
    // #region docs/actors.md
    const shout = actorFlow<string, string>(({ out, stop }) => {
      out.tell('welcome'); // before the client has said anything
      return {
        onMessage(line) {
          if (line === 'bye') stop(4000, 'see you');
          else out.tell(line.toUpperCase());
        },
        onStop: ({ code, closedBy }) => console.log(`closed ${code} by ${closedBy}`),
      };
    });

    const server = await serve({ port: 0, flow: text().transform(shout) });
    // #endregion
    try {
      const client = await openClient(server.url);
      assert.equal(await nextText(client), 'welcome');
      client.ws.send('hi');
      assert.equal(await nextText(client), 'HI');
      client.ws.send('bye');
      assert.deepEqual(await client.closed, { code: 4000, reason: 'see you' });
    } finally {
      await server.close();
    }
    assert.deepEqual(log, ['closed 4000 by local']);
  });

  it('a throwing actor: 1011, and onError hears of it', TIMEOUT, async () => {
    // #region docs/actors.md
    const moody = actorFlow<string, string>(() => ({
      async onMessage(line) {
        if (line === 'boom') throw new Error('cannot take it'); // 1011, and onError hears of it
      },
    }));
    const errors: unknown[] = [];
    const server = await serve({
      port: 0,
      flow: text().transform(moody),
      onError: (error) => errors.push(error),
    });
    // #endregion
    try {
      const client = await openClient(server.url);
      client.ws.send('boom');
      assert.equal((await client.closed).code, 1011);
      assert.equal((errors[0] as Error).message, 'cannot take it');
    } finally {
      await server.close();
    }
  });

  it('typed messages: a schema in, json<Out> out', TIMEOUT, async () => {
    // #region docs/actors.md
    const Say = z.object({ text: z.string().max(500) });

    const typed = json<{ echo: string }>()
      .validate(Say)
      .transform(
        actorFlow(({ out }) => ({
          onMessage: ({ text }) => void out.tell({ echo: text }), // text: string
        })),
      );
    // #endregion
    await withFlow(typed, async (client) => {
      client.ws.send('{"text":"hi"}');
      assert.equal(await nextText(client), '{"echo":"hi"}');
      client.ws.send('{"text":1}');
      assert.equal((await client.closed).code, 1007);
    });
  });

  it('routes: the request and typed data', TIMEOUT, async () => {
    // #region docs/actors.md
    const greeter = actorFlow<string, string, { user: string }>(({ out, route }) => ({
      onStart: () => void out.tell(`hello ${route?.data.user} on ${route?.request.path}`),
      onMessage: () => undefined,
    }));

    const router = new Router().route('/rooms/:room', (request) =>
      request.cookies.user === undefined
        ? reject(401)
        : accept(text().transform(greeter), { data: { user: request.cookies.user } }),
    );
    // #endregion
    const wsClient = new WSProbe();
    await WS('/rooms/lobby', wsClient.flow, { cookies: { user: 'ada' } }).run(router);
    await wsClient.expectMessage('hello ada on /rooms/lobby');
    const anonymous = await WS('/rooms/lobby', new WSProbe().flow).run(router);
    assert.equal(anonymous.status, 401);
  });

  it('spawn: a room actor every socket actor talks to', TIMEOUT, async () => {
    // #region docs/actors.md
    type RoomMessage =
      | { kind: 'join'; member: ActorRef<string> }
      | { kind: 'leave'; member: ActorRef<string> }
      | { kind: 'say'; text: string };

    const room = spawn<RoomMessage>(() => {
      const members = new Set<ActorRef<string>>();
      return {
        onMessage(message) {
          if (message.kind === 'join') members.add(message.member);
          else if (message.kind === 'leave') members.delete(message.member);
          else for (const member of members) member.tell(message.text);
        },
      };
    });

    const chat = text().transform(
      actorFlow<string, string>(({ out }) => ({
        onStart: () => void room.tell({ kind: 'join', member: out }),
        onMessage: (text) => void room.tell({ kind: 'say', text }),
        onStop: () => void room.tell({ kind: 'leave', member: out }),
      })),
    );
    // #endregion
    const ada = new WSProbe();
    const bob = new WSProbe();
    await WS('/', ada.flow).run(chat);
    await WS('/', bob.flow).run(chat);
    ada.sendMessage('hello');
    await ada.expectMessage('hello');
    await bob.expectMessage('hello');
    room.stop();
    await room.stopped;
  });

  it('testing: the actor stopwatch on a virtual clock', TIMEOUT, async () => {
    // #region docs/actors.md
    const clock = new VirtualClock();
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow, { clock }).run(actorStopwatch(clock));
    wsClient.sendMessage('start');
    await clock.advance(3000);
    for (const count of ['0', '1', '2']) await wsClient.expectMessage(count);
    // #endregion
  });
});
