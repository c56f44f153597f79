// serve()'s own deadline for a request head reads the server's clock: with a virtual clock, a
// client that never finishes its head is answered 408 when the clock says so, not before.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { echo, serve } from '../../src/index.js';
import { VirtualClock } from '../../src/testkit/index.js';

/** Everything the socket receives until it ends. */
function received(socket: Socket): { text: () => string; ended: Promise<unknown> } {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  return { text: () => text, ended: once(socket, 'end') };
}

describe("serve()'s head deadline on the virtual clock", () => {
  it('answers 408 once the virtual handshake timeout has passed, and not before', async () => {
    const clock = new VirtualClock();
    const server = await serve({ port: 0, flow: echo(), clock, handshakeTimeoutMs: 60_000 });
    try {
      const accepted = once(server.httpServer, 'connection');
      const socket = connect(server.address.port, '127.0.0.1');
      const answer = received(socket);
      await Promise.all([once(socket, 'connect'), accepted]);
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n'); // never finished
      await clock.advance(59_999);
      assert.equal(answer.text(), '');
      await clock.advance(1000); // the next sweep
      // Real time only bounds a failure: on the system clock nothing would come for a minute.
      const bound = new Promise((_, reject) => {
        setTimeout(
          () => reject(new Error('no answer: the deadline ignores the clock')),
          5000,
        ).unref();
      });
      await Promise.race([answer.ended, bound]);
      assert.match(answer.text(), /^HTTP\/1\.1 408 /);
      socket.destroy();
    } finally {
      await server.close();
    }
  });
});
