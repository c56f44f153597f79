// Every example server's flow or handler, tested in memory with the testkit: the same code
// `npm run example <name>` serves (test/integration/examples.test.ts runs the programs on ports).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatRoutes } from '../../examples/actor-chat.js';
import { actorStopwatch } from '../../examples/actor-stopwatch.js';
import { binaryEcho } from '../../examples/binary-echo.js';
import { handleUntilBye } from '../../examples/close-with-code.js';
import { handleEcho } from '../../examples/echo.js';
import { greeter } from '../../examples/greeter.js';
import { helloEcho } from '../../examples/hello-echo.js';
import { router as hubChatRoutes } from '../../examples/hub-chat.js';
import { jsonEcho } from '../../examples/json-echo.js';
import { modelEcho } from '../../examples/model-echo.js';
import { router as rejectionRoutes } from '../../examples/rejection.js';
import { router as reverseRoutes } from '../../examples/reverse-routing.js';
import { router as routedRoutes } from '../../examples/routed.js';
import { stopwatch } from '../../examples/stopwatch.js';
import { handleTicker } from '../../examples/ticker.js';
import { TextMessage, basicAuth } from '../../src/index.js';
import { VirtualClock, WS, WSProbe } from '../../src/testkit/index.js';

const TICK_MS = 1000; // the examples' default period (TICK_MS unset)

/**
 * Plays the stopwatch's script (silent until started, counts per tick, keeps the count while
 * stopped, 0 after reset) against either stopwatch example.
 */
async function useStopwatch(wsClient: WSProbe, clock: VirtualClock): Promise<void> {
  await wsClient.expectNoMessage(3 * TICK_MS);
  wsClient.sendMessage('start');
  await clock.advance(3 * TICK_MS);
  for (const count of ['0', '1', '2']) await wsClient.expectMessage(count);
  wsClient.sendMessage('stop');
  await wsClient.expectNoMessage(5 * TICK_MS);
  wsClient.sendMessage('start');
  await clock.advance(TICK_MS);
  await wsClient.expectMessage('3');
  wsClient.sendMessage('reset');
  await clock.advance(TICK_MS);
  await wsClient.expectMessage('0');
}

describe('the example servers, in memory', () => {
  it('greeter: greets Strict and Streamed names, ignores binary', async () => {
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(greeter);
    wsClient.sendMessage('Peter');
    await wsClient.expectMessage('Hello Peter!');
    wsClient.sendMessage(Uint8Array.of(1));
    wsClient.sendMessage(TextMessage.streamed(['Gr', 'ace']));
    await wsClient.expectMessage('Hello Grace!');
    wsClient.sendCompletion();
    await wsClient.expectCompletion();
  });

  it('echo: text as text, binary as binary, on any path', async () => {
    const wsClient = new WSProbe();
    const result = await WS('/any/path', wsClient.flow).run(handleEcho);
    assert.equal(result.isWebSocketUpgrade, true);
    wsClient.sendMessage('hello');
    await wsClient.expectMessage('hello');
    wsClient.sendMessage(Uint8Array.of(1, 2));
    await wsClient.expectMessage(Uint8Array.of(1, 2));
  });

  it('binary-echo: binary comes back, text closes with 1003', async () => {
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(binaryEcho);
    wsClient.sendMessage(Uint8Array.of(9));
    await wsClient.expectMessage(Uint8Array.of(9));
    wsClient.sendMessage('text');
    await wsClient.expectClose(1003, 'binary messages only');
  });

  it('close-with-code: echoes until "bye", then closes with 4000 "goodbye"', async () => {
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(handleUntilBye);
    wsClient.sendMessage('one');
    await wsClient.expectMessage('one');
    wsClient.sendMessage('bye');
    await wsClient.expectClose(4000, 'goodbye');
  });

  it('stopwatch: counts while started, keeps the count when stopped, restarts after reset', async () => {
    const clock = new VirtualClock();
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow, { clock }).run((upgrade) => {
      upgrade.handleMessages(stopwatch(clock));
    });
    await useStopwatch(wsClient, clock);
  });

  it('actor-stopwatch: the same stopwatch as an actor that ticks itself', async () => {
    const clock = new VirtualClock();
    const wsClient = new WSProbe();
    const { serverConnection } = await WS('/', wsClient.flow, { clock }).run(actorStopwatch(clock));
    await useStopwatch(wsClient, clock);
    wsClient.sendCompletion();
    await wsClient.expectCompletion();
    await serverConnection?.closed;
    await clock.advance(10 * TICK_MS); // the actor stopped: no timer is left
    assert.equal(clock.pendingTimers, 0);
  });

  it('actor-chat: a room actor, an actor per socket, rooms from /chat/:room', async () => {
    const routes = chatRoutes();
    const ada = new WSProbe();
    await WS('/chat/lobby?name=ada', ada.flow).run(routes);
    await ada.expectMessage('ada joined lobby');
    const bob = new WSProbe();
    await WS('/chat/lobby?name=bob', bob.flow).run(routes);
    await ada.expectMessage('bob joined lobby');
    await bob.expectMessage('bob joined lobby');
    const carol = new WSProbe();
    await WS('/chat/garden?name=carol', carol.flow).run(routes);
    await carol.expectMessage('carol joined garden');
    ada.sendMessage('hello');
    await ada.expectMessage('ada: hello');
    await bob.expectMessage('ada: hello');
    bob.sendCompletion();
    await bob.expectCompletion();
    await ada.expectMessage('bob left');
    await carol.expectNoMessage(100);
  });

  it('actor-chat: a member that does not read is closed with 1013; the others hear everything', async () => {
    const routes = chatRoutes();
    const slow = new WSProbe();
    const joined = await WS('/chat/lobby?name=slow', slow.flow).run(routes);
    const { link, connection: slowClient, serverConnection: slowServer } = joined;
    await slow.expectMessage('slow joined lobby');
    link.stall('client'); // slow stops reading
    const bob = new WSProbe();
    await WS('/chat/lobby?name=bob', bob.flow).run(routes);
    await bob.expectMessage('bob joined lobby');
    const line = 'x'.repeat(2000);
    for (let i = 0; i < 600; i++) {
      bob.sendMessage(`${i} ${line}`);
      await bob.expectMessage(`bob: ${i} ${line}`); // in order, never held up by slow
    }
    assert.equal(slowServer?.state, 'CLOSING', 'its out overflowed: the server sent Close 1013');
    link.unstall('client'); // the Close reaches slow after what was written before it
    await bob.expectMessage('slow left');
    const outcome = await slowClient?.closed;
    assert.deepEqual([outcome?.code, outcome?.reason], [1013, 'outgoing buffer full']);
  });

  it('ticker: a tick every period, whatever the client sends', async () => {
    const clock = new VirtualClock();
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow, { clock }).run(handleTicker(clock));
    await clock.advance(2 * TICK_MS);
    await wsClient.expectMessage('tick');
    await wsClient.expectMessage('tick');
    await wsClient.expectNoMessage(TICK_MS - 1);
  });

  it('json-echo: JSON comes back re-serialized; text that is not JSON closes with 1007', async () => {
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(jsonEcho);
    wsClient.sendMessage('{ "a": [1, 2] }');
    await wsClient.expectMessage('{"a":[1,2]}');
    wsClient.sendMessage('not json');
    const outcome = await wsClient.expectClose(1007);
    assert.notEqual(outcome.reason, '');
  });

  it('model-echo: { foo } in, { bar } out; an invalid message closes with 1007', async () => {
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(modelEcho);
    wsClient.sendMessage('{"foo":"hello"}');
    await wsClient.expectMessage('{"bar":"hello"}');
    wsClient.sendMessage('{"foo":1}');
    await wsClient.expectClose(1007);
  });

  it('hello-echo: "Hello " before every text', async () => {
    const wsClient = new WSProbe();
    await WS('/', wsClient.flow).run(helloEcho);
    wsClient.sendMessage('Ada');
    await wsClient.expectMessage('Hello Ada');
    wsClient.sendMessage(TextMessage.streamed(['Gr', 'ace']));
    await wsClient.expectMessage('Hello Grace');
  });

  it('rejection: 404 for an unknown room, 403 without a session, accepted with one', async () => {
    const unknown = await WS('/rooms/attic', new WSProbe().flow).run(rejectionRoutes);
    assert.deepEqual([unknown.status, unknown.body], [404, 'No room named attic\n']);
    const anonymous = await WS('/rooms/lobby', new WSProbe().flow).run(rejectionRoutes);
    assert.deepEqual([anonymous.status, anonymous.body], [403, 'Forbidden: log in first\n']);
    const wsClient = new WSProbe();
    const result = await WS('/rooms/lobby', wsClient.flow, { cookies: { session: 'ada' } }).run(
      rejectionRoutes,
    );
    assert.equal(result.isWebSocketUpgrade, true);
    wsClient.sendMessage('hi');
    await wsClient.expectMessage('Ada in lobby: hi');
  });

  it('routed: Basic authentication before the chat route; the echo route is open', async () => {
    const stranger = await WS('/chat/lobby', new WSProbe().flow).run(routedRoutes);
    assert.equal(stranger.status, 401);
    assert.match(String(stranger.headers['www-authenticate']), /^Basic realm="chat"/);
    const wsClient = new WSProbe();
    await WS('/chat/lobby', wsClient.flow, {
      headers: { Authorization: basicAuth('ada', 'lovelace') },
    }).run(routedRoutes);
    wsClient.sendMessage('hi');
    await wsClient.expectMessage('ada@lobby: hi');
    const echoing = new WSProbe();
    await WS('/echo', echoing.flow).run(routedRoutes);
    echoing.sendMessage('same');
    await echoing.expectMessage('same');
  });

  it('hub-chat: a room per path; lines go to every member, joins and leaves to the others', async () => {
    const ada = new WSProbe();
    await WS('/chat/lobby?name=ada', ada.flow).run(hubChatRoutes);
    const bob = new WSProbe();
    await WS('/chat/lobby?name=bob', bob.flow).run(hubChatRoutes);
    await ada.expectMessage('{"room":"lobby","joined":"bob"}');
    const elsewhere = new WSProbe();
    await WS('/chat/attic?name=eve', elsewhere.flow).run(hubChatRoutes);
    ada.sendMessage('{"text":"hello"}');
    const line = '{"room":"lobby","from":"ada","text":"hello"}';
    await ada.expectMessage(line);
    await bob.expectMessage(line);
    await elsewhere.expectNoMessage(10);
    bob.sendMessage('{"text":""}');
    await bob.expectClose(1007);
    await ada.expectMessage('{"room":"lobby","left":"bob"}');
  });

  it('reverse-routing: the room socket answers with its room', async () => {
    const wsClient = new WSProbe();
    await WS('/rooms/kitchen/socket', wsClient.flow).run(reverseRoutes);
    wsClient.sendMessage('hi');
    await wsClient.expectMessage('kitchen: hi');
  });
});
