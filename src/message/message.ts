// Message layer: the message model of Akka HTTP. A message is a TextMessage or a
// BinaryMessage, each Strict (the whole payload at hand) or Streamed (a WHATWG ReadableStream).
// The public types are in message-types.ts; here one class per kind implements both variants.

import { InvalidStateError } from '../errors.js';
import type {
  BinaryMessageClass,
  StreamedBinaryMessage,
  StreamedTextMessage,
  StrictBinaryMessage,
  StrictTextMessage,
  TextMessageClass,
  ToStrictOptions,
} from './message-types.js';
import {
  checkMaxBytes,
  collectStream,
  concatBytes,
  readableFrom,
  singleChunkStream,
} from './streams.js';
import type { StreamSource } from './streams.js';
import type { ControlMessage } from './control.js';

export type {
  BinaryMessageBase,
  BinaryMessageClass,
  StreamedBinaryMessage,
  StreamedTextMessage,
  StrictBinaryMessage,
  StrictTextMessage,
  TextMessageBase,
  TextMessageClass,
  ToStrictOptions,
} from './message-types.js';

const utf8Decoder = new TextDecoder();

// Friend access for the assembler and the renderer, set in the classes' static blocks: the hot path
// builds messages from payload views and reads their payloads without public accessors.
let makeText: (utf8: Uint8Array) => StrictTextMessage;
let makeTextOfParts: (parts: PayloadParts) => StrictTextMessage;
let makeBinaryOfParts: (parts: PayloadParts) => StrictBinaryMessage;
let readText: (message: TextMessageImpl) => string | Uint8Array | undefined;
let readData: (message: BinaryMessageImpl) => Uint8Array | undefined;
let readTextParts: (message: TextMessageImpl) => PayloadParts | undefined;
let textBytes: (message: TextMessageImpl) => number;
let dataBytes: (message: BinaryMessageImpl) => number;
let readDataParts: (message: BinaryMessageImpl) => PayloadParts | undefined;

/**
 * A received payload that arrived in several reads, kept as the views of those reads: joined into
 * one buffer only when the application reads it, sent on as it is (an echo or a forward copies
 * nothing).
 */
export interface PayloadParts {
  readonly parts: readonly Uint8Array[];
  /** The payload's length in bytes, the sum of the parts' lengths. */
  readonly bytes: number;
}

// One class implements both variants of a kind, so its `isStrict` is a boolean: these give a
// message made Strict its public type.
const strictText = (message: TextMessageImpl): StrictTextMessage =>
  message as unknown as StrictTextMessage;
const strictBinary = (message: BinaryMessageImpl): StrictBinaryMessage =>
  message as unknown as StrictBinaryMessage;

/** Both variants of a text message: see TextMessageBase and its two variants. */
class TextMessageImpl {
  #text: string | undefined;
  #utf8: Uint8Array | undefined;
  /** The UTF-8 payload in the parts it arrived in, until something needs it in one piece. */
  #utf8Parts: PayloadParts | undefined;
  readonly #stream: ReadableStream<string> | undefined;

  static {
    makeText = (utf8) => strictText(new TextMessageImpl(undefined, utf8, undefined));
    makeTextOfParts = (parts) => {
      const message = new TextMessageImpl();
      message.#utf8Parts = parts;
      return strictText(message);
    };
    readText = (message) => message.#text ?? message.#joinedUtf8();
    readTextParts = (message) => message.#utf8Parts;
    textBytes = (message) =>
      message.#utf8?.length ?? message.#utf8Parts?.bytes ?? message.#text?.length ?? 0;
  }

  private constructor(text?: string, utf8?: Uint8Array, stream?: ReadableStream<string>) {
    this.#text = text;
    this.#utf8 = utf8;
    this.#stream = stream;
  }

  static strict(text: string): StrictTextMessage {
    return strictText(new TextMessageImpl(String(text)));
  }

  static streamed(source: StreamSource<string>): StreamedTextMessage {
    const message = new TextMessageImpl(undefined, undefined, readableFrom(source));
    return message as unknown as StreamedTextMessage;
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
    const utf8 = this.#joinedUtf8();
    if (utf8 === undefined) {
      throw new InvalidStateError(
        'a Streamed TextMessage has no text: read textStream or toStrict',
      );
    }
    this.#text = utf8Decoder.decode(utf8);
    return this.#text;
  }

  /** The size of a Strict message's UTF-8 payload, without joining or encoding it twice. */
  #utf8Size(): number {
    if (this.#utf8Parts !== undefined) return this.#utf8Parts.bytes;
    if (this.#utf8 !== undefined) return this.#utf8.byteLength;
    return Buffer.byteLength(this.#text as string, 'utf8');
  }

  /** The UTF-8 payload in one piece (joined once, when it arrived in parts). */
  #joinedUtf8(): Uint8Array | undefined {
    const parts = this.#utf8Parts;
    if (parts !== undefined) {
      this.#utf8 = joinParts(parts);
      this.#utf8Parts = undefined;
    }
    return this.#utf8;
  }

  /**
   * The text as a stream of chunks. A Streamed message has one stream, readable once; a Strict
   * message returns a new one-chunk stream on every access.
   */
  get textStream(): ReadableStream<string> {
    return this.#stream ?? singleChunkStream(this.text);
  }

  /** This message. */
  asTextMessage(): this {
    return this;
  }

  /** @throws TypeError always: a TextMessage is not a BinaryMessage. */
  asBinaryMessage(): never {
    throw new TypeError('asBinaryMessage() called on a TextMessage');
  }

  async toStrict(timeoutMs: number, options: ToStrictOptions = {}): Promise<StrictTextMessage> {
    if (this.#stream === undefined) {
      if (options.maxBytes !== undefined) checkMaxBytes(this.#utf8Size(), options.maxBytes);
      return strictText(this);
    }
    const sizeOf = (chunk: string): number => Buffer.byteLength(chunk, 'utf8');
    const { chunks } = await collectStream(this.#stream, timeoutMs, { ...options, sizeOf });
    return strictText(new TextMessageImpl(chunks.join('')));
  }
}

/** Both variants of a binary message: see BinaryMessageBase and its two variants. */
class BinaryMessageImpl {
  #data: Uint8Array | undefined;
  /** The payload in the parts it arrived in, until something needs it in one piece. */
  #parts: PayloadParts | undefined;
  readonly #stream: ReadableStream<Uint8Array> | undefined;

  static {
    makeBinaryOfParts = (parts) => {
      const message = new BinaryMessageImpl();
      message.#parts = parts;
      return strictBinary(message);
    };
    readData = (message) => message.#joined();
    readDataParts = (message) => message.#parts;
    dataBytes = (message) => message.#data?.length ?? message.#parts?.bytes ?? 0;
  }

  private constructor(data?: Uint8Array, stream?: ReadableStream<Uint8Array>) {
    this.#data = data;
    this.#stream = stream;
  }

  static strict(data: Uint8Array): StrictBinaryMessage {
    if (!(data instanceof Uint8Array))
      throw new TypeError('BinaryMessage.strict expects a Uint8Array');
    return strictBinary(new BinaryMessageImpl(data));
  }

  static streamed(source: StreamSource<Uint8Array>): StreamedBinaryMessage {
    const message = new BinaryMessageImpl(undefined, readableFrom(source));
    return message as unknown as StreamedBinaryMessage;
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
    const data = this.#joined();
    if (data === undefined) {
      throw new InvalidStateError(
        'a Streamed BinaryMessage has no data: read dataStream or toStrict',
      );
    }
    return data;
  }

  /** The payload in one piece (joined once, when it arrived in parts). */
  #joined(): Uint8Array | undefined {
    const parts = this.#parts;
    if (parts !== undefined) {
      this.#data = joinParts(parts);
      this.#parts = undefined;
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
  asBinaryMessage(): this {
    return this;
  }

  async toStrict(timeoutMs: number, options: ToStrictOptions = {}): Promise<StrictBinaryMessage> {
    if (this.#stream === undefined) {
      checkMaxBytes(this.#parts?.bytes ?? (this.#data as Uint8Array).byteLength, options.maxBytes);
      return strictBinary(this);
    }
    const sizeOf = (chunk: Uint8Array): number => chunk.byteLength;
    const { chunks, bytes } = await collectStream(this.#stream, timeoutMs, { ...options, sizeOf });
    const data = chunks.length === 0 ? new Uint8Array(0) : concatBytes(chunks, bytes);
    return strictBinary(new BinaryMessageImpl(data));
  }
}

/**
 * Text messages: `TextMessage.strict(text)`, `TextMessage.streamed(source)`, and
 * `value instanceof TextMessage`. The type of the same name is below.
 *
 * @example
 * ```ts
 * const hello = TextMessage.strict('Hello');
 * const greeting = TextMessage.streamed((async function* () { yield 'Hello '; yield 'world'; })());
 * ```
 */
export const TextMessage = TextMessageImpl as unknown as TextMessageClass;

/**
 * Binary messages: `BinaryMessage.strict(bytes)`, `BinaryMessage.streamed(source)`, and
 * `value instanceof BinaryMessage`. The type of the same name is below.
 *
 * @example
 * ```ts
 * const bytes = BinaryMessage.strict(new Uint8Array([1, 2, 3]));
 * const file = BinaryMessage.streamed(fs.createReadStream('photo.jpg'));
 * ```
 */
export const BinaryMessage = BinaryMessageImpl as unknown as BinaryMessageClass;

/**
 * A text message: Strict (`text`) or Streamed (`textStream`, UTF-8 decoded chunks). Narrow with
 * `isStrict` before reading `text`.
 */
export type TextMessage = StrictTextMessage | StreamedTextMessage;

/**
 * A binary message: Strict (`data`) or Streamed (`dataStream`). Narrow with `isStrict` before
 * reading `data`.
 */
export type BinaryMessage = StrictBinaryMessage | StreamedBinaryMessage;

/**
 * A WebSocket message (RFC 6455 section 5.6): text or binary, Strict or Streamed. `isText` /
 * `isBinary` and `isStrict` narrow it; `text` and `data` exist only on the Strict variants.
 *
 * @example
 * ```ts
 * const describe = (message: Message): string =>
 *   message.isText
 *     ? (message.isStrict ? message.text : '(streamed text)')
 *     : `${message.isStrict ? message.data.byteLength : 'some'} bytes`;
 * ```
 */
export type Message = TextMessage | BinaryMessage;

/** A Strict message: the whole payload at hand. */
export type StrictMessage = StrictTextMessage | StrictBinaryMessage;

/** A Streamed message: the payload as a stream of parts. */
export type StreamedMessage = StreamedTextMessage | StreamedBinaryMessage;

/**
 * What sending accepts: a message, a plain string (text) or Uint8Array (binary), or a
 * {@link PingMessage} / {@link PongMessage}, sent in order with the rest.
 */
export type MessageLike = Message | ControlMessage | string | Uint8Array;

/**
 * Normalizes what a handler may send into a {@link Message}.
 *
 * @param value - a Message, a string (→ Strict text) or a Uint8Array (→ Strict binary).
 * @returns the message.
 * @throws TypeError for any other value (a Ping or a Pong is not a data message).
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
export function textMessageFromUtf8(utf8: Uint8Array): StrictTextMessage {
  return makeText(utf8);
}

/** The parts in one new Buffer, as the assembler would have collected them. */
function joinParts({ parts, bytes }: PayloadParts): Buffer {
  const joined = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/**
 * A Strict message over a payload received in parts (text: UTF-8 the protocol has validated); the
 * parts are joined on first use, or sent on as they are. Internal to the message layer.
 */
export function strictMessageOfParts(
  kind: 'text' | 'binary',
  parts: PayloadParts,
): StrictTextMessage | StrictBinaryMessage {
  return kind === 'text' ? makeTextOfParts(parts) : makeBinaryOfParts(parts);
}

/**
 * The payload of a Strict message still in the parts it was received in, or `undefined` (a
 * Streamed message, one made whole, or one whose payload was joined since).
 */
export function strictPayloadParts(message: Message): PayloadParts | undefined {
  return message instanceof TextMessageImpl
    ? readTextParts(message)
    : readDataParts(message as unknown as BinaryMessageImpl);
}

/** The payload of a Strict message as the renderer sends it (text as string or UTF-8 bytes). */
export function strictPayload(message: Message): string | Uint8Array | undefined {
  return message instanceof TextMessageImpl
    ? readText(message)
    : readData(message as unknown as BinaryMessageImpl);
}

/**
 * The payload a received Strict message holds, in bytes (a text decoded already: its UTF-16
 * length); 0 for a Streamed message (its body counts where it is queued) or a Ping or Pong.
 *
 * @param message - A message waiting for the application.
 * @returns Its payload's size.
 * @example
 * heldPayloadBytes(BinaryMessage.strict(new Uint8Array(10))); // 10
 */
export function heldPayloadBytes(message: Message | ControlMessage): number {
  if (message instanceof TextMessageImpl) return textBytes(message);
  if (message instanceof BinaryMessageImpl) return dataBytes(message);
  return 0;
}

/**
 * Cancels the body of a Streamed message so its remaining parts are skipped; does nothing for
 * a Strict one (or a Ping or Pong).
 *
 * @param message - the message to drop.
 */
export function discardMessage(message: Message | ControlMessage): void {
  if (!(message instanceof TextMessageImpl || message instanceof BinaryMessageImpl)) return;
  if (message.isStrict) return;
  const stream: ReadableStream<unknown> = message.isText ? message.textStream : message.dataStream;
  if (!stream.locked) stream.cancel().catch(() => undefined);
}
