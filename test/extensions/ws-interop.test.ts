// permessage-deflate against ws (npm) on loopback, both ways: wsflow server ↔ ws client and
// ws server ↔ wsflow client, for every window from 8 to 15 bits and every context takeover
// combination, negotiated from the client's offer and from the server's options.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { TextMessage, echo, openWebSocket, serve } from '../../src/index.js';
import type { PerMessageDeflateOptions, WebSocketServer as WsflowServer } from '../../src/index.js';

const WINDOWS = [8, 9, 10, 11, 12, 13, 14, 15];
const TAKEOVERS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

/** Highly compressible messages: what goes over the wire must be far smaller. */
const BIG_TEXT = 'wsflow compresses this text. '.repeat(2500);
const BIG_BINARY = Buffer.from(Array.from({ length: 30_000 }, (_, i) => (i >> 6) % 7));
const UNCOMPRESSED_TOTAL = 2 * (BIG_TEXT.length + BIG_BINARY.length);

/**
 * Messages for the release tests: similar ones that compress well only against each other, and
 * one past 32 KiB so the kept window wraps.
 */
function releaseMessages(): string[] {
  const words = Array.from({ length: 400 }, (_, i) => `w${(i * 7919) % 1000}`).join(' ');
  return Array.from({ length: 24 }, (_, i) => (i === 12 ? words.repeat(20) : `${i} ${words}`));
}

/** The options of one combination: both windows `bits`, each side's takeover as given. */
function combination(bits: number, serverReset: boolean, clientReset: boolean) {
  return {
    serverMaxWindowBits: bits,
    clientMaxWindowBits: bits,
    serverNoContextTakeover: serverReset,
    clientNoContextTakeover: clientReset,
  };
}

/** The answer the server must give for a combination, as ws and wsflow both write it. */
function expectedAnswer(bits: number, serverReset: boolean, clientReset: boolean): string[] {
  const params = ['permessage-deflate'];
  if (serverReset) params.push('server_no_context_takeover');
  if (clientReset) params.push('client_no_context_takeover');
  params.push(`server_max_window_bits=${bits}`, `client_max_window_bits=${bits}`);
  return params.sort();
}

const sorted = (header: string | undefined): string[] =>
  (header ?? '')
    .split(';')
    .map((part) => part.trim())
    .sort();

/** Two rounds of big text, big binary and a small text through a ws client; returns wire bytes. */
async function roundTripWithWsClient(
  url: string,
  offer: WebSocket.PerMessageDeflateOptions | true,
) {
  const ws = new WebSocket(url, { perMessageDeflate: offer });
  const upgraded = once(ws, 'upgrade') as Promise<[IncomingMessage]>;
  await once(ws, 'open');
  const [response] = await upgraded;
  const messages: { data: Buffer; isBinary: boolean }[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => messages.push({ data, isBinary }));
  for (let round = 0; round < 2; round++) {
    ws.send(BIG_TEXT);
    ws.send(BIG_BINARY);
    ws.send('ok');
  }
  while (messages.length < 6) await once(ws, 'message');
  for (let round = 0; round < 2; round++) {
    const [text, binary, small] = messages.slice(round * 3, round * 3 + 3);
    assert.deepEqual([text.isBinary, text.data.toString()], [false, BIG_TEXT]);
    assert.deepEqual([binary.isBinary, binary.data], [true, BIG_BINARY]);
    assert.equal(small.data.toString(), 'ok');
  }
  const socket = (
    ws as unknown as { _socket: Duplex & { bytesRead: number; bytesWritten: number } }
  )._socket;
  const wire = { read: socket.bytesRead, written: socket.bytesWritten };
  ws.close();
  await once(ws, 'close');
  return { answer: response.headers['sec-websocket-extensions'], wire };
}

describe('wsflow server ↔ ws client', () => {
  let server: WsflowServer;
  before(async () => {
    // /offer: accept what the client offers; /impose/<bits>/<s>/<c>: the server's options.
    server = await serve({
      port: 0,
      handler: (upgrade) => {
        const [, mode, bits, s, c] = (upgrade.request.url ?? '').split('/');
        const perMessageDeflate =
          mode === 'impose'
            ? combination(Number(bits), s === '1', c === '1')
            : mode === 'release'
              ? { contextIdleMs: 0, threshold: 0 }
              : true;
        upgrade.handleMessages(echo(), { perMessageDeflate });
      },
    });
  });
  after(() => server.close());

  for (const bits of WINDOWS) {
    it(`negotiates the client's offer with ${bits}-bit windows, each takeover combination`, async () => {
      for (const [s, c] of TAKEOVERS) {
        const offer = { ...combination(bits, s, c), threshold: 0 };
        const { answer, wire } = await roundTripWithWsClient(`${server.url}/offer`, offer);
        assert.deepEqual(sorted(answer), expectedAnswer(bits, s, c));
        assert.ok(wire.read < UNCOMPRESSED_TOTAL / 4, `read ${wire.read}`);
        assert.ok(wire.written < UNCOMPRESSED_TOTAL / 4, `written ${wire.written}`);
      }
    });

    it(`imposes its own ${bits}-bit windows and takeover settings on ws's default offer`, async () => {
      for (const [s, c] of TAKEOVERS) {
        const url = `${server.url}/impose/${bits}/${s ? 1 : 0}/${c ? 1 : 0}`;
        const { answer } = await roundTripWithWsClient(url, true);
        assert.deepEqual(sorted(answer), expectedAnswer(bits, s, c));
      }
    });
  }

  it('releases its zlib streams after every message; ws (context takeover) still agrees', async () => {
    const ws = new WebSocket(`${server.url}/release`, { perMessageDeflate: { threshold: 0 } });
    await once(ws, 'open');
    const echoes: Buffer[] = [];
    const messages = releaseMessages();
    const allEchoed = new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        if (echoes.push(data) === messages.length) resolve();
      });
      ws.once('close', (code) => reject(new Error(`closed (${code}) after ${echoes.length}`)));
    });
    for (const message of messages) ws.send(message);
    await allEchoed;
    echoes.forEach((echoed, i) => assert.equal(echoed.toString(), messages[i]));
    const socket = (ws as unknown as { _socket: { bytesRead: number } })._socket;
    const total = messages.reduce((sum, message) => sum + message.length, 0);
    assert.ok(socket.bytesRead < total / 8, `read ${socket.bytesRead} of ${total}`);
    ws.close();
    await once(ws, 'close');
  });

  it('receives a fragmented compressed message from ws and echoes it', async () => {
    const ws = new WebSocket(server.url, { perMessageDeflate: { threshold: 0 } });
    await once(ws, 'open');
    ws.send('fragment one, ', { fin: false });
    ws.send('fragment two, ', { fin: false });
    ws.send('and the end', { fin: true });
    const [data] = (await once(ws, 'message')) as [Buffer];
    assert.equal(data.toString(), 'fragment one, fragment two, and the end');
    ws.close();
    await once(ws, 'close');
  });
});

/** A ws server per combination, behind one http.Server: /offer/..., /impose/<bits>/<s>/<c>. */
function startWsServers(): Promise<{
  http: Server;
  port: number;
  sockets: Set<WebSocket>;
  wire: { read: number; written: number };
}> {
  const servers = new Map<string, WebSocketServer>();
  const sockets = new Set<WebSocket>();
  const wire = { read: 0, written: 0 };
  const http = createServer();
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const [, mode, bits, s, c] = (request.url ?? '').split('/');
    const key = mode === 'impose' ? (request.url ?? '') : 'offer';
    let wss = servers.get(key);
    if (wss === undefined) {
      const perMessageDeflate =
        mode === 'impose'
          ? { ...combination(Number(bits), s === '1', c === '1'), threshold: 0 }
          : { threshold: 0 };
      wss = new WebSocketServer({ noServer: true, perMessageDeflate });
      servers.set(key, wss);
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      const raw = (ws as unknown as { _socket: { bytesRead: number; bytesWritten: number } })
        ._socket;
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        ws.send(data, { binary: isBinary }, () => {
          wire.read = raw.bytesRead;
          wire.written = raw.bytesWritten;
        });
      });
    });
  });
  return new Promise((resolve) =>
    http.listen(0, '127.0.0.1', () =>
      resolve({ http, port: (http.address() as AddressInfo).port, sockets, wire }),
    ),
  );
}

describe('ws server ↔ wsflow client', () => {
  let peer: Awaited<ReturnType<typeof startWsServers>>;
  before(async () => {
    peer = await startWsServers();
  });
  after(async () => {
    for (const ws of peer.sockets) ws.terminate();
    await new Promise((resolve) => peer.http.close(resolve));
  });

  /** Two rounds through a wsflow client; returns the agreed parameters. */
  async function roundTrip(path: string, perMessageDeflate: PerMessageDeflateOptions | true) {
    const socket = await openWebSocket({
      url: `ws://127.0.0.1:${peer.port}${path}`,
      perMessageDeflate: { ...(perMessageDeflate === true ? {} : perMessageDeflate), threshold: 0 },
    });
    for (let round = 0; round < 2; round++) {
      await socket.send(BIG_TEXT);
      await socket.send(BIG_BINARY);
      await socket.send('ok');
      assert.equal(await socket.receiveText(), BIG_TEXT);
      assert.deepEqual(Buffer.from(await socket.receiveBinary()), BIG_BINARY);
      assert.equal(await socket.receiveText(), 'ok');
    }
    // Both directions went compressed: the ws server read and wrote far less than was sent.
    assert.ok(peer.wire.read < UNCOMPRESSED_TOTAL / 4, `read ${peer.wire.read}`);
    assert.ok(peer.wire.written < UNCOMPRESSED_TOTAL / 4, `written ${peer.wire.written}`);
    await socket.close();
    return socket.response.perMessageDeflate?.params;
  }

  it('releases its zlib streams after every message; the ws server (takeover) still agrees', async () => {
    const socket = await openWebSocket({
      url: `ws://127.0.0.1:${peer.port}/offer`,
      perMessageDeflate: { contextIdleMs: 0, threshold: 0 },
    });
    const messages = releaseMessages();
    for (const message of messages) await socket.send(message);
    for (const message of messages) assert.equal(await socket.receiveText(), message);
    const total = messages.reduce((sum, message) => sum + message.length, 0);
    assert.ok(peer.wire.read < total / 8, `read ${peer.wire.read} of ${total}`);
    await socket.close();
  });

  for (const bits of WINDOWS) {
    it(`offers ${bits}-bit windows and each takeover combination; ws accepts`, async () => {
      for (const [s, c] of TAKEOVERS) {
        const params = await roundTrip('/offer', combination(bits, s, c));
        assert.deepEqual(params, {
          serverNoContextTakeover: s,
          clientNoContextTakeover: c,
          serverMaxWindowBits: bits,
          clientMaxWindowBits: bits,
        });
      }
    });

    it(`follows a ws server that imposes ${bits}-bit windows and takeover settings`, async () => {
      for (const [s, c] of TAKEOVERS) {
        const params = await roundTrip(`/impose/${bits}/${s ? 1 : 0}/${c ? 1 : 0}`, true);
        assert.deepEqual(params, {
          serverNoContextTakeover: s,
          clientNoContextTakeover: c,
          serverMaxWindowBits: bits,
          clientMaxWindowBits: bits,
        });
      }
    });
  }

  it('sends a Streamed message compressed, frame by frame, and ws inflates it', async () => {
    const socket = await openWebSocket(`ws://127.0.0.1:${peer.port}/offer`);
    assert.ok(socket.response.perMessageDeflate !== undefined);
    const parts = ['streamed, ', 'compressed '.repeat(500), 'and done'];
    await socket.send(TextMessage.streamed(ReadableStream.from(parts)));
    assert.equal(await socket.receiveText(), parts.join(''));
    await socket.close();
  });

  it('offers nothing with perMessageDeflate: false', async () => {
    const socket = await openWebSocket({
      url: `ws://127.0.0.1:${peer.port}/offer`,
      perMessageDeflate: false,
    });
    assert.equal(socket.response.perMessageDeflate, undefined);
    assert.equal(socket.response.headers['sec-websocket-extensions'], undefined);
    await socket.send(BIG_TEXT);
    assert.equal(await socket.receiveText(), BIG_TEXT);
    await socket.close();
  });
});
