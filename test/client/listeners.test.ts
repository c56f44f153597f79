// The low-level listener interface: which callbacks run, in what order, and how failures of the
// handshake and of the callbacks themselves are reported; against the wsflow peer.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  ConnectionClosed,
  HandshakeError,
  HandshakeErrorCode,
  ProtocolError,
  openWebSocketWithListener,
} from '../../src/index.js';
import { computeAccept } from '../../src/protocol/handshake.js';
import type { CloseOutcome, Connection, WebSocketListener } from '../../src/index.js';
import { startPeer } from './peers.js';
import type { Peer } from './peers.js';
import { makeCertificate } from '../helpers/tls.js';

const tls = makeCertificate();
after(() => tls.dispose());

/** A server that upgrades every request and then lets `play` write raw frames. */
async function rawUpgradeServer(play: (socket: Socket) => void): Promise<string> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', (chunk: Buffer) => {
      const key = /sec-websocket-key: *(\S+)/i.exec(chunk.toString('latin1'))?.[1] ?? '';
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${computeAccept(key)}\r\n\r\n`,
      );
      play(socket);
      socket.on('data', () => socket.end()); // the client's Close: end the connection
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => server.close());
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** An unmasked server frame. */
function frame(first: number, text: string): Buffer {
  return Buffer.concat([Buffer.from([first, Buffer.byteLength(text)]), Buffer.from(text)]);
}

/** An unmasked Close frame. */
function closeFrame(code: number, reason: string): Buffer {
  const payload = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason)]);
  return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
}

/** Opens with a recording listener; resolves once onClose or onError was called. */
function record(
  url: string,
  extra: Partial<WebSocketListener> = {},
  options: { autoPong?: boolean; aggregateMessageBytes?: number } = {},
): { calls: string[]; finished: Promise<void>; opened: Promise<Connection> } {
  const calls: string[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const opened = openWebSocketWithListener(
    url,
    {
      onOpen: () => calls.push('open'),
      onPing: (payload) => calls.push(`ping ${Buffer.from(payload).toString()}`),
      onPong: (payload) => calls.push(`pong ${Buffer.from(payload).toString()}`),
      onClose: (outcome: CloseOutcome) => {
        calls.push(`close ${outcome.code}`);
        finish();
      },
      onError: (error) => {
        calls.push(`error ${(error as { code?: string }).code ?? String(error)}`);
        if (!calls.includes('open')) finish();
      },
      ...extra,
    },
    options,
  );
  return { calls, finished, opened };
}

describe('openWebSocketWithListener', () => {
  let peer: Peer;
  before(async () => {
    peer = await startPeer('wsflow', tls);
  });
  after(() => peer?.close());

  it('reports a refused upgrade to onError only, and rejects', async () => {
    const { calls, finished, opened } = record(peer.url('ws', '/missing'));
    await finished;
    assert.deepEqual(calls, [`error ${HandshakeErrorCode.Status}`]);
    await assert.rejects(opened, (error: unknown) => {
      assert.ok(error instanceof HandshakeError);
      assert.equal(error.status, 404);
      return true;
    });
  });

  it('calls onPing for pings; with auto-pong off, the listener answers', async () => {
    const messages: string[] = [];
    const { calls, finished } = record(
      peer.url('ws', '/ping'),
      {
        onPing: (payload, connection) => {
          calls.push(`ping ${Buffer.from(payload).toString()}`);
          connection.pong(payload);
        },
        onMessage: (message, connection) => {
          messages.push(message.isText && message.isStrict ? message.text : '<binary>');
          connection.ping('and you?');
        },
        onPong: (payload, connection) => {
          calls.push(`pong ${Buffer.from(payload).toString()}`);
          void connection.close();
        },
      },
      { autoPong: false },
    );
    await finished;
    assert.deepEqual(messages, ['pong: are you there']);
    assert.deepEqual(calls, ['open', 'ping are you there', 'pong and you?', 'close 1000']);
  });

  it('reports a throwing onMessage to onError and closes with 1011', async () => {
    const failure = new Error('listener broke');
    const { calls, finished } = record(peer.url('ws', '/greet/2'), {
      onMessage: () => {
        throw failure;
      },
    });
    await finished;
    assert.deepEqual(calls, ['open', `error ${String(failure)}`, 'close 1011']);
  });

  it('waits for a promise from onMessage before the next message', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { finished, opened } = record(peer.url('ws', '/greet/2'), {
      onMessage: async (message, connection) => {
        const text = message.isText && message.isStrict ? message.text : '';
        order.push(`start ${text}`);
        if (text === 'greeting 0') await gate;
        order.push(`end ${text}`);
        if (text === 'greeting 1') void connection.close();
      },
    });
    await opened;
    while (order.length === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ['start greeting 0']);
    release();
    await finished;
    assert.deepEqual(order, [
      'start greeting 0',
      'end greeting 0',
      'start greeting 1',
      'end greeting 1',
    ]);
  });

  it('reports a protocol failure of the server to onError, with its cause, then onClose', async () => {
    const url = await rawUpgradeServer((socket) => socket.write(frame(0x83, 'reserved opcode')));
    const errors: unknown[] = [];
    const { calls, finished } = record(url, { onError: (error) => void errors.push(error) });
    await finished;
    assert.deepEqual(calls, ['open', 'close 1006']); // we failed it: no Close came back
    assert.ok(errors[0] instanceof ConnectionClosed);
    assert.ok(errors[0].cause instanceof ProtocolError);
  });

  it('drops a Streamed message that onMessage leaves unread, so the next one still comes', async () => {
    const url = await rawUpgradeServer((socket) => {
      socket.write(frame(0x01, 'part one, '));
      // A later write, so the message is not whole in one read: with collecting off, it is
      // delivered Streamed.
      setTimeout(
        () => socket.write(Buffer.concat([frame(0x80, 'part two'), frame(0x81, 'after')])),
        20,
      );
    });
    const seen: string[] = [];
    const { finished } = record(
      url,
      {
        onMessage: (message, connection) => {
          seen.push(
            message.isStrict
              ? message.isText && message.isStrict
                ? message.text
                : '<binary>'
              : '<streamed>',
          );
          if (seen.length === 2) void connection.close();
        },
      },
      { aggregateMessageBytes: 0 }, // collecting off: the open message streams
    );
    await finished;
    assert.deepEqual(seen, ['<streamed>', 'after']);
  });

  it('delivers many messages in order, then closes after the last onMessage', async () => {
    const texts = Array.from({ length: 100 }, (_, i) => `m${i}`);
    const url = await rawUpgradeServer((socket) => {
      socket.write(Buffer.concat([...texts.map((t) => frame(0x81, t)), closeFrame(1000, 'done')]));
    });
    const { calls, finished } = record(url, {
      onMessage: (message) =>
        void calls.push(message.isText && message.isStrict ? message.text : '<binary>'),
    });
    await finished;
    assert.deepEqual(calls, ['open', ...texts, 'close 1000']);
  });

  it('calls onClose after every onMessage, also when onMessage holds messages back past the close', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `m${i}`);
    const url = await rawUpgradeServer((socket) => {
      socket.write(Buffer.concat([...texts.map((t) => frame(0x81, t)), closeFrame(1000, 'done')]));
    });
    const { calls, finished } = record(url, {
      onMessage: async (message) => {
        await new Promise((resolve) => setImmediate(resolve));
        calls.push(message.isText && message.isStrict ? message.text : '<binary>');
      },
    });
    await finished;
    assert.deepEqual(calls, ['open', ...texts, 'close 1000']);
  });

  it('keeps the order of messages and replies when onMessage answers a burst', async () => {
    const seen: string[] = [];
    const { calls, finished } = record(peer.url('ws', '/echo'), {
      onOpen: (connection) => {
        for (let i = 0; i < 100; i++) void connection.send(`a${i}`);
      },
      onMessage: (message, connection) => {
        const text = message.isText && message.isStrict ? message.text : '<binary>';
        seen.push(text);
        if (text.startsWith('a')) void connection.send(`b${text.slice(1)}`);
        else if (text === 'b99') void connection.close();
      },
    });
    await finished;
    const numbers = Array.from({ length: 100 }, (_, i) => i);
    assert.deepEqual(
      seen.filter((text) => text.startsWith('a')),
      numbers.map((i) => `a${i}`),
    );
    assert.deepEqual(
      seen.filter((text) => text.startsWith('b')),
      numbers.map((i) => `b${i}`),
    );
    assert.equal(calls.at(-1), 'close 1000');
  });
});
