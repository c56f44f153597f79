// wsflow client and wsflow server over HTTP/2 (RFC 8441), h2c and TLS: payloads, fragments,
// compression, closes from both sides, several WebSockets on one session, the fall back to
// HTTP/1.1, refusals, a bad frame on one stream, the bound on streams, and backpressure per stream.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createSecureServer } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import {
  ConnectionClosed,
  HandshakeError,
  Router,
  accept,
  attachWebSocket,
  echo,
  handleWebSocketRequestWith,
  map,
  openWebSocket,
  reject,
} from '../../src/index.js';
import type { CloseOutcome, MessageLike, WebSocketUpgrade } from '../../src/index.js';
import { makeCertificate } from '../helpers/tls.js';
import { extendedConnect, http2Server, openSession } from './support.js';
import type { Http2Fixture } from './support.js';

const fixtures: Http2Fixture[] = [];
after(() => Promise.all(fixtures.map((fixture) => fixture.stop())));

async function started(...args: Parameters<typeof http2Server>): Promise<Http2Fixture> {
  const fixture = await http2Server(...args);
  fixtures.push(fixture);
  return fixture;
}

const echoAll = (upgrade: WebSocketUpgrade): void => void upgrade.handleMessages(echo());

/** The ws: or wss: URL of a fixture's path. */
function wsUrl(fixture: Pick<Http2Fixture, 'origin'>, path = '/'): string {
  return `${fixture.origin.replace(/^http/, 'ws')}${path}`;
}

/** The TLS options that trust a fixture's certificate. */
function tlsOf(fixture: Pick<Http2Fixture, 'cert'>): { ca?: string } {
  return fixture.cert === undefined ? {} : { ca: fixture.cert };
}

describe('wsflow client and server over HTTP/2', () => {
  for (const tls of [false, true]) {
    const name = tls ? 'TLS' : 'h2c';

    it(`exchanges text, binary, fragmented and large messages on a stream (${name})`, async () => {
      let serverSaw: Promise<CloseOutcome> | undefined;
      const fixture = await started(
        (upgrade) => void (serverSaw = upgrade.handleMessages(echo()).closed),
        { tls },
      );
      const socket = await openWebSocket({
        url: wsUrl(fixture),
        http2: true,
        tls: tlsOf(fixture),
        perMessageDeflate: false,
      });
      assert.equal(socket.response.status, 200);
      assert.equal(socket.response.perMessageDeflate, undefined);
      await socket.send('text');
      assert.equal(await socket.receiveText(), 'text');
      await socket.send(new Uint8Array([1, 2, 3]));
      assert.deepEqual([...(await socket.receiveBinary())], [1, 2, 3]);
      await socket.send('frag', { fin: false });
      await socket.send('ment', { continuation: true, fin: false });
      await socket.send('ed', { continuation: true });
      assert.equal(await socket.receiveText(), 'fragmented');
      const large = new Uint8Array(1 << 20).fill(7);
      await socket.send(large);
      assert.ok(Buffer.from(await socket.receiveBinary()).equals(large));
      const outcome = await socket.close(4001, 'client done');
      assert.deepEqual([outcome.code, outcome.wasClean], [4001, true]);
      const seen = await serverSaw;
      assert.deepEqual([seen?.code, seen?.reason, seen?.closedBy], [4001, 'client done', 'remote']);
    });

    it(`negotiates permessage-deflate on a stream (${name})`, async () => {
      const fixture = await started(echoAll, { tls, perMessageDeflate: true });
      const socket = await openWebSocket({ url: wsUrl(fixture), http2: true, tls: tlsOf(fixture) });
      assert.notEqual(socket.response.perMessageDeflate, undefined);
      assert.match(
        String(socket.response.headers['sec-websocket-extensions']),
        /permessage-deflate/,
      );
      const text = 'compressible '.repeat(10_000);
      await socket.send(text);
      assert.equal(await socket.receiveText(), text);
      await socket.close();
    });
  }

  it('refuses an http2 option that is neither a boolean nor a session', () => {
    assert.throws(
      () => openWebSocket({ url: 'ws://127.0.0.1:1/', http2: 'yes' as unknown as boolean }),
      TypeError,
    );
  });

  it('runs several WebSockets on one shared session, which outlives them', async () => {
    const fixture = await started(echoAll);
    const session = await openSession(fixture);
    const sockets = await Promise.all(
      [0, 1, 2, 3, 4].map(() => openWebSocket({ url: wsUrl(fixture), http2: session })),
    );
    assert.deepEqual(
      sockets.map((socket) => socket.response.status),
      [200, 200, 200, 200, 200],
    );
    assert.equal(fixture.attachment.connections.size, 5);
    assert.equal(fixture.sessions(), 1);
    await Promise.all(sockets.map((socket, i) => socket.send(`socket ${i}`)));
    for (const [i, socket] of sockets.entries()) {
      assert.equal(await socket.receiveText(), `socket ${i}`);
    }
    for (const socket of sockets) await socket.close();
    assert.equal(session.closed, false);
    const later = await openWebSocket({ url: wsUrl(fixture), http2: session });
    await later.send('later');
    assert.equal(await later.receiveText(), 'later');
    await later.close();
    session.close();
  });

  it('closes from the server with its code and reason; the session stays open', async () => {
    const fixture = await started((upgrade) => {
      upgrade.handleMessages(
        map(() => {
          throw new ConnectionClosed({ code: 4002, reason: 'server done' });
        }),
      );
    });
    const session = await openSession(fixture);
    const socket = await openWebSocket({ url: wsUrl(fixture), http2: session });
    await socket.send('bye');
    const outcome = await socket.closed;
    assert.deepEqual([outcome.code, outcome.reason, outcome.wasClean], [4002, 'server done', true]);
    assert.equal(session.closed, false);
    session.close();
  });

  it('gets a refused CONNECT as a HandshakeError with its status, headers and body', async () => {
    const router = new Router().route('/private', () =>
      reject(403, { headers: { 'x-reason': 'private' }, body: 'Forbidden\n' }),
    );
    const fixture = await started(router);
    const session = await openSession(fixture);
    const refused = await openWebSocket({ url: wsUrl(fixture, '/private'), http2: session }).then(
      () => assert.fail('expected a refusal'),
      (error: unknown) => error,
    );
    assert.ok(refused instanceof HandshakeError);
    assert.equal(refused.status, 403);
    assert.equal(refused.headers['x-reason'], 'private');
    assert.equal(refused.body, 'Forbidden\n');
    assert.equal(session.closed, false);
    session.close();
  });

  it('falls back to HTTP/1.1 when the server has no HTTP/2 (http2: true)', async () => {
    const certificate = makeCertificate();
    const server = createHttpsServer({ key: certificate.key, cert: certificate.cert });
    attachWebSocket(server, echoAll);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const socket = await openWebSocket({
        url: wsUrl({ origin }),
        http2: true,
        tls: { ca: certificate.cert },
      });
      assert.equal(socket.response.status, 101);
      await socket.send('over HTTP/1.1');
      assert.equal(await socket.receiveText(), 'over HTTP/1.1');
      await socket.close();
    } finally {
      server.closeAllConnections();
      server.close();
      certificate.dispose();
    }
  });

  it('falls back to HTTP/1.1 when the SETTINGS do not enable extended CONNECT', async () => {
    const certificate = makeCertificate();
    // HTTP/2 and HTTP/1.1 on one port, WebSocket over HTTP/1.1 only: no enableConnectProtocol.
    const server = createSecureServer({
      key: certificate.key,
      cert: certificate.cert,
      allowHTTP1: true,
    });
    server.on('upgrade', handleWebSocketRequestWith(echo()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const fixture = {
      origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
      cert: certificate.cert,
    };
    const session = await openSession(fixture);
    try {
      assert.equal(session.remoteSettings.enableConnectProtocol, false);
      for (const http2 of [session, true] as const) {
        const socket = await openWebSocket({ url: wsUrl(fixture), http2, tls: tlsOf(fixture) });
        assert.equal(socket.response.status, 101);
        await socket.send('fell back');
        assert.equal(await socket.receiveText(), 'fell back');
        await socket.close();
      }
    } finally {
      session.destroy();
      server.close();
      certificate.dispose();
    }
  });

  it('closes a stream that sends an unmasked frame with 1002; its session goes on', async () => {
    const fixture = await started(echoAll);
    const session = await openSession(fixture);
    const good = await openWebSocket({ url: wsUrl(fixture), http2: session });
    const { stream } = await extendedConnect(session, '/');
    let close = Buffer.alloc(0);
    const closeFrame = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        close = Buffer.concat([close, chunk]);
        if (close.length >= 4) resolve();
      });
    });
    stream.write(Buffer.from([0x81, 0x02, 0x68, 0x69])); // "hi", not masked
    await closeFrame;
    stream.end();
    assert.equal(close[0], 0x88);
    assert.equal(close.readUInt16BE(2), 1002);
    assert.equal(session.closed, false);
    await good.send('still here');
    assert.equal(await good.receiveText(), 'still here');
    await good.close();
    session.close();
  });

  it('holds a session to the server’s maxConcurrentStreams', async () => {
    let most = 0;
    const fixture = await started(
      (upgrade) => {
        const connection = upgrade.handleMessages(echo());
        most = Math.max(most, fixture.attachment.connections.size);
        return void connection;
      },
      { settings: { maxConcurrentStreams: 2 } },
    );
    const session = await openSession(fixture);
    assert.equal(session.remoteSettings.maxConcurrentStreams, 2);
    const first = await openWebSocket({ url: wsUrl(fixture), http2: session });
    const second = await openWebSocket({ url: wsUrl(fixture), http2: session });
    const third = openWebSocket({ url: wsUrl(fixture), http2: session });
    // The third waits for a stream: it opens once another closes.
    await second.send('two');
    assert.equal(await second.receiveText(), 'two');
    await first.close();
    const opened = await third;
    await opened.send('three');
    assert.equal(await opened.receiveText(), 'three');
    assert.equal(most, 2);
    await Promise.all([second.close(), opened.close()]);
    session.close();
  });

  it('a reader that stops stalls its own stream, not the others of its session', async () => {
    let producerSent = 0;
    const router = new Router()
      .route('/flood', () =>
        accept(async function* (): AsyncGenerator<MessageLike> {
          const chunk = new Uint8Array(64 * 1024);
          for (let i = 0; i < 1024; i++) {
            producerSent += chunk.length;
            yield chunk;
          }
        }),
      )
      .route('/echo', () => accept(echo()));
    const fixture = await started(router);
    const session = await openSession(fixture);
    const flood = await openWebSocket({ url: wsUrl(fixture, '/flood'), http2: session });
    const other = await openWebSocket({ url: wsUrl(fixture, '/echo'), http2: session });
    assert.equal(flood.response.status, 200);
    // The flood is never read here; the other socket still gets round trips through.
    for (let i = 0; i < 20; i++) {
      await other.send(`round trip ${i}`);
      assert.equal(await other.receiveText(), `round trip ${i}`);
    }
    assert.ok(producerSent < 16 * 1024 * 1024, `the flood stopped at ${producerSent} bytes`);
    await other.close();
    session.destroy();
  });
});
