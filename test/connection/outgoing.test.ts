// Tests for the outgoing writer: synchronous Strict sends, order behind a Streamed message,
// flush coalescing under cork, and failing pending sends on close.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutgoingWriter } from '../../src/connection/outgoing.js';
import { ConnectionClosed } from '../../src/errors.js';
import { maybe } from '../../src/flow/sources.js';
import { TextMessage } from '../../src/message/message.js';
import type { ProtocolHandler } from '../../src/protocol/events.js';
import { Protocol } from '../../src/protocol/protocol.js';
import { duplexPair } from '../helpers/duplex-pair.js';
import { RawPeer } from '../helpers/raw-peer.js';

function setup() {
  const [ours, theirs] = duplexPair();
  const protocol = new Protocol({ side: 'server', handler: {} as ProtocolHandler });
  const failures: unknown[] = [];
  const writer = new OutgoingWriter(protocol, ours, {
    onApplicationError: (error) => failures.push(error),
    face: {},
  });
  const peer = new RawPeer(theirs, 'client');
  return { writer, protocol, ours, peer, failures };
}

describe('OutgoingWriter', () => {
  it('renders a Strict message synchronously and flushes once per tick', async () => {
    const { writer, ours, peer } = setup();
    assert.equal(writer.send('a'), undefined);
    assert.equal(writer.send(Uint8Array.of(1)), undefined);
    assert.equal(ours.writeCalls, 0, 'nothing written before the tick ends');
    assert.equal(await peer.nextText(), 'a');
    assert.deepEqual([...(await peer.next('message')).data], [1]);
    assert.equal(writer.writes, 1);
  });

  it('queues what comes behind a Streamed message, in order', async () => {
    const { writer, peer } = setup();
    const { source, complete } = maybe<string>();
    const streamed = writer.send(TextMessage.streamed(source));
    const after = writer.send('after');
    assert.ok(streamed instanceof Promise && after instanceof Promise);
    assert.equal(writer.idle, false);
    complete('streamed');
    await Promise.all([streamed, after]);
    assert.equal(await peer.nextText(), 'streamed');
    assert.equal(await peer.nextText(), 'after');
  });

  it('several chunks of one flush go out under one cork', async () => {
    const { writer, ours, peer } = setup();
    writer.send(new Uint8Array(8192)); // large payloads leave as [header, payload]
    writer.send(new Uint8Array(8192));
    writer.flush();
    assert.equal(ours.writeCalls, 1);
    await peer.next('message');
    await peer.next('message');
  });

  it('a Streamed message whose source fails is reported to the owner', async () => {
    const { writer, failures } = setup();
    const { source, fail } = maybe<string>();
    const sending = writer.send(TextMessage.streamed(source));
    const failure = new Error('source failed');
    fail(failure);
    await assert.rejects(sending as Promise<void>, failure);
    assert.deepEqual(failures, [failure]);
  });

  it('close fails the queued sends and every later one', async () => {
    const { writer } = setup();
    const { source } = maybe<string>();
    const streamed = writer.send(TextMessage.streamed(source)) as Promise<void>;
    const queued = writer.send('queued') as Promise<void>;
    const closed = new ConnectionClosed({ code: 1006 });
    writer.close(() => closed);
    await assert.rejects(queued, closed);
    assert.throws(() => writer.send('late'), closed);
    void streamed.catch(() => undefined);
  });
});
