// Heartbeats that never misfire, on the testkit's virtual clock, for both sides: any byte
// received is a sign of life (a Pong stuck behind a large message included), no Ping goes out
// while data flows, a peer that falls silent is still taken for dead, and each Ping is timed.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { echo } from '../../src/flow/flow.js';
import type { Message } from '../../src/message/message.js';
import { VirtualClock, WS, WSProbe } from '../../src/testkit/index.js';
import { connectionWithPeer } from '../helpers/connection-setup.js';
import { SIDES, peerFrame } from '../helpers/peer-frames.js';
import type { RawPeer } from '../helpers/raw-peer.js';

const SECOND = 1000;
const MiB = 1024 * 1024;
const keepAlive = { maxIdleMs: 20 * SECOND, pongTimeoutMs: 10 * SECOND };

/** The payloads of the Pings the peer received since the last call, as text. */
function pingsTo(peer: RawPeer): string[] {
  const pings: string[] = [];
  for (let i = peer.events.length - 1; i >= 0; i--) {
    const event = peer.events[i];
    if (event.type !== 'ping') continue;
    pings.unshift(event.data.toString('utf8'));
    peer.events.splice(i, 1);
  }
  return pings;
}

/** The sizes of whole messages (-1 for a Streamed one). */
function sizesOf(messages: Message[]): number[] {
  return messages.map((message) =>
    message.isStrict && !message.isText ? message.data.length : -1,
  );
}

describe('heartbeats: any byte received is a sign of life', () => {
  for (const side of SIDES) {
    it(`${side}: a peer busy sending a large message is alive while its Pong waits behind it`, async () => {
      const clock = new VirtualClock();
      const { connection, peer, ours } = connectionWithPeer({
        side,
        clock,
        keepAlive,
        aggregateMessageBytes: 8 * MiB, // collected whole, so reading never pauses for it
      });
      peer.protocol.setAutoPong(false); // its Pongs go out after the message, as on one wire
      const received: Message[] = [];
      connection.onMessage((message) => void received.push(message));
      // One 8 MiB frame in 8 slices, 28 s apart: a lull longer than maxIdleMs + its sampling
      // after each, so a Ping goes out, and its pong deadline passes before the next slice.
      const frame = peerFrame(side, 0x82, new Uint8Array(8 * MiB));
      const slice = Math.ceil(frame.length / 8);
      let lastPingAt = -1;
      for (let at = 0; at < frame.length; at += slice) {
        peer.socket.write(frame.subarray(at, at + slice));
        for (let s = 0; s < 28; s++) {
          await clock.advance(SECOND);
          if (pingsTo(peer).length > 0) lastPingAt = clock.now();
        }
        assert.equal(connection.state, 'OPEN');
        assert.equal(ours.isPaused(), false); // alive by its bytes, not by our own backpressure
      }
      assert.ok(lastPingAt > 0, 'Pings went out in the lulls');
      assert.deepEqual(sizesOf(received), [8 * MiB]);
      // The Pong that waited behind the message: its round trip counts the wait.
      peer.protocol.sendPong('');
      peer.flush();
      await clock.advance(0);
      assert.equal(connection.lastPingRttMs, clock.now() - lastPingAt);
      await clock.advance(keepAlive.pongTimeoutMs);
      assert.equal(connection.state, 'OPEN');
      assert.equal((await connection.close()).code, 1000);
    });
  }
});

describe('heartbeats: no Ping while data flows', () => {
  for (const side of SIDES) {
    it(`${side}: messages every 5 s, then the bytes of one frame every 5 s: no Ping until they stop`, async () => {
      const clock = new VirtualClock();
      const { connection, peer } = connectionWithPeer({ side, clock, keepAlive });
      const received: Message[] = [];
      connection.onMessage((message) => void received.push(message));
      for (let i = 0; i < 60; i++) {
        peer.text(`tick ${i}`);
        await clock.advance(5 * SECOND);
      }
      const frame = peerFrame(side, 0x82, new Uint8Array(6000));
      for (let at = 0; at < frame.length; at += 100) {
        peer.socket.write(frame.subarray(at, at + 100));
        await clock.advance(5 * SECOND);
      }
      assert.deepEqual(pingsTo(peer), []);
      assert.equal(received.length, 61);
      // The last byte came 5 s ago: a Ping comes maxIdleMs after it, a quarter later at most.
      await clock.advance(15 * SECOND);
      assert.deepEqual(pingsTo(peer), []);
      await clock.advance(5 * SECOND);
      assert.deepEqual(pingsTo(peer), ['']);
      assert.equal(connection.state, 'OPEN');
      await connection.close();
    });
  }
});

describe('heartbeats: a peer that falls silent is taken for dead', () => {
  for (const side of SIDES) {
    it(`${side}: after a minute of messages, silence: 1011 "keepalive ping timeout" sent, 1006 reported`, async () => {
      const clock = new VirtualClock();
      const { connection, peer } = connectionWithPeer({ side, clock, keepAlive });
      connection.onMessage(() => undefined);
      for (let i = 0; i < 12; i++) {
        peer.text(`tick ${i}`);
        await clock.advance(5 * SECOND);
      }
      peer.protocol.setAutoPong(false); // gone: it answers nothing any more
      const lastByteAt = clock.now() - 5 * SECOND;
      // Not before maxIdleMs + pongTimeoutMs after its last byte...
      await clock.advance(lastByteAt + 30 * SECOND - clock.now());
      assert.equal(connection.state, 'OPEN');
      assert.deepEqual(pingsTo(peer), ['']);
      // ... and by a quarter of maxIdleMs later at most.
      await clock.advance(5 * SECOND);
      assert.deepEqual(await peer.next('close'), {
        type: 'close',
        code: 1011,
        reason: 'keepalive ping timeout',
      });
      const outcome = await connection.closed;
      assert.deepEqual([outcome.code, outcome.wasClean, outcome.closedBy], [1006, false, 'local']);
      assert.equal(clock.pendingTimers, 0);
    });
  }
});

describe('heartbeats: the round-trip time of each Ping', () => {
  for (const side of SIDES) {
    it(`${side}: from the Ping to the Pong with its payload; another Pong does not count`, async () => {
      const clock = new VirtualClock();
      let count = 0;
      const { connection, peer } = connectionWithPeer({
        side,
        clock,
        keepAlive: { maxIdleMs: 20 * SECOND, payload: () => `hb-${++count}` },
      });
      peer.protocol.setAutoPong(false);
      await clock.advance(20 * SECOND);
      assert.deepEqual(pingsTo(peer), ['hb-1']);
      assert.equal(connection.lastPingRttMs, undefined);
      await clock.advance(37);
      peer.protocol.sendPong('unsolicited'); // a heartbeat of the peer's own, not an answer
      peer.flush();
      await clock.advance(0);
      assert.equal(connection.lastPingRttMs, undefined);
      peer.protocol.sendPong('hb-1');
      peer.flush();
      await clock.advance(0);
      assert.equal(connection.lastPingRttMs, 37);
      // A Ping sent by hand is timed too.
      connection.ping('by hand');
      await clock.advance(12);
      peer.protocol.sendPong('by hand');
      peer.flush();
      await clock.advance(0);
      assert.equal(connection.lastPingRttMs, 12);
      await connection.close();
    });
  }

  for (const side of SIDES) {
    it(`${side}: over the testkit link with a 20 ms delay each way, 40 ms`, async () => {
      const clock = new VirtualClock();
      const wsClient = new WSProbe();
      const settings = { keepAlive: { maxIdleMs: 20 * SECOND } };
      const pending = WS('/', wsClient.flow, {
        clock,
        link: { delayMs: 20 },
        ...(side === 'server' ? { server: settings } : { client: settings }),
      }).run(echo());
      await clock.advance(100); // the handshake crosses the link too
      const { connection, serverConnection } = await pending;
      const pinging = side === 'server' ? serverConnection : connection;
      const answering = side === 'server' ? connection : serverConnection;
      await clock.advance(25 * SECOND);
      assert.equal(pinging?.lastPingRttMs, 40);
      assert.equal(answering?.lastPingRttMs, undefined); // it sent no Ping
    });
  }
});
