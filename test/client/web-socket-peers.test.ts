// wsflow's WHATWG-shaped WebSocket against every peer (wsflow's server, ws and python-websockets),
// over ws:// and wss://: the subprotocol, text and binary both ways, and each side's close.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from '../../src/index.js';
import type { WebSocketCloseEvent } from '../../src/index.js';
import { makeCertificate } from '../helpers/tls.js';
import { PEERS, startPeer } from './peers.js';
import type { Peer } from './peers.js';

const tls = makeCertificate();
after(() => tls.dispose());

/** Resolves with the close event; collects the messages until then. */
function collect(socket: WebSocket): { messages: unknown[]; closed: Promise<WebSocketCloseEvent> } {
  const messages: unknown[] = [];
  socket.addEventListener('message', (event) => messages.push(event.data));
  const closed = new Promise<WebSocketCloseEvent>((resolve) =>
    socket.addEventListener('close', resolve),
  );
  return { messages, closed };
}

for (const name of PEERS) {
  describe(`WebSocket against the ${name} server`, () => {
    let peer: Peer;
    before(async () => {
      peer = await startPeer(name, tls);
    });
    after(() => peer?.close());

    for (const scheme of ['ws', 'wss'] as const) {
      it(`echoes text and binary, then closes from the client (${scheme}://)`, async () => {
        const socket = new WebSocket(peer.url(scheme, '/echo'), ['chat'], {
          tls: { ca: tls.cert },
        });
        socket.binaryType = 'arraybuffer';
        const { messages, closed } = collect(socket);
        socket.onopen = () => {
          assert.equal(socket.protocol, 'chat');
          socket.send('héllo');
          socket.send(new Uint8Array([0, 1, 255]));
        };
        socket.onmessage = () => {
          if (messages.length === 2) socket.close(4000, 'enough');
        };
        const close = await closed;
        assert.equal(messages[0], 'héllo');
        assert.deepEqual([...new Uint8Array(messages[1] as ArrayBuffer)], [0, 1, 255]);
        // The code is the server's echo of ours (wsflow's echoes no reason).
        assert.deepEqual([close.code, close.wasClean], [4000, true]);
      });

      it(`gets a feed, then the server's close (${scheme}://)`, async () => {
        const socket = new WebSocket(peer.url(scheme, '/feed/3'), undefined, {
          tls: { ca: tls.cert },
        });
        const { messages, closed } = collect(socket);
        const close = await closed;
        assert.deepEqual(messages, ['item 0', 'item 1', 'item 2']);
        assert.deepEqual([close.code, close.reason, close.wasClean], [1000, 'feed done', true]);
      });
    }

    it('a refused upgrade (404): error, then close 1006', async () => {
      const socket = new WebSocket(peer.url('ws', '/nowhere'));
      const events: string[] = [];
      socket.onerror = () => events.push('error');
      socket.onopen = () => events.push('open');
      const { closed } = collect(socket);
      const close = await closed;
      assert.deepEqual(events, ['error']);
      assert.deepEqual([close.code, close.wasClean], [1006, false]);
    });
  });
}
