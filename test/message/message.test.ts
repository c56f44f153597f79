// Tests for the message model: Strict and Streamed text and binary messages, toStrict, toMessage.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidStateError, TimeoutError, WebSocketError } from '../../src/errors.js';
import {
  BinaryMessage,
  strictMessageOfParts,
  TextMessage,
  textMessageFromUtf8,
  toMessage,
} from '../../src/message/message.js';
import type { Message } from '../../src/message/message.js';

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

describe('TextMessage', () => {
  it('a strict message has its text, a one-chunk stream and the text flags', async () => {
    const message = TextMessage.strict('Hello');
    assert.equal(message.isText, true);
    assert.equal(message.isBinary, false);
    assert.equal(message.isStrict, true);
    assert.equal(message.text, 'Hello');
    assert.deepEqual(await readAll(message.textStream), ['Hello']);
    assert.deepEqual(await readAll(message.textStream), ['Hello'], 'a new stream on each access');
    assert.equal(message.asTextMessage(), message);
    assert.throws(() => message.asBinaryMessage(), TypeError);
  });

  it('a streamed message has no text and streams its chunks', async () => {
    const message = TextMessage.streamed(['Hello ', 'world']);
    assert.equal(message.isStrict, false);
    // The types have no `text` on a Streamed message; JavaScript callers get a clear error.
    assert.throws(() => Reflect.get(message, 'text'), InvalidStateError);
    assert.deepEqual(await readAll(message.textStream), ['Hello ', 'world']);
  });

  it('toStrict collects a streamed message from an async generator', async () => {
    const message = TextMessage.streamed(
      (async function* () {
        yield 'Hello ';
        yield 'world';
      })(),
    );
    const strict = await message.toStrict(1000);
    assert.equal(strict.isStrict, true);
    assert.equal(strict.text, 'Hello world');
  });

  it('toStrict returns a strict message as it is', async () => {
    const message = TextMessage.strict('x');
    assert.equal(await message.toStrict(10), message);
  });

  it('toStrict fails with TimeoutError and cancels a stream that does not end', async () => {
    let cancelled = false;
    const stream = new ReadableStream<string>({
      start(controller) {
        controller.enqueue('partial');
      },
      cancel() {
        cancelled = true;
      },
    });
    await assert.rejects(TextMessage.streamed(stream).toStrict(5), TimeoutError);
    assert.equal(cancelled, true);
  });

  it('toStrict fails past maxBytes, counting UTF-8 bytes', async () => {
    const message = TextMessage.streamed(['€€', '€']);
    await assert.rejects(message.toStrict(1000, { maxBytes: 8 }), (error: unknown) => {
      assert.ok(error instanceof WebSocketError);
      assert.equal(error.code, 'WSFLOW_ERR_MESSAGE_TOO_BIG');
      return true;
    });
    const fits = await TextMessage.streamed(['€€', '€']).toStrict(1000, { maxBytes: 9 });
    assert.equal(fits.text, '€€€');
  });

  it('toStrict applies maxBytes to a Strict message too, however it was made', async () => {
    const utf8 = new TextEncoder().encode('€€€');
    const made = [
      TextMessage.strict('€€€'),
      textMessageFromUtf8(utf8),
      strictMessageOfParts('text', { parts: [utf8.subarray(0, 4), utf8.subarray(4)], bytes: 9 }),
    ];
    for (const message of made) {
      await assert.rejects(message.toStrict(1000, { maxBytes: 8 }), (error: unknown) => {
        assert.ok(error instanceof WebSocketError);
        assert.equal(error.code, 'WSFLOW_ERR_MESSAGE_TOO_BIG');
        return true;
      });
      assert.equal(await message.toStrict(1000, { maxBytes: 9 }), message);
    }
  });
});

describe('BinaryMessage', () => {
  it('a strict message has its data (not copied) and a one-chunk stream', async () => {
    const bytes = Uint8Array.of(1, 2, 3);
    const message = BinaryMessage.strict(bytes);
    assert.equal(message.isBinary, true);
    assert.equal(message.isText, false);
    assert.equal(message.data, bytes);
    assert.deepEqual(await readAll(message.dataStream), [bytes]);
    assert.throws(() => message.asTextMessage(), TypeError);
    assert.throws(() => BinaryMessage.strict('nope' as unknown as Uint8Array), TypeError);
  });

  it('a streamed message has no data; toStrict concatenates its chunks', async () => {
    const message = BinaryMessage.streamed([Uint8Array.of(1), Uint8Array.of(2, 3)]);
    assert.throws(() => Reflect.get(message, 'data'), InvalidStateError);
    const strict = await message.toStrict(1000);
    assert.deepEqual([...strict.data], [1, 2, 3]);
  });

  it('toStrict of an empty stream is an empty message', async () => {
    const strict = await BinaryMessage.streamed([]).toStrict(1000);
    assert.equal(strict.data.length, 0);
  });

  it('toStrict fails past maxBytes', async () => {
    const message = BinaryMessage.streamed([new Uint8Array(5), new Uint8Array(5)]);
    await assert.rejects(message.toStrict(1000, { maxBytes: 9 }), WebSocketError);
  });

  it('toStrict applies maxBytes to a Strict message too, however it was made', async () => {
    const parts = { parts: [new Uint8Array(5), new Uint8Array(5)], bytes: 10 };
    for (const message of [
      BinaryMessage.strict(new Uint8Array(10)),
      strictMessageOfParts('binary', parts),
    ]) {
      await assert.rejects(message.toStrict(1000, { maxBytes: 9 }), WebSocketError);
      assert.equal(await message.toStrict(1000, { maxBytes: 10 }), message);
    }
  });
});

describe('toMessage', () => {
  it('turns strings into text and bytes into binary, and keeps messages', () => {
    const text = toMessage('hi');
    assert.ok(text.isText && text.isStrict && text.text === 'hi');
    const binary = toMessage(Uint8Array.of(7));
    assert.ok(binary.isBinary && binary.isStrict && binary.data[0] === 7);
    const message = TextMessage.strict('kept');
    assert.equal(toMessage(message), message);
  });

  it('rejects other values with TypeError', () => {
    assert.throws(() => toMessage(42 as unknown as string), TypeError);
    assert.throws(() => toMessage({} as unknown as string), TypeError);
  });

  it('isText and isStrict narrow the Message union', () => {
    const describe = (message: Message): string => {
      if (!message.isStrict) return 'streamed';
      return message.isText ? `text ${message.text}` : `binary ${message.data.length}`;
    };
    assert.equal(describe(TextMessage.streamed(['a'])), 'streamed');
    assert.equal(describe(TextMessage.strict('a')), 'text a');
    assert.equal(describe(BinaryMessage.strict(new Uint8Array(2))), 'binary 2');
  });
});
