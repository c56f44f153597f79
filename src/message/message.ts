// Message layer: the message model of Akka HTTP. A message is a TextMessage or a
// BinaryMessage, each Strict (the whole payload at hand) or Streamed (a WHATWG ReadableStream).

import { InvalidStateError } from '../errors.js';
import { collectStream, concatBytes, readableFrom, singleChunkStream } from './streams.js';
import type { StreamSource } from './streams.js';

/** Options of `toStrict`. */
export interface ToStrictOptions {
  /** Fail with `WSFLOW_ERR_MESSAGE_TOO_BIG` once the payload grows past this many bytes. */
  maxBytes?: number;
}

const utf8Decoder = new TextDecoder();

// Friend access for the assembler and the renderer, set in the classes' static blocks: the hot path
// builds messages from payload views and reads their payloads without public accessors.
let makeText: (utf8: Uint8Array) => TextMessage;
let readText: (message: TextMessage) => string | Uint8Array | undefined;
let readData: (message: BinaryMessage) => Uint8Array | undefined;

/**
 * A text message: Strict (`text`) or Streamed (`textStream`, UTF-8 decoded chunks).
 *
 * @example
 * ```ts
 * const hello = TextMessage.strict('Hello');
 * const greeting = TextMessage.streamed((async function* () { yield 'Hello '; yield 'world'; })());
 * ```
 */
export class TextMessage {
  #text: string | undefined;
  #utf8: Uint8Array | undefined;
  readonly #stream: ReadableStream<string> | undefined;

  static {
    makeText = (utf8) => new TextMessage(undefined, utf8, undefined);
    readText = (message) => message.#text ?? message.#utf8;
  }

  private constructor(text?: string, utf8?: Uint8Array, stream?: ReadableStream<string>) {
    this.#text = text;
    this.#utf8 = utf8;
    this.#stream = stream;
  }

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
  static strict(text: string): TextMessage {
    return new TextMessage(String(text));
  }

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
  static streamed(source: StreamSource<string>): TextMessage {
    return new TextMessage(undefined, undefined, readableFrom(source));
  }

  /** Always `true`: narrows a {@link Message} to a TextMessage. */
  get isText(): true {
    return true;
  }

  /** Always `false`. */
  get isBinary(): false {
    return false;
  }

  /** `true` when the whole text is at hand (`text`), `false` when it is Streamed. */
  get isStrict(): boolean {
    return this.#stream === undefined;
  }

  /**
   * The whole text of a Strict message.
   *
   * @throws InvalidStateError when the message is Streamed: use `textStream` or `toStrict`.
   */
  get text(): string {
    if (this.#text !== undefined) return this.#text;
    if (this.#utf8 === undefined) {
      throw new InvalidStateError(
        'a Streamed TextMessage has no text: read textStream or toStrict',
      );
    }
    this.#text = utf8Decoder.decode(this.#utf8);
    return this.#text;
  }

  /**
   * The text as a stream of chunks. A Streamed message has one stream, readable once; a Strict
   * message returns a new one-chunk stream on every access.
   */
  get textStream(): ReadableStream<string> {
    return this.#stream ?? singleChunkStream(this.text);
  }

  /** This message. */
  asTextMessage(): TextMessage {
    return this;
  }

  /** @throws TypeError always: a TextMessage is not a BinaryMessage. */
  asBinaryMessage(): never {
    throw new TypeError('asBinaryMessage() called on a TextMessage');
  }

  /**
   * Collects a Streamed message into a Strict one (Akka's `toStrict`); a Strict one is returned
   * as it is.
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
  async toStrict(timeoutMs: number, options: ToStrictOptions = {}): Promise<TextMessage> {
    if (this.#stream === undefined) return this;
    const sizeOf = (chunk: string): number => Buffer.byteLength(chunk, 'utf8');
    const { chunks } = await collectStream(this.#stream, timeoutMs, { ...options, sizeOf });
    return new TextMessage(chunks.join(''));
  }
}

/**
 * A binary message: Strict (`data`) or Streamed (`dataStream`).
 *
 * @example
 * ```ts
 * const bytes = BinaryMessage.strict(new Uint8Array([1, 2, 3]));
 * const file = BinaryMessage.streamed(fs.createReadStream('photo.jpg'));
 * ```
 */
export class BinaryMessage {
  readonly #data: Uint8Array | undefined;
  readonly #stream: ReadableStream<Uint8Array> | undefined;

  static {
    readData = (message) => message.#data;
  }

  private constructor(data?: Uint8Array, stream?: ReadableStream<Uint8Array>) {
    this.#data = data;
    this.#stream = stream;
  }

  /**
   * A Strict binary message. The bytes are not copied: do not change them until it is sent.
   *
   * @param data - the whole payload.
   * @returns the message.
   * @throws TypeError when `data` is not a Uint8Array.
   */
  static strict(data: Uint8Array): BinaryMessage {
    if (!(data instanceof Uint8Array))
      throw new TypeError('BinaryMessage.strict expects a Uint8Array');
    return new BinaryMessage(data);
  }

  /**
   * A Streamed binary message; its frames are sent as the chunks arrive.
   *
   * @param source - the payload, chunk by chunk: a `ReadableStream<Uint8Array>`, a Node Readable or
   *   any (async) iterable of Uint8Array.
   * @returns the message.
   * @throws TypeError when `source` is not a stream or an iterable.
   */
  static streamed(source: StreamSource<Uint8Array>): BinaryMessage {
    return new BinaryMessage(undefined, readableFrom(source));
  }

  /** Always `false`. */
  get isText(): false {
    return false;
  }

  /** Always `true`: narrows a {@link Message} to a BinaryMessage. */
  get isBinary(): true {
    return true;
  }

  /** `true` when the whole payload is at hand (`data`), `false` when it is Streamed. */
  get isStrict(): boolean {
    return this.#stream === undefined;
  }

  /**
   * The whole payload of a Strict message. Received payloads may be views into the bytes read from
   * the transport: copy them (`data.slice()`) to change them.
   *
   * @throws InvalidStateError when the message is Streamed: use `dataStream` or `toStrict`.
   */
  get data(): Uint8Array {
    if (this.#data === undefined) {
      throw new InvalidStateError(
        'a Streamed BinaryMessage has no data: read dataStream or toStrict',
      );
    }
    return this.#data;
  }

  /**
   * The payload as a stream of chunks. A Streamed message has one stream, readable once; a Strict
   * message returns a new one-chunk stream on every access.
   */
  get dataStream(): ReadableStream<Uint8Array> {
    return this.#stream ?? singleChunkStream(this.data);
  }

  /** @throws TypeError always: a BinaryMessage is not a TextMessage. */
  asTextMessage(): never {
    throw new TypeError('asTextMessage() called on a BinaryMessage');
  }

  /** This message. */
  asBinaryMessage(): BinaryMessage {
    return this;
  }

  /**
   * Collects a Streamed message into a Strict one (Akka's `toStrict`); a Strict one is returned
   * as it is.
   *
   * @param timeoutMs - how long to wait for the end of the message.
   * @param options - `maxBytes` bounds the collected size.
   * @returns a Strict message with the same bytes.
   * @throws TimeoutError when the message does not end within `timeoutMs` (its stream is cancelled).
   * @throws WebSocketError (`WSFLOW_ERR_MESSAGE_TOO_BIG`) when the payload exceeds `maxBytes`.
   */
  async toStrict(timeoutMs: number, options: ToStrictOptions = {}): Promise<BinaryMessage> {
    if (this.#stream === undefined) return this;
    const sizeOf = (chunk: Uint8Array): number => chunk.byteLength;
    const { chunks, bytes } = await collectStream(this.#stream, timeoutMs, { ...options, sizeOf });
    return new BinaryMessage(chunks.length === 0 ? new Uint8Array(0) : concatBytes(chunks, bytes));
  }
}

/** A WebSocket message (RFC 6455 section 5.6): text or binary, Strict or Streamed. */
export type Message = TextMessage | BinaryMessage;

/** What sending accepts: a message, or a plain string (text) or Uint8Array (binary). */
export type MessageLike = Message | string | Uint8Array;

/**
 * Normalizes what a handler may send into a {@link Message}.
 *
 * @param value - a Message, a string (→ Strict text) or a Uint8Array (→ Strict binary).
 * @returns the message.
 * @throws TypeError for any other value.
 * @example
 * ```ts
 * toMessage('hi').isText; // true
 * ```
 */
export function toMessage(value: MessageLike): Message {
  if (value instanceof TextMessage || value instanceof BinaryMessage) return value;
  if (typeof value === 'string') return TextMessage.strict(value);
  if (value instanceof Uint8Array) return BinaryMessage.strict(value);
  const type = value === null ? 'null' : typeof value; // the type only, never the content
  throw new TypeError(`cannot send a ${type}: expected a Message, a string or a Uint8Array`);
}

/**
 * A Strict TextMessage over UTF-8 bytes the protocol has already validated; decoded on first use.
 * Internal to the message layer and the connection.
 */
export function textMessageFromUtf8(utf8: Uint8Array): TextMessage {
  return makeText(utf8);
}

/** The payload of a Strict message as the renderer sends it (text as string or UTF-8 bytes). */
export function strictPayload(message: Message): string | Uint8Array | undefined {
  return message instanceof TextMessage ? readText(message) : readData(message);
}

/**
 * Cancels the body of a Streamed message so its remaining parts are skipped; does nothing for
 * a Strict one.
 *
 * @param message - the message to drop.
 */
export function discardMessage(message: Message): void {
  if (message.isStrict) return;
  const stream: ReadableStream<unknown> = message.isText ? message.textStream : message.dataStream;
  if (!stream.locked) stream.cancel().catch(() => undefined);
}
