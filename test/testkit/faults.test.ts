// Faults injected on the in-memory link under a running conversation: a peer that stops reading
// (the server's memory stays bounded), a half-open peer (found by keep-alive), and every write
// split into single bytes (the conversation comes out the same).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BinaryMessage,
  PingMessage,
  Router,
  TextMessage,
  accept,
  concat,
  discardMessage,
  echo,
  map,
} from '../../src/index.js';
import type { Message } from '../../src/index.js';
import { VirtualClock, WS, WSProbe, settle } from '../../src/testkit/index.js';
import type { WSInit } from '../../src/testkit/index.js';

const KiB = 1024;

describe('faults on the link', () => {
  it('a peer that stops reading: the server stops pulling its source, memory stays bounded', async () => {
    let produced = 0;
    const payload = 'x'.repeat(KiB);
    const wsClient = new WSProbe();
    const { link, serverConnection } = await WS('/', wsClient.flow).run(async function* (
      incoming: AsyncIterable<Message>,
    ) {
      for await (const message of incoming) {
        discardMessage(message);
        for (; produced < 100_000; produced++) yield payload; // a flood, if nothing held it back
      }
    });
    link.stall('client');
    wsClient.sendMessage('go');
    await settle();
    const buffered = link.server.writableLength + link.server.bytesInFlight;
    assert.ok(produced < 256, `${produced} messages of 1 KiB were taken from the source`);
    assert.ok(buffered < 256 * KiB, `${buffered} bytes wait on the server's side`);
    link.unstall('client');
    await wsClient.expectMessage(payload);
    assert.ok(produced > 0);
    serverConnection?.terminate();
  });

  it('a half-open peer: keep-alive finds it, and the server lets it go', async () => {
    const clock = new VirtualClock();
    const wsClient = new WSProbe();
    const { link, connection, serverConnection } = await WS('/', wsClient.flow, {
      clock,
      server: { keepAlive: { maxIdleMs: 30_000, pongTimeoutMs: 30_000 } },
    }).run(map((m: Message) => m));
    assert.ok(serverConnection !== undefined);
    link.drop(); // no Close, no FIN, no RST: the client's machine vanished
    await clock.advance(59_999);
    assert.equal(serverConnection.state, 'OPEN');
    await clock.advance(1);
    const outcome = await serverConnection.closed;
    assert.deepEqual([outcome.code, outcome.wasClean], [1006, false]);
    assert.equal(connection?.state, 'OPEN', 'the client heard nothing of it');
  });

  it('a half-open peer, as the docs show it', async () => {
    // #region docs/testing.md
    const clock = new VirtualClock();
    const { link, serverConnection } = await WS('/', new WSProbe().flow, {
      clock,
      server: { keepAlive: { maxIdleMs: 30_000, pongTimeoutMs: 30_000 } },
    }).run(echo());
    link.drop(); // no Close, no FIN, no RST: the client's machine vanished
    await clock.advance(60_000);
    assert.equal((await serverConnection?.closed)?.code, 1006); // found by keep-alive
    // #endregion
  });

  /** The greeter's conversation, as the probe saw it, over a link with the given faults. */
  async function conversation(link: WSInit['link']): Promise<string[]> {
    const greeter = map((message: Message) => {
      if (message.isText)
        return TextMessage.streamed(concat(['Hello '], message.textStream, ['!']));
      return message;
    });
    const transcript: string[] = [];
    const wsClient = new WSProbe();
    await WS('/greeter', wsClient.flow, { link }).run(
      new Router().route('/greeter', () => accept(greeter)),
    );
    wsClient.sendMessage('Peter');
    wsClient.sendMessage(TextMessage.streamed(['Jo', 'hn']));
    wsClient.sendMessage(BinaryMessage.strict(Buffer.alloc(70 * KiB, 7)));
    wsClient.sendMessage('é'.repeat(300));
    wsClient.sendMessage(new PingMessage('are you there'));
    for (let i = 0; i < 4; i++) {
      const message = await wsClient.expectMessage();
      transcript.push(message.isText ? message.text : `binary ${message.data.length}`);
    }
    transcript.push(Buffer.from((await wsClient.expectPong('are you there')).data).toString());
    wsClient.sendCompletion();
    const outcome = await wsClient.expectClose();
    transcript.push(`closed ${outcome.code} clean=${outcome.wasClean}`);
    return transcript;
  }

  it('every write split into single bytes, or at random points: the same conversation', async () => {
    const whole = await conversation(undefined);
    assert.deepEqual(whole, [
      'Hello Peter!',
      'Hello John!',
      `binary ${70 * KiB}`,
      `Hello ${'é'.repeat(300)}!`,
      'are you there',
      'closed 1000 clean=true',
    ]);
    assert.deepEqual(await conversation({ split: { chunkBytes: 1 } }), whole);
    assert.deepEqual(await conversation({ split: { seed: 42, maxChunkBytes: 7 } }), whole);
  });
});
