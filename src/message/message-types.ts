// Message layer: the variants of the message model (Akka HTTP's TextMessage and BinaryMessage, each
// Strict or Streamed), discriminated by `isText` and `isStrict`, so that `text` and `data` can be
// read only after narrowing to Strict. message.ts has the unions and one class per kind.

import type { StreamSource } from './streams.js';

/** Options of `toStrict`. */
export interface ToStrictOptions {
  /** Fail with `WSFLOW_ERR_MESSAGE_TOO_BIG` once the payload grows past this many bytes. */
  maxBytes?: number;
}

/** What every text message has, Strict or Streamed. */
export interface TextMessageBase {
  /** Always `true`: narrows a `Message` to a `TextMessage`. */
  readonly isText: true;
  /** Always `false`. */
  readonly isBinary: false;
  /** `true` when the whole text is at hand (`text`): narrows to {@link StrictTextMessage}. */
  readonly isStrict: boolean;
  /**
   * The text as a stream of chunks. A Streamed message has one stream, readable once; a Strict
   * message returns a new one-chunk stream on every access.
   */
  readonly textStream: ReadableStream<string>;
  /** @returns this message. */
  asTextMessage(): StrictTextMessage | StreamedTextMessage;
  /** @throws TypeError always: a TextMessage is not a BinaryMessage. */
  asBinaryMessage(): never;
  /**
   * Collects a Streamed message into a Strict one (Akka's `toStrict`); a Strict one is returned
   * as it is, once its size is checked against `maxBytes`.
   *
   * @param timeoutMs - how long to wait for the end of the message.
   * @param options - `maxBytes` bounds the UTF-8 size of the collected text.
   * @returns a Strict message with the same text.
   * @throws TimeoutError when the message does not end within `timeoutMs` (its stream is cancelled).
   * @throws WebSocketError (`WSFLOW_ERR_MESSAGE_TOO_BIG`) when the text exceeds `maxBytes`.
   * @example
   * ```ts
   * const { text } = await message.toStrict(1000, { maxBytes: 1 << 20 });
   * ```
   */
  toStrict(timeoutMs: number, options?: ToStrictOptions): Promise<StrictTextMessage>;
}

/**
 * A text message whose whole text is at hand (Akka's `TextMessage.Strict`).
 *
 * @example
 * ```ts
 * if (message.isText && message.isStrict) console.log(message.text);
 * ```
 */
export interface StrictTextMessage extends TextMessageBase {
  readonly isStrict: true;
  /** The whole text. */
  readonly text: string;
}

/**
 * A text message that arrives or leaves in parts (Akka's `TextMessage.Streamed`): read
 * `textStream`, or collect it with `toStrict`. It has no `text`.
 *
 * @example
 * ```ts
 * if (message.isText && !message.isStrict) for await (const part of message.textStream) use(part);
 * ```
 */
export interface StreamedTextMessage extends TextMessageBase {
  readonly isStrict: false;
}

/** What every binary message has, Strict or Streamed. */
export interface BinaryMessageBase {
  /** Always `false`. */
  readonly isText: false;
  /** Always `true`: narrows a `Message` to a `BinaryMessage`. */
  readonly isBinary: true;
  /** `true` when the whole payload is at hand (`data`): narrows to {@link StrictBinaryMessage}. */
  readonly isStrict: boolean;
  /**
   * The payload as a stream of chunks. A Streamed message has one stream, readable once; a Strict
   * message returns a new one-chunk stream on every access.
   */
  readonly dataStream: ReadableStream<Uint8Array>;
  /** @throws TypeError always: a BinaryMessage is not a TextMessage. */
  asTextMessage(): never;
  /** @returns this message. */
  asBinaryMessage(): StrictBinaryMessage | StreamedBinaryMessage;
  /**
   * Collects a Streamed message into a Strict one (Akka's `toStrict`); a Strict one is returned
   * as it is, once its size is checked against `maxBytes`.
   *
   * @param timeoutMs - how long to wait for the end of the message.
   * @param options - `maxBytes` bounds the collected size.
   * @returns a Strict message with the same bytes.
   * @throws TimeoutError when the message does not end within `timeoutMs` (its stream is cancelled).
   * @throws WebSocketError (`WSFLOW_ERR_MESSAGE_TOO_BIG`) when the payload exceeds `maxBytes`.
   * @example
   * ```ts
   * const { data } = await message.toStrict(1000, { maxBytes: 1 << 20 });
   * ```
   */
  toStrict(timeoutMs: number, options?: ToStrictOptions): Promise<StrictBinaryMessage>;
}

/**
 * A binary message whose whole payload is at hand (Akka's `BinaryMessage.Strict`).
 *
 * @example
 * ```ts
 * if (message.isBinary && message.isStrict) console.log(message.data.byteLength);
 * ```
 */
export interface StrictBinaryMessage extends BinaryMessageBase {
  readonly isStrict: true;
  /**
   * The whole payload. Received payloads may be views into the bytes read from the transport:
   * copy them (`data.slice()`) to change them.
   */
  readonly data: Uint8Array;
}

/**
 * A binary message that arrives or leaves in parts (Akka's `BinaryMessage.Streamed`): read
 * `dataStream`, or collect it with `toStrict`. It has no `data`.
 *
 * @example
 * ```ts
 * if (message.isBinary && !message.isStrict) await message.dataStream.pipeTo(file);
 * ```
 */
export interface StreamedBinaryMessage extends BinaryMessageBase {
  readonly isStrict: false;
}

/** The factories of text messages, and the right side of `value instanceof TextMessage`. */
export type TextMessageClass = (abstract new (
  ...args: never[]
) => StrictTextMessage | StreamedTextMessage) & {
  /**
   * A Strict text message.
   *
   * @param text - the whole text.
   * @returns the message.
   * @example
   * ```ts
   * await connection.send(TextMessage.strict('ping'));
   * ```
   */
  strict(text: string): StrictTextMessage;
  /**
   * A Streamed text message; its frames are sent as the chunks arrive.
   *
   * @param source - the text, chunk by chunk: a `ReadableStream<string>` or an (async) iterable.
   * @returns the message.
   * @throws TypeError when `source` is not a stream or an iterable.
   * @example
   * ```ts
   * const reply = TextMessage.streamed(['Hello ', name]);
   * ```
   */
  streamed(source: StreamSource<string>): StreamedTextMessage;
};

/** The factories of binary messages, and the right side of `value instanceof BinaryMessage`. */
export type BinaryMessageClass = (abstract new (
  ...args: never[]
) => StrictBinaryMessage | StreamedBinaryMessage) & {
  /**
   * A Strict binary message. The bytes are not copied: do not change them until it is sent.
   *
   * @param data - the whole payload.
   * @returns the message.
   * @throws TypeError when `data` is not a Uint8Array.
   * @example
   * ```ts
   * await connection.send(BinaryMessage.strict(new Uint8Array([1, 2, 3])));
   * ```
   */
  strict(data: Uint8Array): StrictBinaryMessage;
  /**
   * A Streamed binary message; its frames are sent as the chunks arrive.
   *
   * @param source - the payload, chunk by chunk: a `ReadableStream<Uint8Array>`, a Node Readable
   *   or any (async) iterable of Uint8Array.
   * @returns the message.
   * @throws TypeError when `source` is not a stream or an iterable.
   * @example
   * ```ts
   * await connection.send(BinaryMessage.streamed(fs.createReadStream('photo.jpg')));
   * ```
   */
  streamed(source: StreamSource<Uint8Array>): StreamedBinaryMessage;
};
