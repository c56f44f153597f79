// Socket actors over real sockets on 127.0.0.1: a `ws` client sees stop(code, reason), and a
// mailbox that never drains stops the server reading (bytes read stay bounded while the client
// has megabytes more to send).

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { actorFlow, attachWebSocket, serve, text } from '../../src/index.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Resolves with the close code and reason a `ws` client saw. */
function closeOf(client: WebSocket): Promise<[number, string]> {
  return new Promise((resolve) => {
    client.once('close', (code, reason) => resolve([code, reason.toString()]));
  });
}

/** Waits a little, a bounded number of times, until `ready()` holds; returns whether it did. */
async function eventually(ready: () => boolean, tries = 500): Promise<boolean> {
  for (let i = 0; i < tries && !ready(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return ready();
}

describe('socket actors over real sockets', () => {
  it('a ws client sees the messages sent before stop(), then its code and reason', async () => {
    const flow = text().transform(
      actorFlow<string, string>(({ out, stop }) => ({
        onStart: () => void out.tell('hello'),
        onMessage(line) {
          out.tell(`bye ${line}`);
          stop(4002, 'see you');
        },
      })),
    );
    const server = await serve({ port: 0, host: '127.0.0.1', flow });
    try {
      const client = new WebSocket(`ws://127.0.0.1:${server.address.port}/`);
      const received: string[] = [];
      client.on('message', (data) => received.push(String(data)));
      const closed = closeOf(client);
      await new Promise((resolve) => client.once('open', resolve));
      client.send('ada');
      assert.deepEqual(await closed, [4002, 'see you']);
      assert.deepEqual(received, ['hello', 'bye ada']);
    } finally {
      await server.close();
    }
  });

  it('a mailbox that never drains holds reading: the server reads a bounded amount', async () => {
    let handled = 0;
    const flow = actorFlow(() => ({
      onMessage: () => {
        handled++;
        return new Promise<void>(() => undefined); // never done: the mailbox never drains
      },
    }));
    const http = createServer();
    const serverSockets: Socket[] = [];
    http.on('connection', (socket) => serverSockets.push(socket));
    attachWebSocket(http, (upgrade) => void upgrade.handleMessages(flow), {
      onError: () => undefined,
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}/`);
    try {
      await new Promise((resolve) => client.once('open', resolve));
      const payload = Buffer.alloc(16 * KiB, 7);
      const offered = 32 * MiB;
      for (let sent = 0; sent < offered; sent += payload.length) client.send(payload);
      const serverSocket = serverSockets[0];
      assert.ok(
        await eventually(() => serverSocket.isPaused()),
        'the server paused reading the socket',
      );
      const readWhenPaused = serverSocket.bytesRead;
      // The client still has most of its 32 MiB to send; give it every chance to push more.
      await eventually(() => false, 20);
      const read = serverSocket.bytesRead;
      assert.equal(handled, 1, 'one message in the actor, the rest held back');
      assert.ok(read < 4 * MiB, `the server read ${read} bytes of ${offered}`);
      assert.ok(read - readWhenPaused < 1 * MiB, `${read - readWhenPaused} bytes after pausing`);
      assert.ok(client.bufferedAmount > 16 * MiB, 'the rest waits on the client side');
    } finally {
      client.terminate();
      // The server's end is paused: it would never read the FIN.
      for (const socket of serverSockets) socket.destroy();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
