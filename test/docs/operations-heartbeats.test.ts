// The heartbeat snippet of docs/operations.md, run as written (test/docs/snippets.test.ts checks
// that it is the page's), then the round-trip times it reads, on a server and on a client.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { echo, openWebSocket, serve } from '../../src/index.js';
import { until } from '../client/support.js';

const TIMEOUT = { timeout: 10_000 };

describe('docs/operations.md: heartbeats', () => {
  it(
    'a Ping round-trip gauge on the server, and a client timing its own Pings',
    TIMEOUT,
    async () => {
      // #region docs/operations.md
      const server = await serve({
        port: 0,
        flow: echo(),
        keepAlive: { maxIdleMs: 20_000, pongTimeoutMs: 10_000 },
      });
      // A gauge for your metrics: the latest Ping round trip of each open connection, in ms.
      const pingRttsMs = (): number[] =>
        [...server.connections].flatMap((connection) => connection.lastPingRttMs ?? []);

      // A client times its Pings the same way, keep-alive's and its own.
      const socket = await openWebSocket(server.url, { keepAlive: { maxIdleMs: 20_000 } });
      socket.ping();
      // #endregion
      await until(() => socket.lastPingRttMs !== undefined);
      assert.ok(Number.isFinite(socket.lastPingRttMs) && (socket.lastPingRttMs as number) >= 0);
      assert.deepEqual(pingRttsMs(), []); // the server sent no Ping yet
      for (const connection of server.connections) connection.ping();
      await until(() => pingRttsMs().length === 1);
      assert.ok(pingRttsMs()[0] >= 0);
      await socket.close();
      await server.close();
    },
  );
});
