// Resumable sessions across processes: three wsflow server processes on one Redis, resuming
// clients on each; the node that serves some of them is killed with SIGKILL while a long stream
// is published, and its clients resume on another node: bare clients that reopen where they are
// told, and ReconnectingSockets over wsflow's own WebSocket (Node 20's way, wsflow alone) that
// come back by themselves. Checked by sequence: every client gets every message once, in the
// order published, nothing lost and nothing twice.

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { JsonLinesProcess, needs, redisServerMissing } from '../../interop/helpers/peers.js';
import { ReconnectingSocket } from '../../src/browser/index.js';
import { WebSocket } from '../../src/index.js';
import { isPast, positionOf } from '../../src/resume-wire.js';
import { RedisServer } from '../helpers/redis-server.js';
import { ResumingClient } from './resuming-client.js';
import { until } from './support.js';

const NODE_PROCESS = fileURLToPath(new URL('./node-process.js', import.meta.url));
const TOPIC = 'feed';

describe('Redis backend: resumable sessions across processes', needs(redisServerMissing()), () => {
  it('the clients of a node killed mid-stream resume on another, nothing lost or twice', async () => {
    const redis = await RedisServer.start();
    const nodes: JsonLinesProcess[] = [];
    const ports: number[] = [];
    const clients: { node: number; client: ResumingClient }[] = [];
    const sockets: { socket: ReconnectingSocket; received: string[]; urls: string[] }[] = [];
    try {
      for (let n = 0; n < 3; n++) {
        const [node, { port }] = await JsonLinesProcess.start<{ port: number }>(process.execPath, [
          NODE_PROCESS,
          redis.url,
          'node-redis',
        ]);
        nodes.push(node);
        ports.push(port);
        for (let i = 0; i < 3; i++) {
          const client = new ResumingClient();
          await client.open(port, TOPIC);
          clients.push({ node: n, client });
        }
      }
      // Two sockets start on node 0 and come back to node 1 by themselves, resuming.
      for (let i = 0; i < 2; i++) {
        const received: string[] = [];
        const urls: string[] = [];
        const url = () => {
          const node = urls.length === 0 ? 0 : 1;
          urls.push(`ws://127.0.0.1:${ports[node]}/t/${TOPIC}`);
          return urls[urls.length - 1];
        };
        const socket = new ReconnectingSocket(url, { WebSocket, resume: true });
        socket.on('message', ({ data }) => received.push(String(data)));
        sockets.push({ socket, received, urls });
      }
      for (const [n, node] of nodes.entries()) {
        const expected = n === 0 ? 3 + sockets.length : 3;
        let seen = 0;
        for (let turn = 0; turn < 500 && seen !== expected; turn++) {
          seen = (await node.request<{ subscribers: number }>({ subscribers: TOPIC })).subscribers;
        }
        assert.equal(seen, expected, "a node's subscribers");
      }
      // Publishing nothing answers once the node follows its topics (backend.idle()).
      await Promise.all(
        nodes.map((node) => node.request({ publish: { topic: TOPIC, prefix: '', count: 0 } })),
      );
      const total = 3000;
      // Node 2 publishes, 8 messages a tick and a millisecond between ticks: a long stream.
      const publishing = nodes[2].request({
        publish: { topic: TOPIC, prefix: 'p', count: total, pauseMs: 1 },
      });
      const killed = clients.filter(({ node }) => node === 0).map(({ client }) => client);
      const reading = clients.map(({ client }) => client.receive(total));
      assert.ok(
        await until(
          () =>
            killed.every((client) => client.messages.length >= 200) &&
            sockets.every(({ received }) => received.length >= 200),
        ),
      );
      await nodes[0].kill('SIGKILL');
      assert.ok(await until(() => killed.every((client) => client.closed)));
      const midStream = Math.min(...killed.map((client) => client.messages.length));
      assert.ok(midStream < total, 'killed before the stream ended');
      for (const client of killed) {
        await reading[clients.findIndex((c) => c.client === client)];
        await client.open(ports[1], TOPIC);
      }
      await publishing;
      const everyone = clients.map(({ client }) => client);
      const reopened = everyone.map((client) => client.receive(total));
      const counts = () => [
        ...everyone.map((client) => client.messages.length),
        ...sockets.map(({ received }) => received.length),
      ];
      assert.ok(
        await until(() => counts().every((count) => count >= total), 10_000),
        `messages per client: ${counts().join(' ')} of ${total}`,
      );
      const received = await Promise.all(reopened);
      const expected = Array.from({ length: total }, (_, i) => `p:${i}`);
      for (const [i, messages] of received.entries()) {
        assert.deepEqual(messages, expected, `client ${i}: every message once, in order`);
        const ids = everyone[i].ids;
        assert.equal(ids.length, total);
        for (let k = 1; k < ids.length; k++) {
          const [a, b] = [positionOf(ids[k]), positionOf(ids[k - 1])];
          assert.ok(a !== undefined && b !== undefined && isPast(a, b));
        }
      }
      assert.ok(killed.every((client) => client.markers.every((m) => !m.includes('"gone"'))));
      for (const [i, { socket, received, urls }] of sockets.entries()) {
        assert.deepEqual(received, expected, `socket ${i}: every message once, in order`);
        assert.ok(urls.length >= 2, `socket ${i} came back`);
        assert.equal(socket.state, 'open');
        assert.match(socket.lastIds[TOPIC] ?? '', /^\d+-\d+\.\d+$/);
        assert.ok(urls.at(-1)?.includes(`:${ports[1]}/`), `socket ${i} resumed on node 1`);
      }
    } finally {
      for (const { socket } of sockets) socket.close();
      for (const { client } of clients) client.close();
      await Promise.all(nodes.map((node) => node.stop()));
      await redis.stop();
    }
  });
});
