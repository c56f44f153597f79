// Keep-alive and the idle timeout over loopback with `ws` as the peer, on short real timers:
// Pings with a custom payload, Pong mode, a peer that never answers, a wsflow client pinging.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { WebSocketServer as WsServer } from 'ws';
import type WebSocket from 'ws';
import { openConnection } from '../../src/client/connect.js';
import { serve } from '../../src/index.js';
import type { CloseOutcome, Connection, ServeOptions } from '../../src/index.js';
import { fromSinkAndSource, ignore } from '../../src/flow/flow.js';
import { maybe } from '../../src/flow/sources.js';
import { openClient } from './support.js';

/** A server whose connections stay open and silent until told otherwise; records them. */
async function silentServer(options: Omit<ServeOptions, 'flow' | 'handler'>) {
  const connections: Connection[] = [];
  const server = await serve({
    ...options,
    port: 0,
    handler: (upgrade) => {
      connections.push(upgrade.handleMessages(fromSinkAndSource(ignore(), maybe<string>().source)));
    },
  });
  return { server, connections };
}

/**
 * Checks that payloads come from consecutive calls of a numbered payload function. The first
 * Ping may arrive in the same read as the 101, before a listener attached after 'open' sees it,
 * so the run is checked from wherever it starts.
 */
function assertConsecutive(seen: string[], prefix: string): void {
  const first = Number(seen[0]?.slice(prefix.length));
  assert.ok(Number.isInteger(first) && first >= 1, `unexpected payload ${seen[0]}`);
  assert.deepEqual(
    seen,
    seen.map((_, i) => `${prefix}${first + i}`),
  );
}

/** The next `count` payloads of a ws event ('ping' or 'pong'), as text. */
function payloads(ws: WebSocket, event: 'ping' | 'pong', count: number): Promise<string[]> {
  const seen: string[] = [];
  return new Promise((resolve) => {
    const listener = (data: Buffer): void => {
      seen.push(data.toString('utf8'));
      if (seen.length < count) return;
      ws.off(event, listener);
      resolve(seen);
    };
    ws.on(event, listener);
  });
}

describe('keep-alive with ws as the peer', () => {
  it('the server pings an idle client with the custom payload; ws answers', async () => {
    let count = 0;
    const keepAlive = { maxIdleMs: 20, pongTimeoutMs: 1000, payload: () => `debug-${++count}` };
    const { server, connections } = await silentServer({ keepAlive });
    try {
      const client = await openClient(server.url);
      assertConsecutive(await payloads(client.ws, 'ping', 3), 'debug-');
      assert.equal(connections[0].state, 'OPEN');
      client.ws.close(1000);
      assert.equal((await connections[0].closed).code, 1000);
    } finally {
      await server.close();
    }
  });

  it('pong mode: ws sees unsolicited Pongs and sends nothing back', async () => {
    const { server } = await silentServer({ keepAlive: { maxIdleMs: 20, mode: 'pong' } });
    try {
      const client = await openClient(server.url);
      const pings: Buffer[] = [];
      client.ws.on('ping', (data: Buffer) => pings.push(data));
      assert.deepEqual(await payloads(client.ws, 'pong', 3), ['', '', '']);
      assert.deepEqual(pings, []);
      client.ws.close(1000);
      await client.closed;
    } finally {
      await server.close();
    }
  });

  it('a ws client that never answers Pings gets 1011 "keepalive ping timeout"', async () => {
    const { server, connections } = await silentServer({
      keepAlive: { maxIdleMs: 20, pongTimeoutMs: 50 },
    });
    try {
      const client = await openClient(server.url, [], { autoPong: false });
      assert.deepEqual(await client.closed, { code: 1011, reason: 'keepalive ping timeout' });
      const outcome: CloseOutcome = await connections[0].closed;
      assert.deepEqual([outcome.code, outcome.wasClean], [1006, false]);
      assert.equal(server.connections.size, 0);
    } finally {
      await server.close();
    }
  });

  it('the idle timeout closes a silent ws client with 1001 "idle timeout"', async () => {
    const { server, connections } = await silentServer({ idleTimeoutMs: 50 });
    try {
      const client = await openClient(server.url);
      assert.deepEqual(await client.closed, { code: 1001, reason: 'idle timeout' });
      assert.equal((await connections[0].closed).wasClean, true);
    } finally {
      await server.close();
    }
  });
});

/** A ws server on a free loopback port. */
async function wsServer(autoPong: boolean): Promise<{ wss: WsServer; url: string }> {
  const wss = new WsServer({ port: 0, host: '127.0.0.1', autoPong });
  await once(wss, 'listening');
  return { wss, url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}` };
}

async function closeWsServer(wss: WsServer): Promise<void> {
  for (const ws of wss.clients) ws.terminate();
  await new Promise((resolve) => wss.close(resolve));
}

describe('keep-alive on the client side, with a ws server', () => {
  it('a wsflow client pings an idle ws server with its payload', async () => {
    const { wss, url } = await wsServer(true);
    try {
      const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
      let count = 0;
      const keepAlive = { maxIdleMs: 20, pongTimeoutMs: 1000, payload: () => `client-${++count}` };
      const { connection } = await openConnection(url, { keepAlive });
      const [peer] = await accepted;
      assertConsecutive(await payloads(peer, 'ping', 2), 'client-');
      assert.equal((await connection.close(1000)).wasClean, true);
    } finally {
      await closeWsServer(wss);
    }
  });

  it('a wsflow client drops a ws server that never answers its Pings', async () => {
    const { wss, url } = await wsServer(false);
    try {
      const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
      const keepAlive = { maxIdleMs: 20, pongTimeoutMs: 50 };
      const { connection } = await openConnection(url, { keepAlive });
      const [peer] = await accepted;
      const peerClosed = once(peer, 'close') as Promise<[number, Buffer]>;
      const outcome = await connection.closed;
      assert.deepEqual([outcome.code, outcome.wasClean], [1006, false]);
      const [code, reason] = await peerClosed;
      assert.deepEqual([code, reason.toString()], [1011, 'keepalive ping timeout']);
    } finally {
      await closeWsServer(wss);
    }
  });
});
