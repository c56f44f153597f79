// The public types of messages and map(), checked by the compiler: every `@ts-expect-error` line
// must fail to compile (or the build fails), every other line must compile. The runtime part only
// confirms that the narrowing the types promise matches what the values do.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BinaryMessage,
  PingMessage,
  PongMessage,
  TextMessage,
  map,
  withControlMessages,
} from '../../src/index.js';
import type {
  ControlMessage,
  MapFlow,
  Message,
  MessageFlow,
  StreamedTextMessage,
  StrictTextMessage,
} from '../../src/index.js';

/** Reads text only where the types allow it. */
function textOf(message: Message): string | undefined {
  if (!message.isText) return message.isStrict ? `${message.data.byteLength} bytes` : undefined;
  return message.isStrict ? message.text : undefined;
}

/** What must not compile (never called: the getters would throw on Streamed messages). */
const notNarrowed = (message: Message): void => {
  // @ts-expect-error `text` is not reachable before narrowing to Strict
  void message.text;
  if (!message.isText) {
    // @ts-expect-error `data` is not reachable before narrowing to Strict
    void message.data;
    return;
  }
  // @ts-expect-error a TextMessage that may be Streamed has no `text`
  void message.text;
};

const streamedHasNoText = (message: StreamedTextMessage): void => {
  // @ts-expect-error a Streamed text message has no `text`
  void message.text;
};

// map() whose function returns only undefined needs no explicit generics and fits any handler.
const sink: MapFlow<Message, never> = map((message: Message) => void textOf(message));
const asyncSink: MessageFlow = map(async (message: Message) => {
  await Promise.resolve(textOf(message));
});
const sometimes: MessageFlow = map((message: Message) =>
  message.isText && message.isStrict ? message.text : undefined,
);
const explicit: MessageFlow = map<Message, string>(() => undefined);

// A handler over data and control messages: isText / isBinary narrow past Pings and Pongs.
const withControls: MessageFlow = withControlMessages(
  map((message: Message | ControlMessage) => {
    if (message instanceof PingMessage) return new PongMessage(message.data);
    if (message.isText) return message.isStrict ? message.text : undefined;
    if (message.isBinary) return message.isStrict ? message.data : undefined;
    const control: ControlMessage = message;
    return control instanceof PongMessage ? undefined : control;
  }),
  { autoPong: false },
);

const controlNotNarrowed = (message: Message | ControlMessage): void => {
  // @ts-expect-error a Ping or Pong has no `isStrict`: narrow with isText / isBinary first
  void message.isStrict;
  // @ts-expect-error Pings and Pongs are not text
  void new PingMessage().text;
};

describe('message types', () => {
  it('narrow as the values behave', async () => {
    const strict: StrictTextMessage = TextMessage.strict('hi');
    assert.equal(textOf(strict), 'hi');
    assert.equal(textOf(TextMessage.streamed(['a'])), undefined);
    assert.equal(textOf(BinaryMessage.strict(new Uint8Array(3))), '3 bytes');
    const collected = await TextMessage.streamed(['a', 'b']).toStrict(1000);
    assert.equal(collected.text, 'ab');
    const message: Message = strict;
    assert.ok(message instanceof TextMessage && message.isStrict && message.text === 'hi');
    assert.ok(!(message instanceof BinaryMessage));
    assert.ok(
      [
        sink,
        asyncSink,
        sometimes,
        explicit,
        streamedHasNoText,
        notNarrowed,
        withControls,
        controlNotNarrowed,
      ].every(Boolean),
    );
  });
});
