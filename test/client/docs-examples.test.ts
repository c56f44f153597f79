// The snippets of docs/client.md, compiled and run as written (URLs aside) against the wsflow and
// ws peers, so the page cannot drift from the API.

import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  ConnectionClosed,
  ClientPingEvent,
  concat,
  fromSinkAndSource,
  map,
  maybe,
  openWebSocket,
  singleWebSocketRequest,
  webSocketClientFlow,
} from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { startPeer } from './peers.js';
import type { Peer, PeerName } from './peers.js';
import { makeCertificate } from '../helpers/tls.js';

const tls = makeCertificate();
after(() => tls.dispose());

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

for (const name of ['wsflow', 'ws'] as PeerName[]) {
  describe(`docs/client.md against the ${name} server`, () => {
    let peer: Peer;
    before(async () => {
      peer = await startPeer(name, tls);
    });
    after(() => peer?.close());

    it("singleWebSocketRequest: Akka's Sink.last as a materialized value", async () => {
      const { sink, last } = lastMessage();
      const { upgradeResponse, materialized, closed } = singleWebSocketRequest(
        peer.url('ws', '/feed/3'),
        { flow: fromSinkAndSource(sink, maybe<string>().source), materialized: last },
      );
      assert.equal((await upgradeResponse).valid, true);
      const message = await materialized;
      assert.equal(message?.isText && message.isStrict && message.text, 'item 2');
      assert.deepEqual([(await closed).code, (await closed).closedBy], [1000, 'remote']);
    });

    it('half-closed: a request-response protocol with map, closed by a ConnectionClosed', async () => {
      // The server greets, the client acks, the server echoes the ack, and the client closes.
      const flow = map((message: Message) => {
        if (!message.isText || !message.isStrict) return undefined;
        if (message.text.startsWith('ack '))
          throw new ConnectionClosed({ code: 1000, reason: 'done' });
        return `ack ${message.text}`;
      });
      const { closed } = singleWebSocketRequest(peer.url('ws', '/greet/1'), flow);
      assert.deepEqual([(await closed).code, (await closed).closedBy], [1000, 'local']);
    });

    it('webSocketClientFlow: a pipeline kept open until the echo is back', async () => {
      const flow = webSocketClientFlow(peer.url('ws', '/echo'));
      const { source, complete } = maybe<string>();
      const seen: string[] = [];
      await concat(['hello'], source)
        .pipeThrough(flow)
        .pipeTo(
          new WritableStream<Message>({
            write: (m) => {
              seen.push(m.isText && m.isStrict ? m.text : '<binary>');
              complete();
            },
          }),
        );
      assert.deepEqual(seen, ['hello']);
      assert.deepEqual(
        [(await flow.upgradeResponse).valid, (await flow.closed).code],
        [true, 1000],
      );
    });

    it('openWebSocket: fragments by hand, and pings answered by hand', async () => {
      const socket = await openWebSocket(peer.url('ws', '/echo'));
      await socket.send('Hel', { fin: false });
      await socket.send('lo, ', { continuation: true, fin: false });
      await socket.send('world', { continuation: true });
      assert.equal(await socket.receiveText(), 'Hello, world');
      await socket.close(1000, 'bye');
      const manual = await openWebSocket(peer.url('ws', '/ping'), { autoPong: false });
      const event = await manual.receive();
      if (event instanceof ClientPingEvent) manual.pong(event.payload);
      assert.equal(await manual.receiveText(), 'pong: are you there');
      await manual.close();
    });

    it('an http.Agent with its own createConnection (a tunnel, a proxy)', async () => {
      const agent = new Agent();
      agent.createConnection = () => connect(peer.port('ws'), '127.0.0.1');
      const socket = await openWebSocket({ url: 'ws://service.internal/echo', agent });
      await socket.send('via the agent');
      assert.equal(await socket.receiveText(), 'via the agent');
      await socket.close();
    });
  });
}
