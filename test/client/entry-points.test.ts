// Every client entry point against every peer (wsflow, ws, python-websockets), over ws:// and
// wss://: an echo with the chosen subprotocol, Basic Auth, extra headers, and a 404 whose body is read.

import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import {
  HandshakeError,
  HandshakeErrorCode,
  ClientCloseEvent,
  concat,
  fromSinkAndSource,
  maybe,
  openWebSocket,
  openWebSocketWithListener,
  singleWebSocketRequest,
  webSocketClientFlow,
  webSocketClientLayer,
} from '../../src/index.js';
import type { Message, WebSocketRequest } from '../../src/index.js';
import { AUTHORIZATION, PEERS, startPeer } from './peers.js';
import type { Peer } from './peers.js';
import { describeMessage, recordingSink } from './support.js';
import { makeCertificate } from '../helpers/tls.js';

const tls = makeCertificate();
after(() => tls.dispose());

const BYTES = Uint8Array.of(1, 2, 254);

for (const name of PEERS) {
  describe(`client against the ${name} server`, () => {
    let peer: Peer;
    before(async () => {
      peer = await startPeer(name, tls);
    });
    after(() => peer?.close());

    for (const scheme of ['ws', 'wss'] as const) {
      const request = (path: string, extra: Partial<WebSocketRequest> = {}): WebSocketRequest => ({
        url: peer.url(scheme, path),
        subprotocols: ['nope', 'chat'],
        tls: { ca: tls.cert },
        ...extra,
      });

      it(`singleWebSocketRequest echoes text and binary over ${scheme}://`, async () => {
        // The source stays open (Akka HTTP's Source.maybe) until both echoes are back.
        const { source, complete } = maybe<string>();
        const received: string[] = [];
        const sink = async (message: Message): Promise<void> => {
          received.push(await describeMessage(message));
          if (received.length === 2) complete();
        };
        const { upgradeResponse, closed } = singleWebSocketRequest(
          request('/echo'),
          fromSinkAndSource(sink, concat<string | Uint8Array>(['hello', BYTES], source)),
        );
        const response = await upgradeResponse;
        assert.equal(response.valid, true);
        assert.equal(response.valid && response.chosenSubprotocol, 'chat');
        const bothSaid = { code: 1000, reason: '' };
        assert.deepEqual(await closed, {
          code: 1000,
          reason: '',
          wasClean: true,
          closedBy: 'local',
          cause: { kind: 'local', phase: 'open', sent: bothSaid, received: bothSaid },
        });
        assert.deepEqual(received, ['hello', 'bin:0102fe']);
      });

      it(`singleWebSocketRequest hands back a materialized value over ${scheme}://`, async () => {
        const recorder = recordingSink();
        const { upgradeResponse, materialized } = singleWebSocketRequest(request('/count'), {
          flow: fromSinkAndSource(recorder.sink, ['a', 'b', 'close-me']),
          materialized: recorder.done,
        });
        assert.equal((await upgradeResponse).valid, true);
        assert.deepEqual(await materialized, []);
      });

      it(`webSocketClientFlow runs in a pipeline over ${scheme}://`, async () => {
        const flow = webSocketClientFlow(request('/echo'));
        const { source, complete } = maybe<string>();
        const received: string[] = [];
        await concat(['one', 'two'], source)
          .pipeThrough(flow)
          .pipeTo(
            new WritableStream<Message>({
              write: async (message) => {
                received.push(await describeMessage(message));
                if (received.length === 2) complete();
              },
            }),
          );
        assert.deepEqual(received, ['one', 'two']);
        const response = await flow.upgradeResponse;
        assert.equal(response.valid && response.chosenSubprotocol, 'chat');
        assert.equal((await flow.closed).code, 1000);
      });

      it(`webSocketClientLayer runs over a socket opened by hand (${scheme}://)`, async () => {
        const port = peer.port(scheme);
        const socket =
          scheme === 'ws'
            ? netConnect(port, '127.0.0.1')
            : tlsConnect({ host: '127.0.0.1', port, ca: tls.cert });
        const flow = webSocketClientLayer(request('/greet/2')).join(socket);
        const { source, complete } = maybe<string>();
        const received: string[] = [];
        const done = concat(['echo me'], source)
          .pipeThrough(flow)
          .pipeTo(
            new WritableStream<Message>({
              write: async (message) => {
                received.push(await describeMessage(message));
                if (received.length === 3) complete();
              },
            }),
          );
        await done;
        assert.deepEqual(received, ['greeting 0', 'greeting 1', 'echo me']);
        const response = await flow.upgradeResponse;
        assert.equal(response.valid && response.chosenSubprotocol, 'chat');
      });

      it(`openWebSocket sends, receives and closes over ${scheme}://`, async () => {
        const socket = await openWebSocket(request('/echo'));
        assert.equal(socket.subprotocol, 'chat');
        assert.equal(typeof socket.headers['sec-websocket-accept'], 'string');
        await socket.send('Hello!');
        assert.equal(await socket.receiveText(), 'Hello!');
        await socket.send(BYTES);
        assert.deepEqual([...(await socket.receiveBinary())], [...BYTES]);
        await socket.close(4000, 'done');
        const event = await socket.receive();
        assert.ok(event instanceof ClientCloseEvent);
        assert.equal(event.code, 4000);
        assert.equal(event.closedBy, 'local');
      });

      it(`openWebSocketWithListener calls back in order over ${scheme}://`, async () => {
        const calls: string[] = [];
        const closed = new Promise<void>((resolve) => {
          void openWebSocketWithListener(request('/echo'), {
            onOpen: (connection, response) => {
              calls.push(`open ${response.chosenSubprotocol}`);
              void connection.send('ping me');
            },
            onMessage: async (message, connection) => {
              calls.push(`message ${await describeMessage(message)}`);
              await connection.close();
            },
            onClose: (outcome) => {
              calls.push(`close ${outcome.code}`);
              resolve();
            },
            onError: (error) => calls.push(`error ${String(error)}`),
          });
        });
        await closed;
        assert.deepEqual(calls, ['open chat', 'message ping me', 'close 1000']);
      });

      it(`sends Basic Auth, from a header or the URL, over ${scheme}://`, async () => {
        const headers = { extraHeaders: { Authorization: AUTHORIZATION } };
        const socket = await openWebSocket(request('/auth/echo', headers));
        await socket.send('secret');
        assert.equal(await socket.receiveText(), 'secret');
        await socket.close();
        const withUserInfo = peer.url(scheme, '/auth/echo').replace('://', '://user:pass@');
        const other = await openWebSocket({ url: withUserInfo, tls: { ca: tls.cert } });
        await other.close();
        await assert.rejects(openWebSocket(request('/auth/echo')), (error: unknown) => {
          assert.ok(error instanceof HandshakeError);
          assert.equal(error.code, HandshakeErrorCode.Status);
          assert.equal(error.status, 401);
          assert.equal(error.body, 'Unauthorized\n');
          return true;
        });
      });

      it(`sends extra headers such as cookies over ${scheme}://`, async () => {
        const extraHeaders = { Cookie: 'session=abc', 'X-Trace': ['1', '2'] };
        const socket = await openWebSocket(request('/headers', { extraHeaders }));
        const headers = JSON.parse(await socket.receiveText()) as Record<string, string>;
        assert.equal(headers.cookie, 'session=abc');
        assert.match(headers['x-trace'], /2/);
        await socket.close();
      });

      it(`reads the status, headers and body of a 404 over ${scheme}://`, async () => {
        const recorder = recordingSink();
        const { upgradeResponse, materialized, closed } = singleWebSocketRequest(
          request('/missing'),
          { flow: fromSinkAndSource(recorder.sink, ['never sent']), materialized: recorder.done },
        );
        const response = await upgradeResponse;
        assert.equal(response.valid, false);
        assert.ok(!response.valid);
        assert.equal(response.status, 404);
        assert.equal(response.body, 'Not Found: /missing\n');
        assert.equal(response.cause.code, HandshakeErrorCode.Status);
        assert.match(String(response.headers['content-length']), /^\d+$/);
        await assert.rejects(materialized, (error) => error === response.cause);
        await assert.rejects(closed, (error) => error === response.cause);
      });
    }
  });
}
