// permessage-deflate on wsflow's client: its offer, a server answer that fails the handshake,
// wsflow ↔ wsflow with compression, and how many zlib streams idle and busy connections hold.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { echo, openWebSocket, serve } from '../../src/index.js';
import type { PerMessageDeflateOptions } from '../../src/index.js';
import { openContexts, pooledContexts } from '../../src/extensions/zlib-context.js';

/** A fake server that answers every upgrade with a 101 carrying `extensions`. */
async function fakeServer(extensions: string): Promise<{ server: Server; offers: string[] }> {
  const offers: string[] = [];
  const server = createServer((socket: Socket) => {
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const header = (name: string): string =>
        /^([^:]+):\s*(.*)$/m.exec(
          head.split('\r\n').find((l) => l.toLowerCase().startsWith(name)) ?? '',
        )?.[2] ?? '';
      offers.push(header('sec-websocket-extensions'));
      const accept = createHash('sha1')
        .update(header('sec-websocket-key') + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
        .digest('base64');
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Extensions: ${extensions}\r\n\r\n`,
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, offers };
}

const urlOf = (server: Server): string =>
  `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;

describe('the client offer and the server answer', () => {
  it('offers permessage-deflate; client_max_window_bits by default', async () => {
    const { server, offers } = await fakeServer('permessage-deflate');
    try {
      const socket = await openWebSocket(urlOf(server));
      assert.deepEqual(offers, ['permessage-deflate; client_max_window_bits']);
      assert.deepEqual(socket.response.perMessageDeflate?.params, {
        serverNoContextTakeover: false,
        clientNoContextTakeover: false,
        serverMaxWindowBits: 15,
        clientMaxWindowBits: 15,
      });
      void socket.close();
    } finally {
      server.close();
    }
  });

  it('fails the handshake on an answer RFC 7692 forbids', async () => {
    for (const [answer, options] of [
      ['permessage-deflate; server_max_window_bits=16', {}],
      ['permessage-deflate; client_max_window_bits', {}],
      ['permessage-deflate; unknown', {}],
      ['permessage-deflate; client_no_context_takeover; client_no_context_takeover', {}],
      ['permessage-deflate, permessage-deflate', {}],
      ['permessage-deflate', { serverMaxWindowBits: 10 }],
      ['permessage-deflate', { serverNoContextTakeover: true }],
      ['permessage-deflate; client_max_window_bits=12', { clientMaxWindowBits: 10 }],
    ] as [string, PerMessageDeflateOptions][]) {
      const { server } = await fakeServer(answer);
      try {
        await assert.rejects(
          openWebSocket({ url: urlOf(server), perMessageDeflate: options }),
          { code: 'WSFLOW_ERR_HANDSHAKE_INVALID_EXTENSION', status: 101 },
          answer,
        );
      } finally {
        server.close();
      }
    }
  });

  it('fails when compression was not offered and the server accepts it anyway', async () => {
    const { server, offers } = await fakeServer('permessage-deflate');
    try {
      await assert.rejects(openWebSocket({ url: urlOf(server), perMessageDeflate: false }), {
        code: 'WSFLOW_ERR_HANDSHAKE_EXTENSION_NOT_OFFERED',
      });
      assert.deepEqual(offers, ['']);
    } finally {
      server.close();
    }
  });
});

describe('wsflow client ↔ wsflow server', () => {
  it('compresses both ways with the defaults of both sides', async () => {
    const server = await serve({ port: 0, flow: echo(), perMessageDeflate: true });
    try {
      const socket = await openWebSocket(server.url);
      assert.ok(socket.response.perMessageDeflate !== undefined);
      const text = 'both sides compress. '.repeat(1000);
      await socket.send(text);
      await socket.send('short');
      assert.equal(await socket.receiveText(), text);
      assert.equal(await socket.receiveText(), 'short');
      await socket.close();
    } finally {
      await server.close();
    }
  });

  it('holds no zlib stream while idle; without takeover, none between messages either', async () => {
    const noTakeover = { serverNoContextTakeover: true, clientNoContextTakeover: true };
    const server = await serve({ port: 0, flow: echo(), perMessageDeflate: noTakeover });
    try {
      const before = openContexts();
      const sockets = await Promise.all(
        Array.from({ length: 20 }, () => openWebSocket(server.url)),
      );
      assert.equal(openContexts(), before);
      const text = 'x'.repeat(4096);
      for (const socket of sockets) await socket.send(text);
      for (const socket of sockets) assert.equal(await socket.receiveText(), text);
      // Every stream went back to the shared pool (at most 4 per kind: two kinds here).
      assert.equal(openContexts(), pooledContexts());
      assert.ok(pooledContexts() <= 8, `${pooledContexts()} pooled`);
      await Promise.all(sockets.map((socket) => socket.close()));
    } finally {
      await server.close();
    }
  });

  it('with context takeover, keeps a connection’s streams until it closes', async () => {
    const server = await serve({ port: 0, flow: echo(), perMessageDeflate: true });
    try {
      const before = openContexts();
      const socket = await openWebSocket(server.url);
      await socket.send('y'.repeat(4096));
      assert.equal(await socket.receiveText(), 'y'.repeat(4096));
      // The client's deflate and inflate, the server's inflate and deflate.
      assert.equal(openContexts(), before + 4);
      await socket.close();
      await server.close();
      assert.equal(openContexts(), before);
    } finally {
      await server.close();
    }
  });
});
