// wsflow's WHATWG-shaped WebSocket: the standard's states, errors and event order (open, the
// messages, then error only for a failed connection, then close), against ws' server and raw
// sockets; interop with wsflow's, ws' and python-websockets' servers is in web-socket-peers.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { WebSocketServer } from 'ws';
import type { WebSocket as WsSocket } from 'ws';
import { WebSocket, WebSocketCloseEvent, WebSocketErrorEvent } from '../../src/index.js';
import type { WebSocketConstructor } from '../../src/browser/web-socket.js';
import { computeAccept } from '../../src/protocol/handshake.js';

// What ReconnectingSocket needs of a constructor: checked by the compiler.
const asReconnectingSocketNeeds: WebSocketConstructor = WebSocket;
void asReconnectingSocketNeeds;

/** A ws server on 127.0.0.1; `onConnection` plays the server's part. */
async function wsServer(
  onConnection: (socket: WsSocket) => void,
  options: { perMessageDeflate?: boolean; handleProtocols?: () => string | false } = {},
): Promise<string> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  server.on('connection', onConnection);
  await once(server, 'listening');
  after(() => {
    for (const client of server.clients) client.terminate();
    server.close();
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** A server that upgrades every request, then lets `play` write raw frames. */
async function rawServer(play: (socket: Socket) => void): Promise<string> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', (chunk: Buffer) => {
      const key = /sec-websocket-key: *(\S+)/i.exec(chunk.toString('latin1'))?.[1] ?? '';
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${computeAccept(key)}\r\n\r\n`,
      );
      play(socket);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => server.close());
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** An unmasked server text frame. */
function textFrame(text: string): Buffer {
  return Buffer.concat([Buffer.from([0x81, Buffer.byteLength(text)]), Buffer.from(text)]);
}

/** Records every event of `socket` as a line, with the readyState seen at it. */
function record(socket: WebSocket): { events: string[]; closed: Promise<WebSocketCloseEvent> } {
  const events: string[] = [];
  socket.addEventListener('open', () => events.push(`open ${socket.readyState}`));
  socket.addEventListener('message', (event) => {
    const data: unknown = event.data;
    events.push(
      `message ${typeof data === 'string' ? data : Object.prototype.toString.call(data)}`,
    );
  });
  socket.addEventListener('error', (event) => {
    assert.ok(event instanceof WebSocketErrorEvent);
    events.push(`error ${socket.readyState}`);
  });
  const closed = new Promise<WebSocketCloseEvent>((resolve) => {
    socket.addEventListener('close', (event) => {
      assert.ok(event instanceof WebSocketCloseEvent);
      events.push(`close ${event.code} ${event.reason} ${event.wasClean} ${socket.readyState}`);
      resolve(event);
    });
  });
  return { events, closed };
}

describe('WebSocket: the interface', () => {
  it('has the standard constants, on the class and on each socket', async () => {
    const url = await wsServer(() => undefined);
    assert.deepEqual(
      [WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED],
      [0, 1, 2, 3],
    );
    const socket = new WebSocket(url);
    const { closed } = record(socket);
    assert.deepEqual([socket.CONNECTING, socket.OPEN, socket.CLOSING, socket.CLOSED], [0, 1, 2, 3]);
    assert.equal(socket.readyState, WebSocket.CONNECTING);
    assert.equal(socket.url, url);
    assert.equal(socket.protocol, '');
    assert.equal(socket.extensions, '');
    assert.equal(socket.bufferedAmount, 0);
    socket.close();
    await closed;
  });

  it('throws the standard SyntaxError for a bad URL or subprotocol', () => {
    const syntax = (error: unknown): boolean =>
      error instanceof DOMException && error.name === 'SyntaxError';
    assert.throws(() => new WebSocket('ftp://127.0.0.1/'), syntax);
    assert.throws(() => new WebSocket('ws://127.0.0.1/#x'), syntax);
    assert.throws(() => new WebSocket('ws://127.0.0.1/', ['a', 'a']), syntax);
    assert.throws(() => new WebSocket('ws://127.0.0.1/', 'a b'), syntax);
  });

  it('throws an InvalidStateError for send() while connecting', async () => {
    const url = await wsServer(() => undefined);
    const socket = new WebSocket(url);
    const { closed } = record(socket);
    assert.throws(
      () => socket.send('early'),
      (error: unknown) => error instanceof DOMException && error.name === 'InvalidStateError',
    );
    socket.close();
    await closed;
  });

  it("checks close()'s code and reason in every state, before anything else", async () => {
    const url = await wsServer(() => undefined);
    const socket = new WebSocket(url);
    const { closed } = record(socket);
    const named = (name: string) => (error: unknown) =>
      error instanceof DOMException && error.name === name;
    assert.throws(() => socket.close(1001), named('InvalidAccessError'));
    assert.throws(() => socket.close(1000, 'x'.repeat(124)), named('SyntaxError'));
    assert.equal(socket.readyState, WebSocket.CONNECTING);
    socket.close();
    await closed;
    assert.throws(() => socket.close(2999), named('InvalidAccessError'));
    socket.close(4000, 'again'); // closed already: nothing happens
  });

  it('keeps binaryType to blob or arraybuffer, blob by default', async () => {
    const url = await wsServer(() => undefined);
    const socket = new WebSocket(url);
    const { closed } = record(socket);
    assert.equal(socket.binaryType, 'blob');
    socket.binaryType = 'nodebuffer';
    assert.equal(socket.binaryType, 'blob');
    socket.binaryType = 'arraybuffer';
    assert.equal(socket.binaryType, 'arraybuffer');
    socket.close();
    await closed;
  });

  it('event handler attributes: one each, replaced when set again, removed by null', async () => {
    const url = await wsServer((server) => server.send('one'));
    const socket = new WebSocket(url);
    const calls: string[] = [];
    const first = (): void => void calls.push('first');
    socket.onmessage = first;
    assert.equal(socket.onmessage, first);
    socket.onmessage = function (event) {
      assert.equal(this, socket);
      calls.push(`second ${String(event.data)}`);
      socket.close();
    };
    socket.onopen = () => calls.push('open');
    socket.onopen = null;
    assert.equal(socket.onopen, null);
    socket.onerror = () => calls.push('error');
    await new Promise<void>((resolve) => (socket.onclose = () => resolve()));
    assert.deepEqual(calls, ['second one']);
  });
});

describe('WebSocket: events in the standard order', () => {
  it('open, the messages, close: text, Blob by default and ArrayBuffer when asked', async () => {
    const url = await wsServer((server) =>
      server.on('message', (data, isBinary) => server.send(data, { binary: isBinary })),
    );
    const socket = new WebSocket(url);
    const { events, closed } = record(socket);
    const received: unknown[] = [];
    socket.onopen = () => {
      socket.send('text');
      socket.send(new Uint8Array([1, 2, 3]));
      socket.send(new Uint16Array([0x0201]).buffer);
    };
    socket.onmessage = (event) => {
      received.push(event.data);
      if (received.length === 2) socket.binaryType = 'arraybuffer';
      if (received.length === 3) socket.close(1000, 'done');
    };
    const close = await closed;
    assert.deepEqual(events, [
      'open 1',
      'message text',
      'message [object Blob]',
      'message [object ArrayBuffer]',
      'close 1000 done true 3',
    ]);
    assert.equal(close.wasClean, true);
    assert.ok(received[1] instanceof Blob);
    assert.deepEqual([...new Uint8Array(await received[1].arrayBuffer())], [1, 2, 3]);
    assert.deepEqual([...new Uint8Array(received[2] as ArrayBuffer)], [1, 2]);
  });

  it('a message event carries the origin of the URL', async () => {
    const url = await wsServer((server) => server.send('hi'));
    const socket = new WebSocket(url);
    const event = await new Promise<MessageEvent>((resolve) => (socket.onmessage = resolve));
    assert.equal(event.origin, new URL(url).origin);
    socket.close();
  });

  it('the subprotocol and extensions the server chose', async () => {
    const url = await wsServer(() => undefined, {
      perMessageDeflate: true,
      handleProtocols: () => 'v2',
    });
    const socket = new WebSocket(url, ['v2', 'v1']);
    await once(socket, 'open');
    assert.equal(socket.protocol, 'v2');
    assert.match(socket.extensions, /^permessage-deflate/);
    socket.close();
  });

  it("the server's close: its code and reason, clean, no error", async () => {
    const url = await wsServer((server) => server.close(4001, 'bye'));
    const socket = new WebSocket(url);
    const { events, closed } = record(socket);
    await closed;
    assert.deepEqual(events, ['open 1', 'close 4001 bye true 3']);
  });

  it('close() without a code sends a Close without one (1005), with a reason 1000', async () => {
    const codes: string[] = [];
    let bothClosed!: () => void;
    const serverSawBoth = new Promise<void>((resolve) => (bothClosed = resolve));
    const url = await wsServer((server) =>
      server.on('close', (code, reason) => {
        if (codes.push(`${code} ${reason.toString()}`) === 2) bothClosed();
      }),
    );
    for (const reason of [undefined, 'bye']) {
      const socket = new WebSocket(url);
      const { closed } = record(socket);
      socket.onopen = () => {
        socket.close(undefined, reason);
        assert.equal(socket.readyState, WebSocket.CLOSING);
      };
      const close = await closed;
      assert.equal(close.code, reason === undefined ? 1005 : 1000);
    }
    await serverSawBoth;
    assert.deepEqual(codes, ['1005 ', '1000 bye']);
  });

  it('a refused connection: error, then close 1006, not clean, never open', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    server.close();
    await once(server, 'close');
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
    const { events, closed } = record(socket);
    let error: unknown;
    socket.onerror = (event) => (error = event.error);
    await closed;
    assert.deepEqual(events, ['error 3', 'close 1006  false 3']);
    assert.equal((error as { code?: string }).code, 'WSFLOW_ERR_HANDSHAKE_NETWORK');
  });

  it('a failed connection (a frame that breaks RFC 6455): error, then close', async () => {
    const url = await rawServer((socket) => {
      socket.write(Buffer.concat([textFrame('first'), Buffer.from([0x83, 0x00])]));
      socket.on('data', () => socket.end());
    });
    const socket = new WebSocket(url);
    const { events, closed } = record(socket);
    let error: unknown;
    socket.addEventListener('error', (event) => (error = event.error));
    const close = await closed;
    assert.deepEqual(events.slice(0, 3), ['open 1', 'message first', 'error 3']);
    assert.match(events[3], /^close \d+ .* false 3$/);
    assert.equal(close.wasClean, false);
    assert.ok(error instanceof Error);
  });

  it('a connection dropped without a Close: close 1006, not clean', async () => {
    const url = await rawServer((socket) => socket.destroy());
    const socket = new WebSocket(url);
    const { events, closed } = record(socket);
    await closed;
    assert.equal(events[0], 'open 1');
    assert.equal(events.at(-1), 'close 1006  false 3');
  });

  it('close() while connecting: error, then close 1006, never open', async () => {
    const url = await wsServer(() => undefined);
    const socket = new WebSocket(url);
    const { events, closed } = record(socket);
    socket.close();
    assert.equal(socket.readyState, WebSocket.CLOSING);
    let error: unknown;
    socket.onerror = (event: WebSocketErrorEvent) => (error = event.error);
    await closed;
    assert.deepEqual(events, ['error 3', 'close 1006  false 3']);
    assert.ok(error instanceof DOMException && error.name === 'AbortError');
  });

  it('after close(), messages are dropped and send() only counts in bufferedAmount', async () => {
    const sent: string[] = [];
    const url = await rawServer((socket) => {
      socket.write(Buffer.concat([textFrame('a'), textFrame('b'), textFrame('c')]));
      socket.on('data', (chunk: Buffer) => {
        sent.push(chunk.toString('hex'));
        socket.end(Buffer.from([0x88, 0x02, 0x03, 0xe8]));
      });
    });
    const socket = new WebSocket(url);
    const { events, closed } = record(socket);
    socket.onmessage = () => {
      socket.close();
      socket.send('late');
      socket.send(new Uint8Array(10));
      assert.equal(socket.bufferedAmount >= 14, true);
    };
    await closed;
    assert.deepEqual(events.slice(0, 2), ['open 1', 'message a']);
    assert.equal(events.length, 3);
    assert.ok(socket.bufferedAmount >= 14);
    assert.equal(sent.length, 1); // the Close only: nothing sent after it
  });

  it('sends bytes as they were at send(), compressed or not', async () => {
    for (const perMessageDeflate of [true, false]) {
      const url = await wsServer(
        (server) =>
          server.on('message', (data, isBinary) => server.send(data, { binary: isBinary })),
        { perMessageDeflate },
      );
      const socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
      const received: number[] = [];
      socket.onopen = () => {
        const bytes = new Uint8Array(256 * 1024).fill(1);
        socket.send(bytes);
        bytes.fill(2);
        socket.send(bytes.buffer);
        bytes.fill(3);
      };
      socket.onmessage = ({ data }) => {
        const bytes = new Uint8Array(data as ArrayBuffer);
        received.push(bytes[0], bytes.at(-1) as number);
        if (received.length === 4) socket.close();
      };
      await once(socket, 'close');
      assert.deepEqual(received, [1, 1, 2, 2], `perMessageDeflate: ${perMessageDeflate}`);
    }
  });

  it('a Blob goes out in order among the other sends', async () => {
    const url = await wsServer((server) =>
      server.on('message', (data, isBinary) => server.send(data, { binary: isBinary })),
    );
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    const received: string[] = [];
    socket.onopen = () => {
      socket.send('1');
      socket.send(new Blob(['2', '2']));
      assert.ok(socket.bufferedAmount >= 2);
      socket.send('3');
    };
    socket.onmessage = ({ data }) => {
      received.push(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString());
      if (received.length === 3) socket.close();
    };
    await once(socket, 'close');
    assert.deepEqual(received, ['1', '22', '3']);
    assert.equal(socket.bufferedAmount, 0);
  });
});
