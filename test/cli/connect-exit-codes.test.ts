// `wsflow connect`'s exit codes, each brought about by a server that misbehaves on purpose: a
// closed port, a server that never answers, one that breaks the protocol after a valid 101, one
// that drops the connection, one that closes with an error code.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { ConnectionClosed, serve } from '../../src/index.js';
import { runCli, startCli } from './support.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The sockets of each raw server, destroyed when it is closed. */
const socketsOf = new WeakMap<Server, Set<Socket>>();

/** A TCP server on 127.0.0.1 that hands each socket, with its request head, to `onSocket`. */
async function rawServer(onSocket: (socket: Socket, head: string) => void): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let head = '';
    socket.on('error', () => undefined);
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      onSocket(socket, head);
    };
    socket.on('data', onData);
  });
  socketsOf.set(server, sockets);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** A valid 101 for a request head. */
function switchingProtocols(head: string): string {
  const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? '';
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
}

function urlOf(server: Server): string {
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function closed(server: Server): Promise<void> {
  for (const socket of socketsOf.get(server) ?? []) socket.destroy();
  server.close();
  await once(server, 'close');
}

describe('wsflow connect exit codes', () => {
  it('3: connection refused, in one line', async () => {
    const server = await rawServer(() => undefined);
    const url = urlOf(server);
    await closed(server);
    const result = await runCli(['connect', url]);
    assert.equal(result.code, 3);
    assert.equal(result.stderr, `wsflow: ${url}: connection refused\n`);
  });

  it('6: the opening handshake times out (--connect-timeout)', async () => {
    const server = await rawServer(() => undefined); // never answers
    const result = await runCli(['connect', '--connect-timeout', '300ms', urlOf(server)]);
    assert.equal(result.code, 6);
    assert.match(
      result.stderr,
      /^wsflow: ws:\/\/127\.0\.0\.1:\d+\/: the opening handshake timed out$/m,
    );
    await closed(server);
  });

  it('5: the server breaks the protocol after a valid 101 (a reserved opcode)', async () => {
    const server = await rawServer((socket, head) => {
      socket.write(switchingProtocols(head));
      socket.write(Buffer.from([0x83, 0x00])); // FIN + opcode 3: reserved (RFC 6455 5.2)
      socket.on('data', () => undefined);
      socket.on('end', () => socket.end());
    });
    const cli = startCli(['connect', '--show-control', urlOf(server)]);
    assert.equal(await cli.exited, 5);
    assert.match(cli.stderr.all.join('\n'), /connection failed: .*opcode/i);
    assert.match(cli.stderr.all.join('\n'), /^close 10\d\d/m);
    await closed(server);
  });

  it('5: a message over --max-message-size (1009)', async () => {
    const server = await serve({
      port: 0,
      flow: async function* () {
        yield 'x'.repeat(2048);
        await new Promise(() => undefined); // stays open: the client closes
      },
    });
    const cli = startCli(['connect', '--max-message-size', '1k', server.url]);
    assert.equal(await cli.exited, 5);
    assert.match(cli.stderr.all.join('\n'), /over 1024 bytes/);
    await server.close({ timeoutMs: 100 });
  });

  it('6: the server does not answer pings (--ping-interval with --ping-timeout)', async () => {
    const server = await rawServer((socket, head) => {
      socket.write(switchingProtocols(head)); // then reads and ignores everything
      socket.on('data', () => undefined);
    });
    const args = ['connect', '--ping-interval', '100ms', '--ping-timeout', '100ms', urlOf(server)];
    const cli = startCli(args); // stdin stays open: the client does not close first
    assert.equal(await cli.exited, 6);
    assert.match(cli.stderr.all.join('\n'), /keepalive ping timeout/);
    await closed(server);
  });

  it('7: the connection ends without a close handshake (1006)', async () => {
    const server = await rawServer((socket, head) => {
      socket.write(switchingProtocols(head));
      socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69]), () => socket.destroy()); // 'hi', then gone
    });
    const cli = startCli(['connect', urlOf(server)]);
    assert.equal(await cli.stdout.next(), 'hi');
    assert.equal(await cli.exited, 7);
    assert.match(cli.stderr.all.join('\n'), /connection closed: 1006/);
    await closed(server);
  });

  it('8: the server closes with an error code', async () => {
    const server = await serve({
      port: 0,
      flow: async function* () {
        yield 'bye';
        throw new ConnectionClosed({ code: 4000, reason: 'go away' });
      },
    });
    const cli = startCli(['connect', server.url]);
    assert.equal(await cli.stdout.next(), 'bye');
    assert.equal(await cli.exited, 8);
    assert.deepEqual(cli.stderr.all, ['wsflow: connection closed: 4000 "go away" (peer)']);
    await server.close();
  });

  it('0: the server closes with 1001 (going away)', async () => {
    const server = await serve({
      port: 0,
      flow: async function* () {
        yield* []; // nothing to say: close at once
        throw new ConnectionClosed({ code: 1001 });
      },
    });
    const result = await runCli(['connect', server.url]);
    assert.equal(result.code, 0);
    await server.close();
  });
});
