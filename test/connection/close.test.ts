// Tests for how a Connection ends: flow completion (1000), the close timeout, handler errors
// (1011), custom codes, a vanishing peer (1006), protocol errors (1002), truncated messages.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/time/clock.js';
import { Connection } from '../../src/connection/connection.js';
import { ConnectionClosed, ProtocolError } from '../../src/errors.js';
import { fromSinkAndSource, ignore, map } from '../../src/flow/flow.js';
import type { Message } from '../../src/message/message.js';
import { connectionWithPeer, settle } from '../helpers/connection-setup.js';
import { duplexPair } from '../helpers/duplex-pair.js';
import { hex } from '../helpers/frame-bits.js';

describe('Connection: closing', () => {
  it('flow completion sends Close 1000; the connection ends after the peer answers', async () => {
    const { connection, peer } = connectionWithPeer();
    const outcome = connection.runUntilClosed(fromSinkAndSource(ignore(), ['bye']));
    assert.equal(await peer.nextText(), 'bye');
    const close = await peer.next('close');
    assert.deepEqual([close.code, close.reason], [1000, '']);
    const bothSaid = { code: 1000, reason: '' };
    assert.deepEqual(await outcome, {
      code: 1000,
      reason: '',
      wasClean: true,
      closedBy: 'local',
      cause: { kind: 'local', phase: 'open', sent: bothSaid, received: bothSaid },
    });
    await peer.next('eof');
  });

  it('an empty outgoing side closes at once (Akka HTTP: Source.empty)', async () => {
    const { connection, peer } = connectionWithPeer();
    void connection.runUntilClosed(fromSinkAndSource(ignore(), []));
    assert.equal((await peer.next('close')).code, 1000);
    assert.equal((await connection.closed).wasClean, true);
  });

  it('the close timeout destroys the transport when the peer never answers', async () => {
    const clock = new ManualClock();
    const [ours, theirs] = duplexPair();
    theirs.resume(); // reads and ignores everything
    const connection = new Connection(ours, { side: 'server', clock, closeTimeoutMs: 3000 });
    const closed = connection.close(1000, 'bye');
    await settle();
    clock.advance(2999);
    await settle();
    assert.equal(connection.state, 'CLOSING');
    assert.equal(ours.destroyed, false);
    clock.advance(1);
    const outcome = await closed;
    assert.equal(ours.destroyed, true);
    assert.deepEqual([outcome.code, outcome.wasClean, outcome.closedBy], [1006, false, 'local']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('flow completion with a peer that never answers ends at the close timeout', async () => {
    const clock = new ManualClock();
    const [ours, theirs] = duplexPair();
    theirs.resume();
    const connection = new Connection(ours, { side: 'client', clock });
    const run = connection.runUntilClosed(fromSinkAndSource(ignore(), ['only message']));
    await settle();
    assert.equal(connection.state, 'CLOSING');
    clock.advance(3000); // the default closeTimeoutMs
    const outcome = await run;
    assert.deepEqual([outcome.code, outcome.wasClean], [1006, false]);
  });

  it('the peer closing first completes incoming cleanly', async () => {
    const { connection, peer } = connectionWithPeer();
    peer.text('last').close(1001, 'going away');
    const reader = connection.incoming.getReader();
    const last = await reader.read();
    assert.ok(last.value?.isText && last.value.isStrict && last.value.text === 'last');
    assert.deepEqual(await reader.read(), { done: true, value: undefined });
    const peerSaid = { code: 1001, reason: 'going away' };
    assert.deepEqual(await connection.closed, {
      code: 1001,
      reason: 'going away',
      wasClean: true,
      closedBy: 'remote',
      cause: { kind: 'peer', phase: 'open', sent: { code: 1001, reason: '' }, received: peerSaid },
    });
    assert.equal((await peer.next('close')).code, 1001, 'the Close is echoed');
  });

  it('a handler error closes with 1011 "internal error" and run rejects with it', async () => {
    const { connection, peer } = connectionWithPeer();
    const failure = new Error('boom');
    const run = connection.runUntilClosed(
      map(() => {
        throw failure;
      }),
    );
    peer.text('hi').text('never handled');
    const close = await peer.next('close');
    assert.deepEqual([close.code, close.reason], [1011, 'internal error']);
    await assert.rejects(run, failure);
    assert.equal((await connection.closed).code, 1011);
  });

  it('a stream handler error closes with 1011', async () => {
    const { connection, peer } = connectionWithPeer();
    const failure = new Error('generator failed');
    const run = connection.runUntilClosed(async function* (incoming) {
      for await (const message of incoming) {
        yield message;
        throw failure;
      }
    });
    peer.text('echo me');
    assert.equal(await peer.nextText(), 'echo me');
    assert.equal((await peer.next('close')).code, 1011);
    await assert.rejects(run, failure);
  });

  it('a handler closes with its own code and reason by throwing ConnectionClosed', async () => {
    const { connection, peer } = connectionWithPeer();
    const run = connection.runUntilClosed(
      map((message: Message) => {
        if (message.isText && message.isStrict && message.text === 'quit')
          throw new ConnectionClosed({ code: 4000, reason: 'bye now' });
        return message;
      }),
    );
    peer.text('quit');
    const close = await peer.next('close');
    assert.deepEqual([close.code, close.reason], [4000, 'bye now']);
    const outcome = await run; // the peer's Close: it echoes the code, without a reason
    assert.deepEqual([outcome.code, outcome.wasClean, outcome.closedBy], [4000, true, 'local']);
  });

  it('close(code, reason) sends them; the peer sees them', async () => {
    const { connection, peer } = connectionWithPeer();
    const closed = connection.close(3001, 'custom');
    const close = await peer.next('close');
    assert.deepEqual([close.code, close.reason], [3001, 'custom']);
    assert.equal((await closed).code, 3001);
  });

  it('outgoing.abort(error) closes with 1011', async () => {
    const { connection, peer } = connectionWithPeer();
    await connection.outgoing.abort(new Error('gave up'));
    assert.equal((await peer.next('close')).code, 1011);
  });

  it('a peer that vanishes without Close ends with 1006; incoming errors with ConnectionClosed', async () => {
    const { connection, theirs } = connectionWithPeer();
    const reading = connection.incoming.getReader().read();
    theirs.destroy();
    const outcome = await connection.closed;
    assert.deepEqual([outcome.code, outcome.wasClean, outcome.closedBy], [1006, false, 'none']);
    await assert.rejects(reading, (error: unknown) => {
      assert.ok(error instanceof ConnectionClosed);
      assert.deepEqual([error.closeCode, error.wasClean], [1006, false]);
      return true;
    });
  });

  it('a protocol error sends its Close (1002), then the transport ends', async () => {
    const { connection, peer, theirs } = connectionWithPeer();
    const reading = connection.incoming.getReader().read();
    theirs.write(hex`81 02 68 69`); // an unmasked frame from a client
    const close = await peer.next('close');
    assert.equal(close.code, 1002);
    await peer.next('eof');
    await assert.rejects(reading, (error: unknown) => {
      assert.ok(error instanceof ConnectionClosed);
      assert.ok(error.cause instanceof ProtocolError && error.cause.closeCode === 1002);
      return true;
    });
    // The outcome is what came back: no Close from a failed peer, so 1006 (as python-websockets).
    const outcome = await connection.closed;
    assert.deepEqual([outcome.code, outcome.wasClean, outcome.closedBy], [1006, false, 'local']);
  });

  it('a Streamed message cut short by a close errors its stream ("truncated message")', async () => {
    // Collecting off, so the open message is Streamed at the end of its first read.
    const { connection, peer } = connectionWithPeer({ aggregateMessageBytes: 0 });
    peer.protocol.sendText('Hello ', false);
    peer.flush();
    const reader = connection.incoming.getReader();
    const { value: message } = await reader.read();
    assert.ok(message?.isText && !message.isStrict);
    peer.close(1000);
    await assert.rejects(message.toStrict(5000), /truncated message/);
  });

  it('a client waits for the server to close the transport, then ends cleanly', async () => {
    const { connection, peer, theirs } = connectionWithPeer({ side: 'client' });
    const closed = connection.close();
    assert.equal((await peer.next('close')).code, 1000);
    // RawPeer, as a server, ends the transport once both Close frames went.
    const outcome = await closed;
    assert.deepEqual([outcome.code, outcome.wasClean, outcome.closedBy], [1000, true, 'local']);
    assert.equal(theirs.writableEnded, true);
  });

  it('a ping listener that throws closes with 1011 and never reaches the parser', async () => {
    const { connection, peer } = connectionWithPeer();
    connection.onPing(() => {
      throw new Error('listener failed');
    });
    peer.protocol.sendPing('x');
    peer.text('after the ping');
    peer.flush();
    assert.equal((await peer.next('pong')).data.toString(), 'x');
    assert.equal((await peer.next('close')).code, 1011);
  });

  it('sending after close rejects with InvalidStateError', async () => {
    const { connection } = connectionWithPeer();
    void connection.close();
    await assert.rejects(connection.send('late'), { code: 'WSFLOW_ERR_INVALID_STATE' });
  });
});
