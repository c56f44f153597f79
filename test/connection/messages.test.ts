// Tests for message delivery over a Connection: Strict vs Streamed by input batch and by
// aggregateMessageBytes, Akka HTTP's greeter answering a Streamed name before it ends, code points
// split across frames, pings.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concat, maybe } from '../../src/flow/sources.js';
import { fromSinkAndSource } from '../../src/flow/flow.js';
import { TextMessage } from '../../src/message/message.js';
import type { Message } from '../../src/message/message.js';
import { connectionWithPeer, settle } from '../helpers/connection-setup.js';
import { peerFrame } from '../helpers/peer-frames.js';

async function firstMessage(incoming: ReadableStream<Message>): Promise<Message> {
  const reader = incoming.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  assert.ok(value !== undefined);
  return value;
}

describe('Connection: receiving', () => {
  it('delivers the same messages however the input is split into reads', async () => {
    const input = Buffer.concat([
      peerFrame('server', 0x81, 'hello'),
      peerFrame('server', 0x82, Buffer.alloc(300, 7)),
      peerFrame('server', 0x01, 'frag'),
      peerFrame('server', 0x80, 'mented'),
    ]);
    for (let first = 1; first < input.length; first++) {
      for (let second = first; second < input.length; second += 3) {
        const { connection, theirs } = connectionWithPeer();
        const reader = connection.incoming.getReader();
        // Copies: the parser unmasks what it is given in place.
        for (const chunk of [input.subarray(0, first), input.subarray(first, second)]) {
          if (chunk.length > 0) theirs.write(Buffer.from(chunk));
          await settle(1);
        }
        theirs.write(Buffer.from(input.subarray(second)));
        const texts: string[] = [];
        for (let i = 0; i < 3; i++) {
          const { value } = await reader.read();
          assert.ok(value !== undefined, `split ${first}/${second}`);
          const strict = await value.toStrict(1000);
          texts.push(strict.isText ? strict.text : `${strict.data.length}x${strict.data[0]}`);
          // Every message is within aggregateMessageBytes, so it is collected whole.
          assert.ok(value.isStrict, `message ${i}, split ${first}/${second}`);
        }
        assert.deepEqual(texts, ['hello', '300x7', 'fragmented'], `split ${first}/${second}`);
        connection.terminate();
      }
    }
  });

  it('server receives a message whole in one input batch as Strict', async () => {
    const { connection, peer } = connectionWithPeer();
    peer.text('Peter');
    const message = await firstMessage(connection.incoming);
    assert.ok(message.isText && message.isStrict);
    assert.equal(message.text, 'Peter');
  });

  it('server receives fragments written together as one Strict message', async () => {
    const { connection, peer } = connectionWithPeer();
    peer.protocol.sendBinary(Uint8Array.of(1, 2), false);
    peer.protocol.sendContinuation(Uint8Array.of(3), true);
    peer.flush();
    const message = await firstMessage(connection.incoming);
    assert.ok(message.isBinary && message.isStrict);
    assert.deepEqual([...message.data], [1, 2, 3]);
  });

  it('a code point split across frames of one batch arrives whole', async () => {
    const { connection, peer } = connectionWithPeer();
    const euro = Buffer.from('a€', 'utf8');
    peer.protocol.sendText(euro.subarray(0, 2), false);
    peer.protocol.sendContinuation(euro.subarray(2), true);
    peer.flush();
    const message = await firstMessage(connection.incoming);
    assert.ok(message.isText && message.isStrict);
    assert.equal(message.text, 'a€');
  });

  it('with aggregateMessageBytes 0, a message split across input batches is Streamed; a split code point decodes whole', async () => {
    // Collecting off: every message still open at the end of a read streams (Akka HTTP's way).
    const { connection, peer } = connectionWithPeer({ aggregateMessageBytes: 0 });
    const text = Buffer.from('€uro', 'utf8');
    peer.protocol.sendText(text.subarray(0, 1), false);
    peer.flush();
    const message = await firstMessage(connection.incoming);
    assert.ok(message.isText && !message.isStrict);
    peer.protocol.sendContinuation(text.subarray(1), true);
    peer.flush();
    assert.equal((await message.toStrict(5000)).text, '€uro');
  });

  it('a one-frame message split across input batches is collected and delivered Strict', async () => {
    const { connection, peer, theirs } = connectionWithPeer();
    const payload = Buffer.alloc(100 * 1024, 0x61);
    peer.protocol.sendBinary(payload);
    const bytes = Buffer.concat(peer.protocol.takeOutgoing());
    theirs.write(bytes.subarray(0, 1000));
    await settle();
    theirs.write(bytes.subarray(1000));
    const message = await firstMessage(connection.incoming);
    assert.ok(message.isBinary && message.isStrict);
    assert.ok(payload.equals(message.data));
  });

  it('a one-frame message over aggregateMessageBytes split across batches is Streamed', async () => {
    const { connection, peer, theirs } = connectionWithPeer({ aggregateMessageBytes: 1024 });
    const payload = Buffer.alloc(4096, 0x62);
    peer.protocol.sendBinary(payload);
    const bytes = Buffer.concat(peer.protocol.takeOutgoing());
    theirs.write(bytes.subarray(0, 1000));
    const message = await firstMessage(connection.incoming);
    assert.ok(message.isBinary && !message.isStrict);
    theirs.write(bytes.subarray(1000));
    assert.ok(payload.equals((await message.toStrict(5000)).data));
  });

  it('greeter (Akka HTTP): a Streamed name is answered before it has fully arrived', async () => {
    // Collecting off, so the name streams as its fragments come (the default would collect it).
    const { connection, peer } = connectionWithPeer({ aggregateMessageBytes: 0 });
    void connection.runUntilClosed(async function* (incoming) {
      for await (const message of incoming) {
        if (message.isText)
          yield TextMessage.streamed(concat(['Hello '], message.textStream, ['!']));
      }
    });
    peer.protocol.sendText('Pe', false);
    peer.flush();
    assert.equal((await peer.next('part')).data.toString(), 'Hello ');
    assert.equal((await peer.next('part')).data.toString(), 'Pe');
    peer.protocol.sendContinuation('ter', true);
    peer.flush();
    const reply = await peer.next('message');
    assert.equal(reply.data.toString(), 'Hello Peter!');
    peer.close(1000);
    assert.equal((await connection.closed).code, 1000);
  });

  it('head bytes (read with the handshake) are parsed before the transport', async () => {
    const { Protocol } = await import('../../src/protocol/protocol.js');
    const far = new Protocol({ side: 'client', handler: {} as never });
    far.sendText('from head');
    const head = Buffer.concat(far.takeOutgoing());
    const { connection, peer } = connectionWithPeer({ head });
    peer.text('from socket');
    const reader = connection.incoming.getReader();
    const first = (await reader.read()).value;
    const second = (await reader.read()).value;
    assert.ok(first?.isText && second?.isText && first.isStrict && second.isStrict);
    assert.deepEqual([first.text, second.text], ['from head', 'from socket']);
  });
});

describe('Connection: sending and control frames', () => {
  it('strings go out as text, bytes as binary, streamed messages as fragments', async () => {
    const { connection, peer } = connectionWithPeer();
    await connection.send('a');
    await connection.send(Uint8Array.of(1, 2));
    await connection.send(TextMessage.streamed(['x', 'y']));
    const text = await peer.next('message');
    assert.deepEqual([text.kind, text.data.toString()], ['text', 'a']);
    const binary = await peer.next('message');
    assert.deepEqual([binary.kind, [...binary.data]], ['binary', [1, 2]]);
    const streamed = await peer.next('message');
    assert.deepEqual([streamed.data.toString(), streamed.parts], ['xy', 3]);
  });

  it('pings are answered and reported; our pings get pongs', async () => {
    const { connection, peer } = connectionWithPeer();
    const pings: string[] = [];
    const pongs: string[] = [];
    connection.onPing((payload) => pings.push(Buffer.from(payload).toString()));
    connection.onPong((payload) => pongs.push(Buffer.from(payload).toString()));
    peer.protocol.sendPing('are you there');
    peer.flush();
    assert.equal((await peer.next('pong')).data.toString(), 'are you there');
    connection.ping('me too');
    assert.equal((await peer.next('ping')).data.toString(), 'me too');
    await settle();
    assert.deepEqual(pings, ['are you there']);
    assert.deepEqual(pongs, ['me too']);
  });

  it('a removed listener is not called', async () => {
    const { connection, peer } = connectionWithPeer();
    let calls = 0;
    const remove = connection.onPing(() => calls++);
    remove();
    peer.protocol.sendPing();
    peer.flush();
    await peer.next('pong');
    assert.equal(calls, 0);
  });

  it('a disconnected flow keeps the connection open while its source is open', async () => {
    const { connection, peer } = connectionWithPeer();
    const received: string[] = [];
    const { source, complete } = maybe<string>();
    const done = connection.runUntilClosed(
      fromSinkAndSource(
        (message: Message) =>
          void received.push(message.isText && message.isStrict ? message.text : ''),
        source,
      ),
    );
    peer.text('one').text('two');
    await settle();
    assert.deepEqual(received, ['one', 'two']);
    assert.equal(connection.state, 'OPEN');
    complete('last words');
    assert.equal(await peer.nextText(), 'last words');
    assert.equal((await peer.next('close')).code, 1000);
    assert.equal((await done).code, 1000);
  });
});
