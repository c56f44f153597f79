// Tests: the node:diagnostics_channel channels fire with their documented payloads, on the
// server and the client: connection open and close (the same cause the handler sees, a
// duration), handshakes accepted and rejected (status, reason, path), errors (handler, protocol,
// transport), messages in and out (counted in payload bytes on the wire, a hub's prepared frames
// and compressed ones included), and backpressure; and nothing is timed for a connection that
// started before anyone listened.

import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, it } from 'node:test';
import {
  ConnectionClosed,
  DiagnosticChannels,
  HandshakeError,
  Hub,
  TextMessage,
  echo,
  map,
  openWebSocket,
  serve,
} from '../../src/index.js';
import type {
  CloseOutcome,
  Connection,
  ConnectionCloseDiagnostic,
  ConnectionOpenDiagnostic,
  ErrorDiagnostic,
  HandshakeAcceptedDiagnostic,
  HandshakeRejectedDiagnostic,
  MessageDiagnostic,
  PingRoundTripDiagnostic,
  ServeOptions,
  WebSocketServer,
} from '../../src/index.js';
import { connectionWithPeer, settle } from '../helpers/connection-setup.js';
import { until } from '../client/support.js';
import { RawClient } from '../server/support.js';
import { extendedConnect, http2Server, openSession } from '../http2/support.js';

type ChannelName = (typeof DiagnosticChannels)[keyof typeof DiagnosticChannels];

/** Records what every wsflow channel publishes, in order, until stopped. */
function recordChannels(): {
  events: { channel: ChannelName; payload: unknown }[];
  of<T>(channel: ChannelName): T[];
  /** Resolves once `channel` has published `count` payloads. */
  published(channel: ChannelName, count: number): Promise<void>;
  stop(): void;
} {
  const events: { channel: ChannelName; payload: unknown }[] = [];
  const waiting = new Set<() => void>();
  const of = <T>(channel: ChannelName): T[] =>
    events.filter((event) => event.channel === channel).map((event) => event.payload as T);
  const listeners = Object.values(DiagnosticChannels).map((channel) => {
    const listener = (payload: unknown): void => {
      events.push({ channel, payload });
      for (const wake of [...waiting]) wake();
    };
    subscribe(channel, listener);
    return { channel, listener };
  });
  return {
    events,
    of,
    published: (channel, count) =>
      new Promise<void>((resolve) => {
        const wake = (): void => {
          if (of(channel).length < count) return;
          waiting.delete(wake);
          resolve();
        };
        waiting.add(wake);
        wake();
      }),
    stop: () => {
      for (const { channel, listener } of listeners) unsubscribe(channel, listener);
    },
  };
}

async function withServer(
  options: ServeOptions,
  run: (server: WebSocketServer) => Promise<void>,
): Promise<void> {
  const server = await serve({ ...options, port: 0 } as ServeOptions);
  try {
    await run(server);
  } finally {
    await server.close({ timeoutMs: 1000 });
  }
}

const { connectionOpen, connectionClose, handshakeAccepted, handshakeRejected } =
  DiagnosticChannels;

describe('diagnostics channels', () => {
  it('names every channel under wsflow:', () => {
    assert.deepEqual(Object.values(DiagnosticChannels), [
      'wsflow:connection:open',
      'wsflow:connection:close',
      'wsflow:handshake:accepted',
      'wsflow:handshake:rejected',
      'wsflow:error',
      'wsflow:message',
      'wsflow:backpressure',
      'wsflow:ping:rtt',
    ]);
  });

  it('open, handshake accepted, messages and close, on the server and the client', async () => {
    const recorder = recordChannels();
    try {
      let serverOutcome: CloseOutcome | undefined;
      await withServer(
        {
          handler: (upgrade) => {
            const connection = upgrade.handleMessages(echo());
            connection.onClosed((outcome) => (serverOutcome = outcome));
          },
        },
        async (server) => {
          const socket = await openWebSocket(`${server.url}/chat?token=secret`);
          socket.send('hello');
          await recorder.published(DiagnosticChannels.message, 4);
          await socket.close(4000, 'done');
          await recorder.published(connectionClose, 2);
        },
      );
      const opens = recorder.of<ConnectionOpenDiagnostic>(connectionOpen);
      assert.deepEqual(
        opens.map((open) => open.side),
        ['server', 'client'],
      );
      const [serverConnection, clientConnection] = opens.map((open) => open.connection);
      assert.equal(serverConnection.side, 'server');

      const accepted = recorder.of<HandshakeAcceptedDiagnostic>(handshakeAccepted);
      assert.deepEqual(
        accepted.map(({ connection, side, status, path, subprotocol }) => ({
          connection,
          side,
          status,
          path,
          subprotocol,
        })),
        [
          {
            connection: serverConnection,
            side: 'server',
            status: 101,
            path: '/chat',
            subprotocol: undefined,
          },
          {
            connection: clientConnection,
            side: 'client',
            status: 101,
            path: '/chat',
            subprotocol: undefined,
          },
        ],
      );
      assert.equal(accepted[0].request?.url, '/chat?token=secret');
      assert.equal(accepted[1].url?.pathname, '/chat');
      // The open of each connection comes before its accepted handshake.
      const order = recorder.events.map((event) => event.channel);
      assert.ok(order.indexOf(connectionOpen) < order.indexOf(handshakeAccepted));

      const messages = recorder.of<MessageDiagnostic>(DiagnosticChannels.message);
      assert.deepEqual(
        messages.map(({ connection, direction, kind, bytes, compressed }) => ({
          side: connection.side,
          direction,
          kind,
          bytes,
          compressed,
        })),
        [
          { side: 'client', direction: 'out', kind: 'text', bytes: 5, compressed: false },
          { side: 'server', direction: 'in', kind: 'text', bytes: 5, compressed: false },
          { side: 'server', direction: 'out', kind: 'text', bytes: 5, compressed: false },
          { side: 'client', direction: 'in', kind: 'text', bytes: 5, compressed: false },
        ],
      );

      const closes = recorder.of<ConnectionCloseDiagnostic>(connectionClose);
      const serverClose = closes.find((close) => close.side === 'server');
      assert.ok(serverClose !== undefined && serverOutcome !== undefined);
      assert.equal(serverClose.connection, serverConnection);
      assert.equal(serverClose.code, 4000);
      assert.equal(serverClose.reason, 'done');
      assert.equal(serverClose.wasClean, true);
      // The very cause the handler's onClosed got.
      assert.equal(serverClose.cause, serverOutcome.cause);
      assert.equal(serverClose.cause.kind, 'peer');
      assert.ok(typeof serverClose.durationMs === 'number' && serverClose.durationMs >= 0);
      const clientClose = closes.find((close) => close.side === 'client');
      assert.equal(clientClose?.connection, clientConnection);
      assert.equal(clientClose?.cause.kind, 'local');
      assert.deepEqual(recorder.of(DiagnosticChannels.error), []);
    } finally {
      recorder.stop();
    }
  });

  it('handshake rejected: the server says why, the client gives its error code', async () => {
    const recorder = recordChannels();
    try {
      await withServer(
        {
          path: '/chat',
          handler: (upgrade) => upgrade.reject(403, { body: 'Forbidden\n' }),
        },
        async (server) => {
          const refused = await openWebSocket(`${server.url}/chat`).catch(
            (error: unknown) => error,
          );
          assert.ok(refused instanceof HandshakeError);
          const missing = await openWebSocket(`${server.url}/other?x=1`).catch((e: unknown) => e);
          assert.ok(missing instanceof HandshakeError);
        },
      );
      const rejected = recorder.of<HandshakeRejectedDiagnostic>(handshakeRejected);
      assert.deepEqual(
        rejected.map(({ side, status, reason, path }) => ({ side, status, reason, path })),
        [
          { side: 'server', status: 403, reason: 'rejected', path: '/chat' },
          { side: 'client', status: 403, reason: 'WSFLOW_ERR_HANDSHAKE_STATUS', path: '/chat' },
          { side: 'server', status: 404, reason: 'not-found', path: '/other' },
          { side: 'client', status: 404, reason: 'WSFLOW_ERR_HANDSHAKE_STATUS', path: '/other' },
        ],
      );
      assert.ok(rejected[1].error instanceof HandshakeError);
      assert.deepEqual(recorder.of(connectionOpen), []);
    } finally {
      recorder.stop();
    }
  });

  it('a handler that throws before accepting: rejected (500) and an error without a connection', async () => {
    const recorder = recordChannels();
    const failure = new Error('no database');
    try {
      await withServer(
        {
          onError: () => {},
          handler: () => {
            throw failure;
          },
        },
        async (server) => {
          await openWebSocket(server.url).catch(() => undefined);
        },
      );
      const [rejected] = recorder.of<HandshakeRejectedDiagnostic>(handshakeRejected);
      assert.equal(rejected.status, 500);
      assert.equal(rejected.reason, 'handler-error');
      assert.equal(rejected.error, failure);
      assert.deepEqual(recorder.of<ErrorDiagnostic>(DiagnosticChannels.error), [
        { connection: undefined, side: 'server', source: 'handler', error: failure },
      ]);
    } finally {
      recorder.stop();
    }
  });

  it('over HTTP/2: accepted with 200, a path nobody claims rejected with 404', async () => {
    const recorder = recordChannels();
    const fixture = await http2Server((upgrade) => void upgrade.handleMessages(echo()), {
      path: '/chat',
    });
    try {
      const session = await openSession(fixture);
      const url = `ws${fixture.origin.slice('http'.length)}/chat?room=1`;
      const socket = await openWebSocket({ url, http2: session });
      const missing = await extendedConnect(session, '/other');
      assert.equal(missing.response[':status'], 404);
      await socket.close();
      session.close();
      const accepted = recorder.of<HandshakeAcceptedDiagnostic>(handshakeAccepted);
      assert.deepEqual(
        accepted.map(({ side, status, path }) => ({ side, status, path })),
        [
          { side: 'server', status: 200, path: '/chat' },
          { side: 'client', status: 200, path: '/chat' },
        ],
      );
      const [rejected] = recorder.of<HandshakeRejectedDiagnostic>(handshakeRejected);
      assert.deepEqual(
        { status: rejected.status, reason: rejected.reason, path: rejected.path },
        { status: 404, reason: 'not-found', path: '/other' },
      );
    } finally {
      recorder.stop();
      await fixture.stop();
    }
  });

  it('a client that cannot connect: rejected without a status, with the network error', async () => {
    const recorder = recordChannels();
    try {
      const server = await serve({ port: 0, flow: echo() });
      const { url } = server;
      await server.close();
      await openWebSocket(url).catch(() => undefined);
      const [rejected] = recorder.of<HandshakeRejectedDiagnostic>(handshakeRejected);
      assert.equal(rejected.side, 'client');
      assert.equal(rejected.status, undefined);
      assert.equal(rejected.reason, 'WSFLOW_ERR_HANDSHAKE_NETWORK');
    } finally {
      recorder.stop();
    }
  });

  it('errors: the handler (its error, once), the peer (protocol), the transport', async () => {
    const recorder = recordChannels();
    try {
      const failure = new Error('handler failed');
      const handler = connectionWithPeer();
      handler.connection.runDetached(
        map(() => {
          throw failure;
        }),
      );
      handler.peer.text('one').text('two').flush();
      const handlerOutcome = await handler.connection.closed;

      const protocol = connectionWithPeer({ maxMessageBytes: 4 });
      protocol.connection.runDetached(echo());
      protocol.peer.text('too long').flush();
      const protocolOutcome = await protocol.connection.closed;

      const transport = connectionWithPeer();
      transport.connection.runDetached(echo());
      const reset = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      transport.ours.destroy(reset);
      const transportOutcome = await transport.connection.closed;

      const errors = recorder.of<ErrorDiagnostic>(DiagnosticChannels.error);
      assert.deepEqual(
        errors.map(({ connection, side, source, error }) => ({ connection, side, source, error })),
        [
          { connection: handler.connection, side: 'server', source: 'handler', error: failure },
          {
            connection: protocol.connection,
            side: 'server',
            source: 'protocol',
            error: protocolOutcome.cause.error,
          },
          { connection: transport.connection, side: 'server', source: 'transport', error: reset },
        ],
      );
      assert.equal(handlerOutcome.cause.error, failure);
      assert.equal(
        (protocolOutcome.cause.error as { code?: string }).code,
        'WSFLOW_ERR_MESSAGE_TOO_BIG',
      );
      assert.equal(transportOutcome.cause.kind, 'transport');
    } finally {
      recorder.stop();
    }
  });

  it('a close thrown on purpose is no error', async () => {
    const recorder = recordChannels();
    try {
      const { connection, peer } = connectionWithPeer();
      connection.runDetached(
        map(() => {
          throw new ConnectionClosed({ code: 4001, reason: 'go away' });
        }),
      );
      peer.text('hi').flush();
      const outcome = await connection.closed;
      assert.equal(outcome.code, 4001);
      assert.deepEqual(recorder.of(DiagnosticChannels.error), []);
    } finally {
      recorder.stop();
    }
  });

  it('messages: compressed ones count their compressed bytes; a Streamed one counts once', async () => {
    const recorder = recordChannels();
    try {
      const text = 'a'.repeat(4000);
      await withServer(
        {
          perMessageDeflate: true,
          flow: map((message) =>
            message.isText && message.isStrict
              ? TextMessage.streamed([message.text.slice(0, 10), message.text.slice(10)])
              : undefined,
          ),
        },
        async (server) => {
          const socket = await openWebSocket({ url: server.url, perMessageDeflate: true });
          socket.send(text);
          await recorder.published(DiagnosticChannels.message, 4);
          await socket.close();
        },
      );
      const [clientOut, serverIn, serverOut, clientIn] = recorder.of<MessageDiagnostic>(
        DiagnosticChannels.message,
      );
      assert.deepEqual(
        [clientOut, serverIn].map(({ direction, kind, compressed }) => ({
          direction,
          kind,
          compressed,
        })),
        [
          { direction: 'out', kind: 'text', compressed: true },
          { direction: 'in', kind: 'text', compressed: true },
        ],
      );
      assert.ok(clientOut.bytes < text.length / 10, `${clientOut.bytes} compressed bytes`);
      assert.equal(serverIn.bytes, clientOut.bytes);
      assert.equal(serverOut.direction, 'out');
      assert.equal(clientIn.bytes, serverOut.bytes);
      assert.equal(clientIn.direction, 'in');
    } finally {
      recorder.stop();
    }
  });

  it('messages: a Streamed message sent in several frames is one message of all their bytes', async () => {
    const recorder = recordChannels();
    try {
      const { connection, peer } = connectionWithPeer();
      connection.runDetached(map(() => TextMessage.streamed(['hello ', 'streamed ', 'world'])));
      peer.text('go').flush();
      await recorder.published(DiagnosticChannels.message, 2);
      const [, out] = recorder.of<MessageDiagnostic>(DiagnosticChannels.message);
      assert.deepEqual(
        { direction: out.direction, kind: out.kind, bytes: out.bytes },
        { direction: 'out', kind: 'text', bytes: 'hello streamed world'.length },
      );
      await connection.close();
    } finally {
      recorder.stop();
    }
  });

  it("messages: a hub's prepared frames are read for their messages", async () => {
    const recorder = recordChannels();
    try {
      const hub = new Hub();
      await withServer(
        {
          handler: (upgrade) =>
            void upgrade.handleMessages(
              hub.join((member) => {
                member.subscribe('news');
                return map(() => undefined);
              }),
            ),
        },
        async (server) => {
          const socket = await openWebSocket(server.url);
          await until(() => hub.subscriberCount('news') === 1);
          hub.publish('news', 'extra');
          hub.publish('news', Uint8Array.of(1, 2, 3));
          await recorder.published(DiagnosticChannels.message, 4);
          await socket.close();
        },
      );
      const sent = recorder
        .of<MessageDiagnostic>(DiagnosticChannels.message)
        .filter((message) => message.direction === 'out');
      assert.deepEqual(
        sent.map(({ connection, kind, bytes }) => ({ side: connection.side, kind, bytes })),
        [
          { side: 'server', kind: 'text', bytes: 5 },
          { side: 'server', kind: 'binary', bytes: 3 },
        ],
      );
    } finally {
      recorder.stop();
    }
  });

  it('backpressure: a send that waits for a peer that does not read is told, with the buffer', async () => {
    const recorder = recordChannels();
    try {
      const { connection, theirs } = connectionWithPeer({}, { highWaterMark: 1024 });
      theirs.pause();
      await settle();
      let waited = false;
      for (let i = 0; i < 64 && !waited; i++) {
        const sent = connection.send(new Uint8Array(4096));
        waited = await Promise.race([sent.then(() => false), settle(2).then(() => true)]);
      }
      assert.ok(waited, 'a send waited');
      const [event] = recorder.of<{
        connection: Connection;
        bufferedBytes: number;
        highWaterMark: number;
      }>(DiagnosticChannels.backpressure);
      assert.equal(event.connection, connection);
      assert.ok(event.bufferedBytes >= event.highWaterMark, `${event.bufferedBytes} buffered`);
      connection.terminate();
    } finally {
      recorder.stop();
    }
  });

  it('ping round trip: a Pong that answers the latest Ping is timed', async () => {
    const recorder = recordChannels();
    try {
      await withServer({ flow: echo() }, async (server) => {
        const socket = await openWebSocket(server.url);
        socket.ping('are you there');
        await recorder.published(DiagnosticChannels.pingRoundTrip, 1);
        const [rtt] = recorder.of<PingRoundTripDiagnostic>(DiagnosticChannels.pingRoundTrip);
        assert.equal(rtt.side, 'client');
        assert.equal(rtt.rttMs, socket.lastPingRttMs);
        assert.ok(rtt.rttMs >= 0);
        await socket.close();
      });
    } finally {
      recorder.stop();
    }
  });

  it('a connection that started before anyone listened has no duration, and its messages count from then on', async () => {
    const { connection, peer } = connectionWithPeer();
    connection.runDetached(echo());
    peer.text('before').flush();
    await settle();
    const recorder = recordChannels();
    try {
      peer.text('after').flush();
      await recorder.published(DiagnosticChannels.message, 2);
      peer.close(1000, '');
      await connection.closed;
      const [close] = recorder.of<ConnectionCloseDiagnostic>(connectionClose);
      assert.equal(close.connection, connection);
      assert.equal(close.durationMs, undefined);
      assert.deepEqual(
        recorder.of<MessageDiagnostic>(DiagnosticChannels.message).map((m) => m.bytes),
        [5, 5],
      );
    } finally {
      recorder.stop();
    }
  });

  it('a raw client that breaks the protocol: a protocol error and a close with its cause', async () => {
    const recorder = recordChannels();
    try {
      await withServer({ flow: echo() }, async (server) => {
        const client = await RawClient.connect(server.address.port);
        client.send(0x3, 'reserved opcode');
        await client.ended;
        await recorder.published(connectionClose, 1);
      });
      const [error] = recorder.of<ErrorDiagnostic>(DiagnosticChannels.error);
      assert.equal(error.source, 'protocol');
      const [close] = recorder.of<ConnectionCloseDiagnostic>(connectionClose);
      assert.equal(close.cause.kind, 'protocol');
      assert.equal(close.cause.error, error.error);
      assert.equal(close.connection, error.connection);
    } finally {
      recorder.stop();
    }
  });
});
