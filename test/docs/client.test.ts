// The snippets of docs/client.md, run as written (test/docs/snippets.test.ts checks that they are
// the page's) against the wsflow and ws peers of test/client/peers.ts, each followed by what the
// page says it does.

import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { connect } from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import {
  ClientCloseEvent,
  ClientPingEvent,
  ConnectionClosed,
  basicAuth,
  concat,
  discardMessage,
  echo,
  fromSinkAndSource,
  ignore,
  map,
  maybe,
  openWebSocket,
  openWebSocketWithListener,
  singleWebSocketRequest,
  ticker,
  WebSocket,
  webSocketClientFlow,
  webSocketClientLayer,
} from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { startPeer } from '../client/peers.js';
import type { Peer, PeerName } from '../client/peers.js';
import { makeCertificate } from '../helpers/tls.js';

// #region docs/client.md
/** A sink keeping the last message, and the promise of it once the input ends. */
function lastMessage(): { sink: WritableStream<Message>; last: Promise<Message | undefined> } {
  let last: Message | undefined;
  let settle!: { resolve(m: Message | undefined): void; reject(e: unknown): void };
  const promise = new Promise<Message | undefined>(
    (resolve, reject) => (settle = { resolve, reject }),
  );
  const sink = new WritableStream<Message>({
    write: (message) => void (last = message),
    close: () => settle.resolve(last),
    abort: (error) => settle.reject(error),
  });
  return { sink, last: promise };
}
// #endregion

const certificate = makeCertificate();
after(() => certificate.dispose());
const TIMEOUT = { timeout: 10_000 };

for (const name of ['wsflow', 'ws'] as PeerName[]) {
  describe(`docs/client.md against the ${name} server`, () => {
    let peer: Peer;
    let PORT: number;
    let SECURE_PORT: number;
    let ORIGIN: string;
    let SECURE_ORIGIN: string;
    const log: unknown[][] = [];
    const wake: (() => void)[] = [];
    const console = {
      log: (...values: unknown[]) => {
        log.push(values);
        for (const resolve of wake.splice(0)) resolve();
      },
      error: (error: unknown) => assert.fail(String(error)),
    };
    /** Resolves once `count` lines were logged. */
    const logged = async (count: number): Promise<void> => {
      while (log.length < count) await new Promise<void>((resolve) => wake.push(resolve));
    };
    before(async () => {
      peer = await startPeer(name, certificate);
      [PORT, SECURE_PORT] = [peer.port('ws'), peer.port('wss')];
      [ORIGIN, SECURE_ORIGIN] = [peer.url('ws', ''), peer.url('wss', '')];
    });
    after(() => peer?.close());

    it('the request: every field', TIMEOUT, async () => {
      const [myCaPem, clientCertPem, clientKeyPem] = [
        certificate.cert,
        certificate.cert,
        certificate.key,
      ];
      const myProxyAgent = new HttpsAgent();
      // #region docs/client.md
      const socket = await openWebSocket({
        url: `${SECURE_ORIGIN}/echo`, // ws:, wss:, http:, https:; user info becomes Basic Auth
        extraHeaders: { Authorization: basicAuth('johan', 'password'), Cookie: 'session=abc' },
        subprotocols: ['v2.chat', 'v1.chat'], // in order of preference
        handshakeTimeoutMs: 5000, // connect + TLS + response head; default 10000
        tls: { ca: myCaPem, cert: clientCertPem, key: clientKeyPem }, // wss: only
        agent: myProxyAgent, // any http.Agent / https.Agent: proxies, custom sockets
      });
      // #endregion
      await socket.send('over TLS');
      assert.equal(await socket.receiveText(), 'over TLS');
      await socket.close();
      myProxyAgent.destroy();
    });

    it('an http.Agent with its own createConnection (a tunnel, a proxy)', TIMEOUT, async () => {
      // #region docs/client.md
      const agent = new Agent();
      agent.createConnection = () => connect(PORT, '127.0.0.1'); // e.g. an SSH tunnel's local end
      const socket = await openWebSocket({ url: 'ws://service.internal/echo', agent });
      // #endregion
      await socket.send('via the agent');
      assert.equal(await socket.receiveText(), 'via the agent');
      await socket.close();
    });

    it('the answer: a 404 as an InvalidUpgradeResponse', TIMEOUT, async () => {
      log.length = 0;
      const flow = echo();
      // #region docs/client.md
      const { upgradeResponse } = singleWebSocketRequest(`${ORIGIN}/missing`, flow);
      const response = await upgradeResponse;
      if (response.valid) {
        console.log('connected', response.chosenSubprotocol, response.extensions, response.headers);
      } else {
        console.log(response.status, response.statusText, response.body); // 404 'Not Found' 'Not Found: /missing\n'
        console.log(response.cause.code); // 'WSFLOW_ERR_HANDSHAKE_STATUS'
      }
      // #endregion
      assert.deepEqual(log, [
        [404, 'Not Found', 'Not Found: /missing\n'],
        ['WSFLOW_ERR_HANDSHAKE_STATUS'],
      ]);
    });

    it("singleWebSocketRequest: Akka's Sink.last as a materialized value", TIMEOUT, async () => {
      log.length = 0;
      // #region docs/client.md
      const { sink, last } = lastMessage();
      const feed = `${ORIGIN}/feed/3`;
      const { upgradeResponse, materialized, closed } = singleWebSocketRequest(feed, {
        flow: fromSinkAndSource(sink, maybe<string>().source), // listen only: see half-closed WebSockets
        materialized: last,
      });
      console.log(await materialized, await closed);
      // #endregion
      assert.equal((await upgradeResponse).valid, true);
      const [[message, outcome]] = log as [[Message, { code: number; closedBy: string }]];
      assert.equal(message.isText && message.isStrict && message.text, 'item 2');
      assert.deepEqual([outcome.code, outcome.closedBy], [1000, 'remote']);
    });

    it('webSocketClientFlow: a pipeline kept open until the echo is back', TIMEOUT, async () => {
      log.length = 0;
      // #region docs/client.md
      const flow = webSocketClientFlow(`${ORIGIN}/echo`);
      const { source, complete } = maybe<string>();
      await concat(['hello'], source)
        .pipeThrough(flow)
        .pipeTo(
          new WritableStream<Message>({
            write: async (message) => {
              const strict = await message.toStrict(5000); // drain it, Streamed or not
              console.log(strict.isText ? strict.text : strict.data);
              complete();
            },
          }),
        );
      console.log((await flow.upgradeResponse).valid, (await flow.closed).code);
      // #endregion
      assert.deepEqual(log, [['hello'], [true, 1000]]);
    });

    it('webSocketClientLayer: over a TLS socket opened by hand', TIMEOUT, async () => {
      const ca = certificate.cert;
      // #region docs/client.md
      const socket = tls.connect({ host: '127.0.0.1', port: SECURE_PORT, ca });
      const flow = webSocketClientLayer(`${SECURE_ORIGIN}/echo`).join(socket);
      // #endregion
      const seen: string[] = [];
      const { source, complete } = maybe<string>();
      const write = async (message: Message): Promise<void> => {
        seen.push(await text(message));
        complete();
      };
      await concat(['layered'], source).pipeThrough(flow).pipeTo(new WritableStream({ write }));
      assert.deepEqual(seen, ['layered']);
    });

    it('the pitfall: an empty source closes the connection at once', TIMEOUT, async () => {
      // #region docs/client.md
      // The source is empty: it completes immediately, and the client closes the connection.
      singleWebSocketRequest(`${ORIGIN}/greet/5`, fromSinkAndSource(ignore(), []));
      // #endregion
      const { closed } = singleWebSocketRequest(
        `${ORIGIN}/greet/5`,
        fromSinkAndSource(ignore(), []),
      );
      assert.deepEqual([(await closed).code, (await closed).closedBy], [1000, 'local']);
    });

    it(
      'half-closed: request-response with map, closed by a ConnectionClosed',
      TIMEOUT,
      async () => {
        // #region docs/client.md
        const flow = map((message: Message) => {
          if (!message.isText || !message.isStrict) return discardMessage(message); // emits nothing
          if (message.text.startsWith('ack ')) throw new ConnectionClosed({ code: 1000 });
          return `ack ${message.text}`;
        });
        const { closed } = singleWebSocketRequest(`${ORIGIN}/greet/1`, flow);
        // #endregion
        assert.deepEqual([(await closed).code, (await closed).closedBy], [1000, 'local']);
      },
    );

    it('half-closed: infinite incoming, no outgoing, until complete()', TIMEOUT, async () => {
      log.length = 0;
      // #region docs/client.md
      const { source, complete } = maybe<string>();
      const { closed } = singleWebSocketRequest(
        `${ORIGIN}/feed/100`,
        fromSinkAndSource(async (message: Message) => {
          const strict = await message.toStrict(5000, { maxBytes: 1 << 20 });
          console.log(strict.isText ? strict.text : strict.data);
        }, source),
      );
      // later, when done listening:
      complete();
      // #endregion
      assert.equal((await closed).code, 1000);
      assert.deepEqual(log.slice(0, 2), [['item 0'], ['item 1']].slice(0, log.length));
    });

    it('half-closed: a finite number of elements, then stay open', TIMEOUT, async () => {
      const url = `${ORIGIN}/echo`;
      let echoes = 0;
      let bothBack!: () => void;
      const back = new Promise<void>((resolve) => (bothBack = resolve));
      const sink = (): void => void (++echoes === 2 && bothBack());
      // #region docs/client.md
      const { source, complete } = maybe<string>();
      singleWebSocketRequest(url, fromSinkAndSource(sink, concat(['hello', 'world'], source)));
      // #endregion
      await back; // both echoes came back: the connection stayed open
      complete();
    });

    it('half-closed: infinite outgoing, no incoming; the server ends it', TIMEOUT, async () => {
      // #region docs/client.md
      const { closed } = singleWebSocketRequest(
        `${ORIGIN}/count`,
        fromSinkAndSource(
          ignore(),
          ticker(100, (n) => (n < 3 ? `tick ${n}` : 'close-me')),
        ),
      );
      // #endregion
      const outcome = await closed;
      assert.deepEqual(
        [outcome.code, outcome.reason, outcome.closedBy],
        [1000, 'received 3', 'remote'],
      );
    });

    it('openWebSocket: receive, close, and the close event', TIMEOUT, async () => {
      log.length = 0;
      // #region docs/client.md
      const socket = await openWebSocket(`${ORIGIN}/echo`);
      await socket.send('Hello!');
      console.log(await socket.receiveText()); // 'Hello!'
      console.log(await socket.close(1000, 'bye')); // { code: 1000, reason: 'bye', ... }

      const feed = await openWebSocket(`${ORIGIN}/feed/1`); // one item, then Close
      console.log(await feed.receiveText()); // 'item 0'
      const event = await feed.receive(); // a Message, or a ClientCloseEvent
      if (event instanceof ClientCloseEvent) console.log('closed', event.code, event.reason);
      // #endregion
      assert.deepEqual(log[0], ['Hello!']);
      assert.deepEqual((log[1][0] as { code: number }).code, 1000);
      assert.deepEqual(log.slice(2), [['item 0'], ['closed', 1000, 'feed done']]);
    });

    it('openWebSocket: fragments by hand', TIMEOUT, async () => {
      const socket = await openWebSocket(`${ORIGIN}/echo`);
      // #region docs/client.md
      await socket.send('Hel', { fin: false });
      await socket.send('lo, ', { continuation: true, fin: false });
      await socket.send('world', { continuation: true }); // the peer receives 'Hello, world'
      // #endregion
      assert.equal(await socket.receiveText(), 'Hello, world');
      await socket.close();
    });

    it('openWebSocket: pings answered by hand', TIMEOUT, async () => {
      const url = `${ORIGIN}/ping`;
      // #region docs/client.md
      const socket = await openWebSocket(url, { autoPong: false }); // WebSocketClient<ClientPingEvent>
      const event = await socket.receive();
      if (event instanceof ClientPingEvent) socket.pong(event.payload);
      // #endregion
      assert.equal(await socket.receiveText(), 'pong: are you there');
      await socket.close();
    });

    it('openWebSocketWithListener: callbacks', TIMEOUT, async () => {
      log.length = 0;
      // #region docs/client.md
      const connection = await openWebSocketWithListener(`${ORIGIN}/echo`, {
        onOpen: (connection) => void connection.send('hello'), // (connection, response)
        onMessage: async (message) => {
          // (message, connection); a returned promise holds the next message back
          console.log(message.isText && message.isStrict ? message.text : 'not a Strict text');
        },
        onPing: (payload) => console.log('ping', payload), // answered already, unless autoPong: false
        onClose: (outcome) => console.log('closed', outcome.code),
        onError: (error) => console.error(error),
      });
      // #endregion
      await logged(1);
      await connection.close();
      await logged(2);
      assert.deepEqual(log, [['hello'], ['closed', 1000]]);
    });

    it("WebSocket: the standard's interface", TIMEOUT, async () => {
      log.length = 0;
      // #region docs/client.md
      const socket = new WebSocket(`${ORIGIN}/echo`, 'chat');
      socket.binaryType = 'arraybuffer'; // or 'blob', the default
      socket.onopen = () => socket.send('hello');
      socket.onmessage = (event) => {
        console.log(event.data);
        socket.close(1000, 'done');
      };
      socket.onclose = (event) => console.log('closed', event.code, event.wasClean);
      // #endregion
      await logged(2);
      assert.deepEqual(log, [['hello'], ['closed', 1000, true]]);
      assert.equal(socket.protocol, 'chat');
    });
  });
}

/** A message's text, collected. */
async function text(message: Message): Promise<string> {
  const strict = await message.toStrict(5000);
  return strict.isText ? strict.text : '<binary>';
}
