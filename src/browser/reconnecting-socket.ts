// Browser client: a WebSocket that comes back. Each attempt is a plain WebSocket (nothing on the
// wire but RFC 6455 messages, so any server works); between attempts the socket waits with a
// jittered, capped backoff and keeps what is sent in a bounded queue, which goes out in order,
// after the greeting, before the 'open' event.

import { BrowserErrorCode } from '../error-codes.js';
import { RESUME_SUBPROTOCOL, ResumeTracker } from '../resume-wire.js';
import { backoffDelayMs, reconnectPolicy } from './backoff.js';
import type { ReconnectPolicy } from './backoff.js';
import { Emitter } from './emitter.js';
import { SendQueue, byteLengthOf } from './send-queue.js';
import type { SendData } from './send-queue.js';
import type {
  CloseInfo,
  MessageData,
  ReconnectingSocketEvents,
  ReconnectingSocketOptions,
  SocketState,
  Timers,
} from './socket-options.js';
import { resolveSocketUrl } from './url.js';
import type { UrlSource } from './url.js';
import { watchWake } from './wake.js';
import { OPEN, globalWebSocket } from './web-socket.js';
import type { WebSocketConstructor, WebSocketLike } from './web-socket.js';

/**
 * Thrown by `send` and `sendJson` after the socket closed for good.
 *
 * @example
 * ```ts
 * if (socket.state !== 'closed') socket.send('bye');
 * ```
 */
export class SocketClosedError extends Error {
  /** Always {@link BrowserErrorCode.SocketClosed}. */
  readonly code = BrowserErrorCode.SocketClosed;

  constructor(message: string) {
    super(message);
    this.name = 'SocketClosedError';
  }
}

const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A server's 1000 ends the conversation and its 1008 refuses us: neither is worth a retry. */
function retryUnlessRefused(close: CloseInfo): boolean {
  return close.code !== 1000 && close.code !== 1008;
}

/**
 * A WebSocket client for browsers that reconnects with jittered exponential backoff, queues what
 * is sent while it is away (bounded), and tells its state. It speaks plain RFC 6455 messages, so
 * any WebSocket server works with it. It runs in browsers, workers and Node 22+, and on Node 20
 * with a WebSocket constructor given as an option (`WebSocket` from `wsflow`, or `ws`'s).
 *
 * @typeParam In - what `json` listeners are told incoming JSON messages are (not checked).
 * @typeParam Out - what {@link ReconnectingSocket.sendJson} takes.
 * @example
 * ```ts
 * import { ReconnectingSocket } from 'wsflow/browser';
 *
 * const socket = new ReconnectingSocket<ChatEvent, ChatCommand>('/chat/lobby');
 * socket.on('statechange', ({ state }) => (badge.textContent = state));
 * socket.on('json', ({ value }) => show(value));
 * form.onsubmit = () => socket.sendJson({ say: input.value }); // queued while reconnecting
 * ```
 */
export class ReconnectingSocket<In = unknown, Out = unknown> extends Emitter<
  ReconnectingSocketEvents<In>
> {
  readonly #source: UrlSource;
  readonly #options: ReconnectingSocketOptions;
  readonly #policy: ReconnectPolicy | false;
  readonly #queue: SendQueue;
  readonly #timers: Timers;
  readonly #WebSocket: WebSocketConstructor;
  #state: SocketState = 'connecting';
  #url = '';
  #socket: WebSocketLike | undefined;
  /** The attempt under way; an event or a promise of an older one is ignored. */
  #attempt = 0;
  #retries = 0;
  #retryTimer: unknown;
  #connectTimer: unknown;
  #stableTimer: unknown;
  #stopWake: (() => void) | undefined;
  #closing = false;
  /** With `resume`: the last message of each topic, from the markers. */
  readonly #tracker: ResumeTracker | undefined;
  /** The open connection chose `wsflow.resume.v1`: its markers are read, not handed on. */
  #resuming = false;

  /**
   * Starts the first attempt in a microtask, so that listeners added right after see every event.
   *
   * @param url - ws:, wss:, http(s): (turned into ws(s):) or relative to the page; or a function
   * read again before each attempt, which may return a promise.
   * @throws {TypeError} for a URL that does not parse, or without a WebSocket constructor.
   * @throws {RangeError} for an option out of its range.
   */
  constructor(url: UrlSource, options: ReconnectingSocketOptions = {}) {
    super();
    if (typeof url !== 'function') this.#url = resolveSocketUrl(url);
    const WebSocket = options.WebSocket ?? globalWebSocket();
    if (WebSocket === undefined) {
      throw new TypeError('no global WebSocket here: pass one as the WebSocket option');
    }
    this.#source = url;
    this.#options = options;
    this.#WebSocket = WebSocket;
    this.#policy = options.reconnect === false ? false : reconnectPolicy(options.reconnect);
    this.#queue = new SendQueue(options.queue);
    this.#timers = options.timers ?? systemTimers;
    this.#tracker = options.resume === true ? new ResumeTracker() : undefined;
    queueMicrotask(() => this.#connect());
  }

  /** Where the socket is (see {@link SocketState}). */
  get state(): SocketState {
    return this.#state;
  }

  /** The URL of the latest attempt (empty before the first, with a URL function). */
  get url(): string {
    return this.#url;
  }

  /**
   * With `resume`: the ID of the last message received of each topic, what the next connection
   * names to resume from (empty without `resume`).
   */
  get lastIds(): Readonly<Record<string, string>> {
    return this.#tracker?.lastIds ?? {};
  }

  /** The subprotocol the server chose on the open connection, else `''`. */
  get protocol(): string {
    return this.#open()?.protocol ?? '';
  }

  /** The extensions the server chose on the open connection, else `''`. */
  get extensions(): string {
    return this.#open()?.extensions ?? '';
  }

  /** Bytes sent but not yet on the wire: the open connection's buffer and the queue. */
  get bufferedAmount(): number {
    return (this.#open()?.bufferedAmount ?? 0) + this.#queue.bytes;
  }

  /** How many messages wait in the queue for a connection. */
  get queuedMessages(): number {
    return this.#queue.length;
  }

  /**
   * Sends a message now if a connection is open, else queues it for the next one.
   *
   * @returns `false` when the queue's overflow policy dropped a message, else `true`.
   * @throws {SendQueueFullError} when the queue is full under the `'throw'` policy.
   * @throws {SocketClosedError} after `close()`, or after the socket gave up.
   * @example
   * ```ts
   * socket.send('hello');
   * socket.send(new Uint8Array([1, 2, 3]));
   * ```
   */
  send(data: SendData): boolean {
    if (this.#closing || this.#state === 'closed') {
      throw new SocketClosedError(`the socket to ${this.#url} is closed: nothing more is sent`);
    }
    const socket = this.#open();
    if (socket === undefined) return this.#queue.push(data);
    socket.send(data);
    return true;
  }

  /**
   * Sends `value` as a JSON text message (see {@link ReconnectingSocket.send}).
   *
   * @example
   * ```ts
   * socket.sendJson({ type: 'join', room: 'lobby' });
   * ```
   */
  sendJson(value: Out): boolean {
    return this.send(JSON.stringify(value));
  }

  /**
   * Closes the connection with `code` and `reason` and stops reconnecting; what waits in the
   * queue is dropped. The `close` event follows when the connection has ended (at once when none
   * was open). Does nothing once closing or closed.
   *
   * @param code - 1000 (default) or 3000 to 4999, as the browser allows.
   * @param reason - at most 123 bytes as UTF-8.
   * @throws {RangeError} for another code; {SyntaxError} for a longer reason.
   * @example
   * ```ts
   * socket.close(4000, 'logged out');
   * ```
   */
  close(code = 1000, reason = ''): void {
    if (code !== 1000 && !(Number.isInteger(code) && code >= 3000 && code <= 4999)) {
      throw new RangeError(`close code ${code}: a page may send 1000 or 3000 to 4999`);
    }
    if (byteLengthOf(reason) > 123) throw new SyntaxError('a close reason is at most 123 bytes');
    if (this.#closing || this.#state === 'closed') return;
    this.#closing = true;
    this.#queue.clear();
    this.#stopWaiting();
    const socket = this.#socket;
    if (socket === undefined) {
      this.#attempt++; // a URL promise still pending is ignored
      this.#end({ code, reason, wasClean: true });
      return;
    }
    this.#setState('closing');
    socket.close(code, reason);
  }

  /** The socket of the open connection, or `undefined`. */
  #open(): WebSocketLike | undefined {
    const socket = this.#socket;
    return this.#state === 'open' && socket?.readyState === OPEN ? socket : undefined;
  }

  #connect(): void {
    if (this.#closing) return;
    const attempt = ++this.#attempt;
    const source = this.#source;
    if (typeof source !== 'function') {
      this.#openSocket(attempt, this.#url);
      return;
    }
    let url: string | URL | PromiseLike<string | URL>;
    try {
      url = source();
    } catch (error) {
      this.#attemptFailed(attempt, error);
      return;
    }
    if (typeof url === 'object' && 'then' in url) {
      url.then(
        (resolved) => this.#openResolved(attempt, resolved),
        (error: unknown) => this.#attemptFailed(attempt, error),
      );
    } else this.#openResolved(attempt, url);
  }

  #openResolved(attempt: number, url: string | URL): void {
    if (attempt !== this.#attempt) return;
    try {
      this.#url = resolveSocketUrl(url);
    } catch (error) {
      this.#attemptFailed(attempt, error);
      return;
    }
    this.#openSocket(attempt, this.#url);
  }

  #attemptFailed(attempt: number, error: unknown): void {
    if (attempt !== this.#attempt) return;
    this.emit('error', { error });
    this.#lost({ code: 1006, reason: '', wasClean: false });
  }

  #openSocket(attempt: number, url: string): void {
    let socket: WebSocketLike;
    const tracker = this.#tracker;
    try {
      socket =
        tracker === undefined
          ? new this.#WebSocket(url, this.#options.protocols)
          : new this.#WebSocket(tracker.resumeUrl(url), withResume(this.#options.protocols));
    } catch (error) {
      // A bad subprotocol or a refused URL: no later attempt would do better.
      this.emit('error', { error });
      this.#end({ code: 1006, reason: '', wasClean: false });
      return;
    }
    socket.binaryType = this.#options.binaryType ?? 'arraybuffer';
    this.#socket = socket;
    const current = (): boolean => this.#socket === socket && attempt === this.#attempt;
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      if (current()) this.#opened(socket);
    });
    socket.addEventListener('message', (event) => {
      if (current()) this.#received(event.data);
    });
    socket.addEventListener('close', (event) => {
      if (!current()) return;
      const { code, reason, wasClean } = event;
      this.#dropped({ code, reason, wasClean });
    });
    // A failed attempt ends at its error: browsers fire 'close' (1006) right after it, but Node
    // 22's WebSocket fires no 'close' for a refused connection. Later errors wait for 'close'.
    socket.addEventListener('error', () => {
      if (current() && !opened) {
        this.#dropped({ code: 1006, reason: '', wasClean: false });
      }
    });
    const timeoutMs = this.#options.connectTimeoutMs ?? 10_000;
    this.#connectTimer = this.#timers.setTimeout(() => {
      if (!current()) return;
      this.#socket = undefined;
      socket.close();
      this.#dropped({ code: 1006, reason: 'connect timeout', wasClean: false });
    }, timeoutMs);
  }

  #opened(socket: WebSocketLike): void {
    this.#timers.clearTimeout(this.#connectTimer);
    this.#tracker?.reset();
    this.#resuming = this.#tracker !== undefined && socket.protocol === RESUME_SUBPROTOCOL;
    if (this.#policy !== false) {
      this.#stableTimer = this.#timers.setTimeout(() => {
        this.#retries = 0;
      }, this.#policy.stableAfterMs);
    }
    const greeting = this.#options.greeting?.();
    if (greeting !== undefined) {
      for (const data of Array.isArray(greeting) ? greeting : [greeting]) socket.send(data);
    }
    for (let data = this.#queue.shift(); data !== undefined; data = this.#queue.shift()) {
      socket.send(data);
    }
    this.#setState('open');
    this.emit('open', { url: this.#url, protocol: socket.protocol, extensions: socket.extensions });
  }

  #received(data: unknown): void {
    if (this.#resuming) {
      const taken = (this.#tracker as ResumeTracker).take(data);
      if (taken.kind === 'marker') {
        if (taken.marker.resume === 'gone') this.emit('gone', { topic: taken.marker.topic });
        return;
      }
    }
    this.emit('message', { data: data as MessageData });
    if (typeof data !== 'string' || !this.listens('json')) return;
    let value: In;
    try {
      value = JSON.parse(data) as In;
    } catch (error) {
      this.emit('error', { error });
      return;
    }
    this.emit('json', { value });
  }

  /** The connection (or the attempt) ended without `close()` having been called, or with it. */
  #dropped(info: CloseInfo): void {
    this.#socket = undefined;
    this.#timers.clearTimeout(this.#connectTimer);
    this.#timers.clearTimeout(this.#stableTimer);
    if (this.#closing) this.#end(info);
    else this.#lost(info);
  }

  #lost(info: CloseInfo): void {
    const policy = this.#policy;
    const retry =
      policy !== false &&
      this.#retries < policy.maxRetries &&
      (this.#options.shouldReconnect ?? retryUnlessRefused)(info);
    if (!retry) {
      this.#end(info);
      return;
    }
    this.#setState('reconnecting');
    this.emit('close', { ...info, willReconnect: true });
    if (this.#closing) return; // a close listener called close()
    const attempt = ++this.#retries;
    const delayMs = backoffDelayMs(attempt, policy, (this.#options.random ?? Math.random)());
    this.emit('reconnecting', { attempt, delayMs });
    if (this.#closing) return;
    this.#retryTimer = this.#timers.setTimeout(() => this.#retryNow(), delayMs);
    if (this.#options.retryOnWake ?? true) this.#stopWake = watchWake(() => this.#retryNow());
  }

  #retryNow(): void {
    this.#stopWaiting();
    this.#connect();
  }

  #stopWaiting(): void {
    this.#timers.clearTimeout(this.#retryTimer);
    this.#stopWake?.();
    this.#stopWake = undefined;
  }

  #end(info: CloseInfo): void {
    this.#closing = true;
    this.#queue.clear();
    this.#setState('closed');
    this.emit('close', { ...info, willReconnect: false });
  }

  #setState(state: SocketState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.emit('statechange', { state, previous });
  }
}

/** The subprotocols to offer with `resume`: the application's, then `wsflow.resume.v1`. */
function withResume(protocols: string | string[] | undefined): string[] {
  const offered = protocols === undefined ? [] : Array.isArray(protocols) ? protocols : [protocols];
  return offered.includes(RESUME_SUBPROTOCOL) ? offered : [...offered, RESUME_SUBPROTOCOL];
}
