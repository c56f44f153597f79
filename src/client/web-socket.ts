// Client layer: a WebSocket shaped as the WHATWG standard's (the browser's, Node 22's global,
// undici's), on wsflow's listener client: the standard's constructor, states, checks and events,
// and nothing queued of its own (the listener client orders messages and the close).

import { closeWithoutCode, frameOutputOf } from '../connection/connection.js';
import type { Connection } from '../connection/connection.js';
import { ConnectionDefaults } from '../connection/options.js';
import { InvalidStateError } from '../errors.js';
import { BinaryMessage } from '../message/message.js';
import type { Message } from '../message/message.js';
import type { CloseOutcome } from '../protocol/events.js';
import { formatExtensionHeader } from '../protocol/header-tokens.js';
import { ProtocolState } from '../protocol/protocol.js';
import type { ClientOptions } from './connect.js';
import { openWebSocketWithListener } from './listeners.js';
import type { WebSocketListener } from './listeners.js';
import type { WebSocketRequest } from './request.js';
import type { ValidUpgrade } from './response.js';
import { closeArguments, offeredProtocols, webSocketUrl } from './web-socket-checks.js';
import { WebSocketCloseEvent, WebSocketErrorEvent } from './web-socket-events.js';

/**
 * What wsflow's {@link WebSocket} takes beyond the standard's two arguments: the request's
 * headers, TLS, agent, compression and timeout (see {@link WebSocketRequest}), and the
 * connection's limits (see {@link ClientOptions}). Every message arrives whole (up to
 * `maxMessageBytes`, 16 MiB by default; a larger one closes the connection with 1009).
 */
export interface WebSocketOptions
  extends
    Omit<WebSocketRequest, 'url' | 'subprotocols'>,
    Omit<ClientOptions, 'aggregateMessageBytes'> {}

/** How binary messages are handed over: the standard's two kinds. */
export type WebSocketBinaryType = 'blob' | 'arraybuffer';

/** The events of a {@link WebSocket}, by type. */
export interface WebSocketEventMap {
  open: Event;
  message: MessageEvent;
  error: WebSocketErrorEvent;
  close: WebSocketCloseEvent;
}

type EventName = keyof WebSocketEventMap;
type Listener = Parameters<EventTarget['addEventListener']>[1];
type AddListenerOptions = Parameters<EventTarget['addEventListener']>[2];
type RemoveListenerOptions = Parameters<EventTarget['removeEventListener']>[2];
type Handler<K extends EventName> =
  ((this: WebSocket, event: WebSocketEventMap[K]) => unknown) | null;

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
type ReadyState = typeof CONNECTING | typeof OPEN | typeof CLOSING | typeof CLOSED;

/**
 * A WebSocket client with the WHATWG standard's interface (the one of browsers, Node 22's global
 * and undici), on wsflow's own client: for code written for that interface, and for
 * `ReconnectingSocket` on Node 20 (`{ WebSocket }`). Events follow the standard's order: `open`,
 * the messages, then `error` (only when the connection failed) and `close`, last.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'wsflow';
 *
 * const socket = new WebSocket('ws://127.0.0.1:8080/echo', 'chat');
 * socket.binaryType = 'arraybuffer';
 * socket.onopen = () => socket.send('hello');
 * socket.onmessage = (event) => console.log(event.data);
 * socket.onclose = (event) => console.log('closed', event.code, event.wasClean);
 * ```
 */
export class WebSocket extends EventTarget {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;

  readonly #url: URL;
  #readyState: ReadyState = CONNECTING;
  #connection: Connection | undefined;
  #protocol = '';
  #extensions = '';
  #binaryType: WebSocketBinaryType = 'blob';
  /** Bytes given to `send()` once closing, which the standard counts and never sends. */
  #bufferedAfterClose = 0;
  /** Blobs handed to the connection and not yet read into frames. */
  #blobBytes = 0;
  /** Why the connection failed, when it did: the standard fires `error` before `close` then. */
  #failure: { error: unknown } | undefined;
  readonly #handlers = new Map<
    EventName,
    { handler: Handler<EventName>; listener: (event: Event) => void }
  >();

  /**
   * Starts connecting; the events follow (never before the constructor returns).
   *
   * @param url - `ws:` or `wss:` (`http:` and `https:` become them); absolute, no fragment.
   * @param protocols - The subprotocols to offer, in order of preference.
   * @param options - Headers, TLS, agent, compression, timeout and limits (not in the standard).
   * @throws {DOMException} `SyntaxError` for a URL that does not parse, another scheme, a fragment,
   *   a subprotocol that is not a token or one offered twice.
   * @throws {TypeError} for options that do not check (a header with CR or LF, ...).
   */
  constructor(url: string | URL, protocols?: string | string[], options: WebSocketOptions = {}) {
    super();
    this.#url = webSocketUrl(url);
    const subprotocols = offeredProtocols(protocols);
    const { extraHeaders, extensions, perMessageDeflate, handshakeTimeoutMs, tls, agent, http2 } =
      options;
    const request: WebSocketRequest = {
      url: this.#url,
      subprotocols,
      ...defined({ extraHeaders, extensions, perMessageDeflate, handshakeTimeoutMs, tls, agent }),
      ...defined({ http2 }),
    };
    const connectionOptions = withoutRequestFields(options);
    // Every message whole: the standard hands a message over only once it ended.
    connectionOptions.aggregateMessageBytes =
      connectionOptions.maxMessageBytes ?? ConnectionDefaults.maxMessageBytes;
    void openWebSocketWithListener(request, this.#listener(), connectionOptions);
  }

  get CONNECTING(): typeof CONNECTING {
    return CONNECTING;
  }
  get OPEN(): typeof OPEN {
    return OPEN;
  }
  get CLOSING(): typeof CLOSING {
    return CLOSING;
  }
  get CLOSED(): typeof CLOSED {
    return CLOSED;
  }

  /** The URL connected to, `http(s):` turned into `ws(s):`. */
  get url(): string {
    return this.#url.href;
  }

  /**
   * 0 (CONNECTING), 1 (OPEN), 2 (CLOSING: `close()` was called, or the close handshake started
   * either way), 3 (CLOSED: from the `close` event on).
   */
  get readyState(): number {
    const state = this.#readyState;
    if (state === OPEN && this.#connection?.state !== ProtocolState.Open) return CLOSING;
    return state;
  }

  /** The subprotocol the server chose, else `''`. */
  get protocol(): string {
    return this.#protocol;
  }

  /** The extensions the server accepted, as its `Sec-WebSocket-Extensions` lists them, else `''`. */
  get extensions(): string {
    return this.#extensions;
  }

  /**
   * Bytes given to `send()` and not yet handed to the network: the connection's outgoing buffer
   * (frame headers included, as `ws` counts), Blobs not yet read, and what was sent once closing.
   */
  get bufferedAmount(): number {
    const connection = this.#connection;
    const writing = connection === undefined ? 0 : frameOutputOf(connection).bufferedBytes;
    return writing + this.#blobBytes + this.#bufferedAfterClose;
  }

  /** `'blob'` (the default) or `'arraybuffer'`; another value is ignored, as the standard says. */
  get binaryType(): WebSocketBinaryType {
    return this.#binaryType;
  }

  set binaryType(type: string) {
    if (type === 'blob' || type === 'arraybuffer') this.#binaryType = type;
  }

  get onopen(): ((this: WebSocket, event: WebSocketEventMap['open']) => unknown) | null {
    return this.#handler('open');
  }
  set onopen(handler: ((this: WebSocket, event: WebSocketEventMap['open']) => unknown) | null) {
    this.#setHandler('open', handler);
  }
  get onmessage(): ((this: WebSocket, event: WebSocketEventMap['message']) => unknown) | null {
    return this.#handler('message');
  }
  set onmessage(
    handler: ((this: WebSocket, event: WebSocketEventMap['message']) => unknown) | null,
  ) {
    this.#setHandler('message', handler);
  }
  get onerror(): ((this: WebSocket, event: WebSocketEventMap['error']) => unknown) | null {
    return this.#handler('error');
  }
  set onerror(handler: ((this: WebSocket, event: WebSocketEventMap['error']) => unknown) | null) {
    this.#setHandler('error', handler);
  }
  get onclose(): ((this: WebSocket, event: WebSocketEventMap['close']) => unknown) | null {
    return this.#handler('close');
  }
  set onclose(handler: ((this: WebSocket, event: WebSocketEventMap['close']) => unknown) | null) {
    this.#setHandler('close', handler);
  }

  /**
   * Sends a message: text for a string, binary for an ArrayBuffer, a view of one, or a Blob
   * (read as it goes out, in order). Once closing, nothing is sent: `bufferedAmount` grows.
   *
   * @param data - The message.
   * @throws {DOMException} `InvalidStateError` while connecting.
   * @example
   * ```ts
   * socket.send('hello');
   * socket.send(new Uint8Array([1, 2, 3]));
   * ```
   */
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    if (this.#readyState === CONNECTING) {
      throw new DOMException('the WebSocket is still connecting', 'InvalidStateError');
    }
    const message = outgoingMessage(data);
    const connection = this.#connection;
    if (this.readyState !== OPEN || connection === undefined) {
      this.#bufferedAfterClose += message.size;
      return;
    }
    if (message.blob !== undefined) {
      const size = message.size;
      this.#blobBytes += size;
      const sent = connection.send(BinaryMessage.streamed(message.blob.stream()));
      const done = (): void => {
        this.#blobBytes -= size;
      };
      sent.then(done, done);
      return;
    }
    // A send that fails has failed the connection, which the close event tells.
    connection.send(message.payload).catch(() => undefined);
  }

  /**
   * Starts the close handshake; while connecting, gives up the connection (then `error` and
   * `close` with 1006). Does nothing once closing or closed.
   *
   * @param code - 1000 or 3000 to 4999; without it, the Close carries no code (or 1000 with a
   *   reason).
   * @param reason - At most 123 bytes as UTF-8.
   * @throws {DOMException} `InvalidAccessError` for another code; `SyntaxError` for a longer reason.
   * @example
   * ```ts
   * socket.close(4000, 'done');
   * ```
   */
  close(code?: number, reason?: string): void {
    const close = closeArguments(code, reason);
    const connection = this.#connection;
    if (this.#readyState === CLOSING || this.#readyState === CLOSED) return;
    this.#readyState = CLOSING;
    if (connection === undefined) {
      // Not yet established: the standard fails the connection (a handshake still under way is
      // dropped when it ends).
      this.#failure = {
        error: new DOMException('closed before the connection was established', 'AbortError'),
      };
      setImmediate(() => this.#closed({ code: 1006, reason: '', wasClean: false }));
      return;
    }
    if (connection.state !== ProtocolState.Open) return;
    if (close.code === undefined) closeWithoutCode(connection);
    else void connection.close(close.code, close.reason);
  }

  override addEventListener<K extends EventName>(
    type: K,
    listener: ((this: WebSocket, event: WebSocketEventMap[K]) => unknown) | null,
    options?: AddListenerOptions,
  ): void;
  override addEventListener(type: string, listener: Listener, options?: AddListenerOptions): void;
  override addEventListener(type: string, listener: unknown, options?: AddListenerOptions): void {
    super.addEventListener(type, listener as Listener, options);
  }

  override removeEventListener<K extends EventName>(
    type: K,
    listener: ((this: WebSocket, event: WebSocketEventMap[K]) => unknown) | null,
    options?: RemoveListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: Listener,
    options?: RemoveListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: unknown,
    options?: RemoveListenerOptions,
  ): void {
    super.removeEventListener(type, listener as Listener, options);
  }

  /** The listener client's callbacks, each the standard's step for its event. */
  #listener(): WebSocketListener {
    return {
      onOpen: (connection, response) => this.#opened(connection, response),
      onMessage: (message) => this.#received(message),
      onError: (error) => {
        this.#failure ??= { error };
        // A failed handshake ends here: no onClose follows.
        if (this.#connection === undefined) {
          this.#closed({ code: 1006, reason: '', wasClean: false });
        }
      },
      onClose: (outcome) => this.#closed(outcome),
    };
  }

  #opened(connection: Connection, response: ValidUpgrade): void {
    if (this.#readyState !== CONNECTING) {
      connection.terminate(); // close() came first: the connection was given up
      return;
    }
    this.#connection = connection;
    this.#protocol = response.chosenSubprotocol ?? '';
    this.#extensions = formatExtensionHeader(response.extensions);
    this.#readyState = OPEN;
    this.dispatchEvent(new Event('open'));
  }

  #received(message: Message): void {
    // The standard drops what arrives once close() was called.
    if (this.#readyState !== OPEN) return;
    if (!message.isStrict) {
      // aggregateMessageBytes = maxMessageBytes: a larger message failed the connection (1009).
      throw new InvalidStateError('a Streamed message reached the WebSocket');
    }
    let data: string | ArrayBuffer | Blob;
    if (message.isText) data = message.text;
    else
      data = this.#binaryType === 'blob' ? new Blob([message.data]) : ownArrayBuffer(message.data);
    this.dispatchEvent(new MessageEvent('message', { data, origin: this.#url.origin }));
  }

  /** The connection is closed: CLOSED, then `error` if it failed, then `close`. Once. */
  #closed(outcome: Pick<CloseOutcome, 'code' | 'reason' | 'wasClean'>): void {
    if (this.#readyState === CLOSED) return;
    this.#readyState = CLOSED;
    const failure = this.#failure;
    if (failure !== undefined) this.dispatchEvent(new WebSocketErrorEvent('error', failure.error));
    const { code, reason, wasClean } = outcome;
    this.dispatchEvent(new WebSocketCloseEvent('close', { code, reason, wasClean }));
  }

  #handler<K extends EventName>(type: K): Handler<K> {
    return (this.#handlers.get(type)?.handler as Handler<K> | undefined) ?? null;
  }

  /** An event handler attribute: setting it replaces the previous one; null removes it. */
  #setHandler<K extends EventName>(type: K, handler: Handler<K>): void {
    const previous = this.#handlers.get(type);
    if (previous !== undefined) {
      super.removeEventListener(type, previous.listener);
      this.#handlers.delete(type);
    }
    if (typeof handler !== 'function') return;
    const listener = (event: Event): void => {
      handler.call(this, event as WebSocketEventMap[K]);
    };
    this.#handlers.set(type, { handler: handler as Handler<EventName>, listener });
    super.addEventListener(type, listener);
  }
}

/** What `send()` sends: a payload for the connection, or a Blob to stream; and its size. */
type OutgoingMessage =
  | { payload: string | Uint8Array; blob?: undefined; size: number }
  | { payload?: undefined; blob: Blob; size: number };

/**
 * The standard's send() overloads: a Blob, an ArrayBuffer or a view of one, else text. Bytes are
 * copied: the standard sends them as they were at the call, and a compressed or queued message
 * is read later.
 */
function outgoingMessage(data: unknown): OutgoingMessage {
  if (data instanceof Blob) return { blob: data, size: data.size };
  if (ArrayBuffer.isView(data)) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    return { payload: bytes, size: bytes.byteLength };
  }
  if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) {
    return { payload: new Uint8Array(data).slice(), size: data.byteLength };
  }
  const text = String(data);
  return { payload: text, size: Buffer.byteLength(text, 'utf8') };
}

/** The bytes as an ArrayBuffer of their own: the message's buffer when they fill it exactly. */
function ownArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const buffer = bytes.buffer;
  if (
    buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === buffer.byteLength
  ) {
    return buffer;
  }
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

/** The fields of `values` that are set. */
function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/** The connection's options among a WebSocket's. */
function withoutRequestFields(options: WebSocketOptions): ClientOptions {
  const {
    extraHeaders: _headers,
    extensions: _extensions,
    perMessageDeflate: _deflate,
    handshakeTimeoutMs: _timeout,
    tls: _tls,
    agent: _agent,
    http2: _http2,
    ...connection
  } = options;
  return connection;
}
