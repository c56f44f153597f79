// The client's own socket reads a large message into the buffer it is delivered in: against
// wsflow's and ws's servers, over ws: and wss:, a message no larger than the one before it
// arrives in one piece (a joined payload would be a buffer of exactly its size of its own);
// through an agent, reads are Node's and the same bytes arrive. Uncompressed: an inflated
// message is made by the inflater, not read.

import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { openWebSocket, serve } from '../../src/index.js';
import type { Connection } from '../../src/index.js';
import { fromSinkAndSource, ignore } from '../../src/flow/flow.js';
import { maybe } from '../../src/flow/sources.js';
import { makeCertificate } from '../helpers/tls.js';
import { seededBytes } from '../helpers/seeded-bytes.js';
import { startPeer } from './peers.js';
import type { Peer, PeerName } from './peers.js';

const tls = makeCertificate();
after(() => tls.dispose());

/** True when `data` is a buffer made for it alone: what joining a message's parts gives. */
function joined(data: Uint8Array): boolean {
  return data.byteOffset === 0 && data.buffer.byteLength === data.length;
}

for (const name of ['wsflow', 'ws'] as PeerName[]) {
  describe(`the client's own socket against the ${name} server`, () => {
    let peer: Peer;
    before(async () => {
      peer = await startPeer(name, tls);
    });
    after(() => peer?.close());

    for (const scheme of ['ws', 'wss'] as const) {
      it(`reads large messages into one buffer each, over ${scheme}:`, async () => {
        const url = peer.url(scheme, '/echo');
        const socket = await openWebSocket({
          url,
          tls: { ca: tls.cert },
          perMessageDeflate: false,
        });
        // A frame is read into room for one as large as the last: the first of a larger size
        // may begin in memory of its own.
        const sizes = [300_000, 300_000, 40_000, 65_536, 1_000_000, 1_000_000];
        const payloads = sizes.map((size, i) => Buffer.from(seededBytes(size, i + 1)));
        for (const payload of payloads) void socket.send(payload);
        for (const [i, payload] of payloads.entries()) {
          const data = await socket.receiveBinary();
          assert.ok(payload.equals(data), `message ${i}`);
          if (i > 0 && sizes[i] <= sizes[i - 1]) assert.ok(!joined(data), `message ${i} joined`);
        }
        await socket.close();
      });
    }

    it('reads the same bytes through an agent', async () => {
      for (const scheme of ['ws', 'wss'] as const) {
        const agent = scheme === 'ws' ? new Agent() : new HttpsAgent({ ca: tls.cert });
        const url = peer.url(scheme, '/echo');
        const socket = await openWebSocket({ url, agent, tls: { ca: tls.cert } });
        const payload = Buffer.from(seededBytes(300_000, 9));
        void socket.send(payload);
        assert.ok(payload.equals(await socket.receiveBinary()));
        await socket.close();
        agent.destroy();
      }
    });
  });
}

/** Lets the event loop run until `count()` has not changed for 50 turns. */
async function settle(count: () => number): Promise<void> {
  let stable = 0;
  for (let last = -1; stable < 50; last = count()) {
    stable = count() === last ? stable + 1 : 0;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("the client's own socket under backpressure", () => {
  it('stops reading while nothing is received, so the server stalls; then all arrive in order', async () => {
    const total = 1000; // 64 MiB: far more than the kernel's buffers hold
    const progress = { sent: 0 };
    let done: Promise<void> = Promise.resolve();
    const server = await serve({
      port: 0,
      host: '127.0.0.1',
      handler: (upgrade) => {
        const connection: Connection = upgrade.handleMessages(
          fromSinkAndSource(ignore(), maybe<string>().source),
        );
        done = (async () => {
          for (let i = 0; i < total; i++) {
            await connection.send(Buffer.alloc(64 * 1024, i % 251));
            progress.sent = i + 1;
          }
        })();
      },
    });
    try {
      const socket = await openWebSocket({ url: server.url, perMessageDeflate: false });
      await settle(() => progress.sent);
      assert.ok(progress.sent < total / 2, `the server sent ${progress.sent} before stalling`);
      for (let i = 0; i < total; i++) {
        const data = await socket.receiveBinary();
        assert.equal(data.length, 64 * 1024);
        assert.ok(data[0] === i % 251 && data[data.length - 1] === i % 251, `message ${i}`);
      }
      await done;
      await socket.close();
    } finally {
      await server.close();
    }
  });
});
