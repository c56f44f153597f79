// Akka HTTP's half-closed WebSockets, row by row of its scenario table, with singleWebSocketRequest
// against every peer: completing the outgoing side closes the connection, so keep it open with maybe().

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ConnectionClosed,
  concat,
  fromSinkAndSource,
  ignore,
  map,
  maybe,
  singleWebSocketRequest,
} from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { PEERS, startPeer } from './peers.js';
import type { Peer } from './peers.js';
import { makeCertificate } from '../helpers/tls.js';

const tls = makeCertificate();
after(() => tls.dispose());

/** A sink that records texts and calls `onCount` with how many it has. */
function textSink(received: string[], onCount: (count: number) => void) {
  return async (message: Message): Promise<void> => {
    received.push(message.isText ? (await message.toStrict(5000)).text : '<binary>');
    onCount(received.length);
  };
}

for (const name of PEERS) {
  describe(`half-closed client WebSockets against the ${name} server`, () => {
    let peer: Peer;
    before(async () => {
      peer = await startPeer(name, tls);
    });
    after(() => peer?.close());

    for (const scheme of ['ws', 'wss'] as const) {
      const request = (path: string) => ({ url: peer.url(scheme, path), tls: { ca: tls.cert } });

      it(`two-way: a request-response protocol with map (${scheme}://)`, async () => {
        const seen: string[] = [];
        const flow = map((message: Message) => {
          const text = message.isText && message.isStrict ? message.text : '';
          seen.push(text);
          if (text.startsWith('greeting ')) return `ack ${text.slice('greeting '.length)}`;
          if (text === 'ack 2') throw new ConnectionClosed({ code: 1000, reason: 'all acked' });
          return undefined;
        });
        const outcome = await singleWebSocketRequest(request('/greet/3'), flow).closed;
        // Peers differ in whether they echo the reason; the code, and who closed, are fixed.
        assert.deepEqual([outcome.code, outcome.wasClean, outcome.closedBy], [1000, true, 'local']);
        assert.deepEqual(seen.slice(0, 3), ['greeting 0', 'greeting 1', 'greeting 2']);
        assert.ok(seen.includes('ack 2'));
      });

      it(`infinite incoming, no outgoing: fromSinkAndSource(sink, maybe().source) (${scheme}://)`, async () => {
        const { source, complete } = maybe<string>();
        const received: string[] = [];
        const sink = textSink(received, (count) => count === 5 && complete());
        const { closed } = singleWebSocketRequest(
          request('/greet/5'),
          fromSinkAndSource(sink, source),
        );
        // Every greeting arrived, and it was the client that closed, once told to.
        const bothSaid = { code: 1000, reason: '' };
        assert.deepEqual(await closed, {
          code: 1000,
          reason: '',
          wasClean: true,
          closedBy: 'local',
          cause: { kind: 'local', phase: 'open', sent: bothSaid, received: bothSaid },
        });
        assert.deepEqual(received, [
          'greeting 0',
          'greeting 1',
          'greeting 2',
          'greeting 3',
          'greeting 4',
        ]);
      });

      it(`the pitfall: an empty source closes the connection at once (${scheme}://)`, async () => {
        const flow = fromSinkAndSource(ignore(), []);
        const outcome = await singleWebSocketRequest(request('/greet/5'), flow).closed;
        // Akka HTTP: "This will in fact quickly close the connection" - the client closed it.
        assert.equal(outcome.closedBy, 'local');
        assert.equal(outcome.code, 1000);
      });

      it(`finite outgoing kept open with concat(..., maybe().source) (${scheme}://)`, async () => {
        const { source, complete } = maybe<string>();
        const received: string[] = [];
        const sink = textSink(received, (count) => count === 2 && complete());
        const flow = fromSinkAndSource(sink, concat(['first', 'last'], source));
        const outcome = await singleWebSocketRequest(request('/echo'), flow).closed;
        // Both echoes came back after the last element was sent: the connection stayed open.
        assert.deepEqual(received, ['first', 'last']);
        assert.equal(outcome.closedBy, 'local');
      });

      it(`infinite outgoing, no incoming: fromSinkAndSource(ignore(), source) (${scheme}://)`, async () => {
        const numbers = Array.from({ length: 10 }, (_, i) => `number ${i}`);
        const { source } = maybe<string>();
        const flow = fromSinkAndSource(ignore(), concat(numbers, ['close-me'], source));
        const outcome = await singleWebSocketRequest(request('/count'), flow).closed;
        // The source never completed: the server closed, after counting every message.
        const serverSaid = { code: 1000, reason: 'received 10' };
        assert.deepEqual(outcome, {
          code: 1000,
          reason: 'received 10',
          wasClean: true,
          closedBy: 'remote',
          cause: {
            kind: 'peer',
            phase: 'open',
            sent: { code: 1000, reason: '' },
            received: serverSaid,
          },
        });
      });
    }
  });
}
