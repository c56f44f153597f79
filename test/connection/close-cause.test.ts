// Tests: every path that closes a connection reports a close cause that says what happened —
// peer close, local close, handler failure, protocol error, limit (1009), idle timeout, close
// timeout, keep-alive, shutdown (1001), socket error (ECONNRESET), a close through the budget's
// entry point — with the Close frames on the wire, the phase, and the error, limit or timer; and
// the same cause reaches the client socket, the listener client, a client flow and an actor.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Connection, closeForCause } from '../../src/connection/connection.js';
import type { ConnectionOptions } from '../../src/connection/connection.js';
import { CloseCauseKinds } from '../../src/connection/close-cause.js';
import { ErrorCode, ProtocolError } from '../../src/errors.js';
import type { CloseCause } from '../../src/errors.js';
import {
  ClientCloseEvent,
  actorFlow,
  echo,
  fromSinkAndSource,
  map,
  openWebSocket,
  openWebSocketWithListener,
  serve,
  singleWebSocketRequest,
} from '../../src/index.js';
import type { CloseOutcome, Message } from '../../src/index.js';
import { MemoryLink } from '../../src/testkit/link.js';
import { ManualClock } from '../../src/time/clock.js';
import { connectionWithPeer, settle } from '../helpers/connection-setup.js';
import { duplexPair } from '../helpers/duplex-pair.js';
import { peerFrame, recordingProtocol } from '../helpers/peer-frames.js';
import { until } from '../client/support.js';
import { RawClient } from '../server/support.js';

/** A server Connection whose peer decodes what it gets but never writes a byte. */
function silentPeer(options: Partial<ConnectionOptions>): Connection {
  const [ours, theirs] = duplexPair();
  const connection = new Connection(ours, { ...options, side: 'server' });
  const { protocol } = recordingProtocol('client', { autoPong: false });
  theirs.on('data', (chunk: Buffer) => protocol.receiveData(chunk));
  return connection;
}

/** The cause without its error, and the error's stable code (or its name), for deepEqual. */
function shape(cause: CloseCause): object {
  const { error, ...rest } = cause;
  if (error === undefined) return rest;
  return { ...rest, error: (error as { code?: string }).code ?? (error as Error).message };
}

describe('close causes', () => {
  it('peer: the peer closed first', async () => {
    const { connection, peer } = connectionWithPeer();
    connection.runDetached(echo());
    peer.close(4000, 'bye');
    const { cause } = await connection.closed;
    assert.deepEqual(shape(cause), {
      kind: 'peer',
      phase: 'open',
      sent: { code: 4000, reason: '' },
      received: { code: 4000, reason: 'bye' },
    });
  });

  it('local: this side closed', async () => {
    const { connection } = connectionWithPeer();
    const { cause } = await connection.close(1000, 'done');
    assert.deepEqual(shape(cause), {
      kind: 'local',
      phase: 'open',
      sent: { code: 1000, reason: 'done' },
      received: { code: 1000, reason: '' },
    });
  });

  it("handler: the application's code failed (1011), with its error", async () => {
    const { connection, peer } = connectionWithPeer();
    const boom = new Error('boom');
    connection.runDetached(
      map(() => {
        throw boom;
      }),
    );
    peer.text('hi');
    const { cause } = await connection.closed;
    assert.equal(cause.kind, 'handler');
    assert.equal(cause.error, boom);
    assert.deepEqual(cause.sent, { code: 1011, reason: 'internal error' });
  });

  it('protocol: the peer sent a bad frame (1002), with the ProtocolError', async () => {
    const { connection, peer } = connectionWithPeer();
    connection.runDetached(echo());
    peer.socket.write(peerFrame('server', 0x83, 'x')); // a reserved opcode
    const { cause } = await connection.closed;
    assert.equal(cause.kind, 'protocol');
    assert.equal(cause.phase, 'open');
    assert.ok(cause.error instanceof ProtocolError);
    assert.equal(cause.error.code, ErrorCode.InvalidOpcode);
    assert.equal(cause.sent?.code, 1002);
  });

  it('limit: a message over maxMessageBytes (1009), with the limit and its value', async () => {
    const { connection, peer } = connectionWithPeer({ maxMessageBytes: 10 });
    connection.runDetached(echo());
    peer.text('eleven char');
    const { cause } = await connection.closed;
    assert.equal(cause.kind, 'limit');
    assert.deepEqual(cause.limit, { name: 'maxMessageBytes', value: 10 });
    assert.equal((cause.error as ProtocolError).code, ErrorCode.MessageTooBig);
    assert.equal(cause.sent?.code, 1009);
  });

  it('timeout: the idle timeout (1001), with the timer', async () => {
    const clock = new ManualClock();
    const { connection } = connectionWithPeer({ clock, idleTimeoutMs: 1000 });
    for (let i = 0; i < 8 && connection.state !== 'CLOSED'; i++) {
      clock.advance(500);
      await settle();
    }
    const { cause } = await connection.closed;
    assert.deepEqual(shape(cause), {
      kind: 'timeout',
      phase: 'open',
      sent: { code: 1001, reason: 'idle timeout' },
      received: { code: 1001, reason: '' },
      timer: { name: 'idleTimeoutMs', ms: 1000 },
    });
  });

  it('timeout: the close timeout, when the peer never answers our Close', async () => {
    const clock = new ManualClock();
    const connection = silentPeer({ clock, closeTimeoutMs: 500 });
    const closed = connection.close(1000);
    await settle();
    clock.advance(500);
    const { code, cause } = await closed;
    assert.equal(code, 1006);
    assert.deepEqual(shape(cause), {
      kind: 'timeout',
      phase: 'closing',
      sent: { code: 1000, reason: '' },
      timer: { name: 'closeTimeoutMs', ms: 500 },
    });
  });

  it('keep-alive: no Pong in time (1011), with the timer and the error', async () => {
    const clock = new ManualClock();
    const connection = silentPeer({ clock, keepAlive: { maxIdleMs: 1000, pongTimeoutMs: 500 } });
    for (let i = 0; i < 16 && connection.state !== 'CLOSED'; i++) {
      clock.advance(250);
      await settle();
    }
    const { code, cause } = await connection.closed;
    assert.equal(code, 1006);
    assert.deepEqual(shape(cause), {
      kind: 'keep-alive',
      phase: 'open',
      sent: { code: 1011, reason: 'keepalive ping timeout' },
      error: ErrorCode.KeepAliveTimeout,
      timer: { name: 'keepAlive.pongTimeoutMs', ms: 500 },
    });
  });

  it('shutdown: the server closed (1001)', async () => {
    const server = await serve({ port: 0, host: '127.0.0.1', flow: echo() });
    const client = await RawClient.connect(server.address.port);
    await until(() => server.connections.size === 1);
    const [connection] = server.connections;
    const closing = server.close();
    const frame = await client.nextFrame(); // the server's Close
    client.send(0x8, frame.payload);
    const [{ cause }] = await Promise.all([connection.closed, closing]);
    assert.deepEqual(shape(cause), {
      kind: 'shutdown',
      phase: 'open',
      sent: { code: 1001, reason: 'server shutting down' },
      received: { code: 1001, reason: 'server shutting down' }, // what our raw client sent back
    });
  });

  it('transport: the socket was reset (ECONNRESET), with its error', async () => {
    const link = new MemoryLink();
    link.client.on('error', () => undefined); // the peer's end is reset too
    const connection = new Connection(link.server, { side: 'server' });
    connection.runDetached(echo());
    await settle();
    link.reset();
    const { code, cause } = await connection.closed;
    assert.equal(code, 1006);
    assert.deepEqual(shape(cause), { kind: 'transport', phase: 'open', error: 'ECONNRESET' });
  });

  it('transport: the peer ended the transport without a Close', async () => {
    const { connection, theirs } = connectionWithPeer();
    theirs.end();
    const { cause } = await connection.closed;
    assert.deepEqual(shape(cause), { kind: 'transport', phase: 'open' });
  });

  it('budget: a close through closeForCause carries its kind, its limit and its code', async () => {
    assert.ok(CloseCauseKinds.includes('budget'));
    const { connection } = connectionWithPeer();
    const limit = { name: 'maxBufferedBytes', value: 64 * 1024 * 1024 };
    closeForCause(connection, 1013, 'memory budget', { kind: 'budget', limit });
    const { cause } = await connection.closed;
    assert.deepEqual(shape(cause), {
      kind: 'budget',
      phase: 'open',
      sent: { code: 1013, reason: 'memory budget' },
      received: { code: 1013, reason: '' },
      limit,
    });
  });
});

describe('the close cause reaches every API', () => {
  it('the client socket, the listener client, a client flow and a socket actor', async () => {
    const actorStops: CloseOutcome[] = [];
    const flow = actorFlow<Message, string>(({ stop }) => ({
      onMessage: () => stop(4001, 'enough'),
      onStop: (outcome) => void actorStops.push(outcome),
    }));
    const server = await serve({ port: 0, host: '127.0.0.1', flow });
    try {
      const socket = await openWebSocket(server.url);
      await socket.send('hi');
      const event = await socket.receive();
      assert.ok(event instanceof ClientCloseEvent);
      assert.equal(event.cause.kind, 'peer');
      assert.deepEqual(event.cause.received, { code: 4001, reason: 'enough' });
      assert.equal((await socket.closed).cause.kind, 'peer');

      const listenerOutcome = new Promise<CloseOutcome>((resolve) => {
        void openWebSocketWithListener(server.url, {
          onOpen: (connection) => void connection.send('hi'),
          onClose: resolve,
        });
      });
      assert.equal((await listenerOutcome).cause.kind, 'peer');

      const hiThenWait = async function* () {
        yield 'hi';
        await new Promise(() => undefined); // the client never ends its side: the server does
      };
      const { closed } = singleWebSocketRequest(
        server.url,
        fromSinkAndSource(() => undefined, hiThenWait()),
      );
      assert.equal((await closed).cause.kind, 'peer');

      await until(() => actorStops.length === 3);
      assert.deepEqual(
        actorStops.map((outcome) => outcome.cause.kind),
        ['local', 'local', 'local'],
      );
    } finally {
      await server.close();
    }
  });
});
