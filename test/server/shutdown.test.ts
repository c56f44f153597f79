// Graceful shutdown over loopback: 1001 to every client, a ws client that answers (clean), a raw
// client that never does (destroyed at the deadline), and nothing left open afterwards.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { attachWebSocket, fromSinkAndSource, ignore, maybe, serve } from '../../src/index.js';
import type { CloseOutcome, ServeOptions } from '../../src/index.js';
import { RawClient, closePayload, openClient } from './support.js';

/** A server whose connections stay open until closed; their outcomes are collected. */
async function openServer(options: Omit<ServeOptions, 'flow' | 'handler'> = {}) {
  const outcomes: Promise<CloseOutcome>[] = [];
  const server = await serve({
    ...options,
    port: 0,
    handler: (upgrade) => {
      const flow = fromSinkAndSource(ignore(), maybe<string>().source);
      outcomes.push(upgrade.handleMessages(flow).closed);
    },
  });
  return { server, outcomes };
}

/** What keeps the event loop alive: ref'd timers and TCP handles, by kind. */
function liveResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'Timeout' || kind.startsWith('TCP')) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

describe('graceful shutdown', () => {
  it('a ws client that answers sees a clean 1001 "server shutting down"', async () => {
    const { server, outcomes } = await openServer();
    const client = await openClient(server.url);
    await server.close();
    assert.deepEqual(await client.closed, { code: 1001, reason: 'server shutting down' });
    const outcome = await outcomes[0];
    assert.deepEqual([outcome.code, outcome.wasClean, outcome.closedBy], [1001, true, 'local']);
    assert.equal(server.connections.size, 0);
    assert.equal(server.httpServer.listening, false);
  });

  it('a raw client that never answers the Close is destroyed at the deadline', async () => {
    // The close timeout is long: only close({ timeoutMs }) can end this in time.
    const { server, outcomes } = await openServer({ closeTimeoutMs: 60_000 });
    const raw = await RawClient.connect(server.address.port);
    await server.close({ timeoutMs: 100 });
    const close = await raw.nextFrame();
    assert.equal(close.opcode, 0x8);
    assert.deepEqual(closePayload(close.payload), { code: 1001, reason: 'server shutting down' });
    await raw.ended;
    const outcome = await outcomes[0];
    assert.deepEqual([outcome.code, outcome.wasClean], [1006, false]);
    assert.equal(server.connections.size, 0);
  });

  it('both at once: the answering client closes cleanly, the silent one is cut off', async () => {
    const before = liveResources();
    const { server, outcomes } = await openServer({ closeTimeoutMs: 60_000 });
    const client = await openClient(server.url);
    const raw = await RawClient.connect(server.address.port);
    await server.close({ timeoutMs: 200 });
    assert.equal((await client.closed).code, 1001);
    await raw.ended;
    const [first, second] = await Promise.all(outcomes);
    assert.deepEqual([first.wasClean, second.wasClean].sort(), [false, true]);
    assert.equal(server.connections.size, 0);
    assert.deepEqual(liveResources(), before);
  });

  it('stops accepting: later connections are refused', async () => {
    const { server } = await openServer();
    await server.close();
    const ws = new WebSocket(server.url);
    const [error] = (await once(ws, 'error')) as [NodeJS.ErrnoException];
    assert.equal(error.code, 'ECONNREFUSED');
  });

  it('drops a client still sending its request head', async () => {
    const { server } = await openServer();
    const socket = connect(server.address.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await server.close();
    await closed;
  });

  it('a second call with a shorter deadline still applies', async () => {
    const { server } = await openServer({ closeTimeoutMs: 60_000 });
    const raw = await RawClient.connect(server.address.port);
    const first = server.close();
    const second = server.close({ timeoutMs: 50 });
    assert.equal(first, second);
    await second;
    await raw.ended;
  });

  it('attachWebSocket: close({ timeoutMs }) ends the WebSocket connections, not the server', async () => {
    const httpServer = createServer((_request, response) => response.end('still here'));
    const attachment = attachWebSocket(
      httpServer,
      (upgrade) => void upgrade.handleMessages(fromSinkAndSource(ignore(), maybe<string>().source)),
      { closeTimeoutMs: 60_000 },
    );
    httpServer.listen(0, '127.0.0.1');
    await once(httpServer, 'listening');
    const { port } = httpServer.address() as AddressInfo;
    const raw = await RawClient.connect(port);
    await attachment.close({ timeoutMs: 50 });
    await raw.ended;
    assert.equal(attachment.connections.size, 0);
    assert.equal(httpServer.listening, true);
    httpServer.close();
    await once(httpServer, 'close');
  });

  it('rejects a deadline that is not a finite number >= 0', async () => {
    const { server } = await openServer();
    assert.throws(() => server.close({ timeoutMs: -1 }), RangeError);
    await server.close();
  });
});
