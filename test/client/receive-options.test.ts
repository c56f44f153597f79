// Tests: receive() with a time limit or an AbortSignal gives up without taking a message, so the
// next message goes to the next receive(), also after a lost Promise.race.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimeoutError, WebSocketClient } from '../../src/index.js';
import type { Connection, Message } from '../../src/index.js';
import { requestUpgrade } from '../../src/client/connect.js';
import { resolveRequest } from '../../src/client/request.js';
import { duplexPair } from '../helpers/duplex-pair.js';
import { acceptOn } from './fake-server.js';

/** A client socket and the server connection at the other end of an in-memory pair. */
async function socketPair(): Promise<{ socket: WebSocketClient; server: Connection }> {
  const [ours, theirs] = duplexPair();
  const accepted = acceptOn(theirs);
  let socket: WebSocketClient | undefined;
  await requestUpgrade(
    resolveRequest('ws://in-memory.test/'),
    {},
    {
      transport: ours,
      onConnection: (connection, response) => (socket = new WebSocketClient(connection, response)),
    },
  );
  const server = (await accepted).connection;
  assert.ok(server !== undefined && socket !== undefined);
  return { socket, server };
}

const textOf = (event: unknown): string => {
  const message = event as Message;
  return message.isText && message.isStrict ? message.text : '?';
};

describe('receive() with a time limit or a signal', () => {
  it('rejects with a TimeoutError when nothing comes in time, and takes nothing', async () => {
    const { socket, server } = await socketPair();
    await assert.rejects(socket.receive({ timeoutMs: 1 }), TimeoutError);
    await server.send('after');
    assert.equal(textOf(await socket.receive()), 'after');
    await socket.close();
  });

  it('rejects with the reason of an aborted signal; the next message goes to the next receive', async () => {
    const { socket, server } = await socketPair();
    const controller = new AbortController();
    const given = socket.receive({ signal: controller.signal });
    controller.abort(new Error('enough'));
    await assert.rejects(given, /enough/);
    await server.send('next');
    assert.equal(textOf(await socket.receive()), 'next');
    await socket.close();
  });

  it('rejects at once for a signal aborted already', async () => {
    const { socket } = await socketPair();
    await assert.rejects(
      socket.receiveText({ signal: AbortSignal.abort(new Error('already')) }),
      /already/,
    );
    await socket.close();
  });

  it('a receive() that lost a Promise.race and was aborted does not swallow the next message', async () => {
    const { socket, server } = await socketPair();
    const controller = new AbortController();
    const receiving = socket.receive({ signal: controller.signal });
    const winner = await Promise.race([receiving, Promise.resolve('other')]);
    assert.equal(winner, 'other');
    controller.abort();
    await assert.rejects(receiving);
    await server.send('kept');
    await server.send('also');
    assert.equal(await socket.receiveText(), 'kept');
    assert.equal(textOf(await socket.receive({ timeoutMs: 10_000 })), 'also');
    await socket.close();
  });

  it('a timer that did not fire leaves nothing behind once served', async () => {
    const { socket, server } = await socketPair();
    const timers = (): number =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    const receiving = socket.receive({ timeoutMs: 60_000 });
    assert.equal(timers(), before + 1);
    await server.send('soon');
    assert.equal(textOf(await receiving), 'soon');
    // The 60 s timer was cleared: the test run would otherwise be held open by it.
    assert.equal(process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length, 0);
    await socket.close();
  });

  it('rejects a negative time limit with a RangeError', async () => {
    const { socket } = await socketPair();
    await assert.rejects(socket.receive({ timeoutMs: -1 }), RangeError);
    await socket.close();
  });
});
