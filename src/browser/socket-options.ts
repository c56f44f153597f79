// Browser client: what a ReconnectingSocket can be told, and what it tells its listeners.

import type { ReconnectOptions } from './backoff.js';
import type { QueueOptions, SendData } from './send-queue.js';
import type { WebSocketConstructor } from './web-socket.js';

/**
 * Where a {@link ReconnectingSocket} is: `'connecting'` until its first connection opens,
 * `'open'`, `'reconnecting'` from a lost or failed connection until the next one opens (waiting,
 * then trying), `'closing'` after `close()` until the connection's end, `'closed'` for good.
 */
export type SocketState = 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';

/** How a connection ended, as the WebSocket's `close` event says. */
export interface CloseInfo {
  /** The close code: 1006 when the connection failed or dropped without a close frame. */
  readonly code: number;
  readonly reason: string;
  /** Whether the close handshake completed. */
  readonly wasClean: boolean;
}

/** The timers the socket uses; the testkit's `VirtualClock` is one. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A message as the socket hands it over: text, or binary as `binaryType` asks. */
export type MessageData = string | ArrayBuffer | Blob;

/**
 * The events of a {@link ReconnectingSocket} and their payloads; `In` is the type `json`
 * listeners are told the parsed messages have (the socket does not check it).
 */
export interface ReconnectingSocketEvents<In = unknown> {
  /** A connection opened; the queued sends have gone out on it. */
  open: { readonly url: string; readonly protocol: string; readonly extensions: string };
  /** A message arrived. */
  message: { readonly data: MessageData };
  /** A text message arrived and parsed as JSON (parsed only while someone listens for this). */
  json: { readonly value: In };
  /**
   * A connection closed, or an attempt failed (code 1006); `willReconnect` says whether another
   * attempt follows.
   */
  close: CloseInfo & { readonly willReconnect: boolean };
  /** A retry is due in `delayMs`; `attempt` counts the retries in a row, from 1. */
  reconnecting: { readonly attempt: number; readonly delayMs: number };
  /** The state changed. */
  statechange: { readonly state: SocketState; readonly previous: SocketState };
  /**
   * With `resume`: the server no longer holds what followed the last message received of
   * `topic` (past its retention, or a server without replay). What was published there while
   * the socket was away is lost; messages from now on arrive. The application decides: fetch
   * the topic's state again, tell the user.
   */
  gone: { readonly topic: string };
  /**
   * Something the socket survives went wrong: a text message that is not JSON (while someone
   * listens for `json`), a URL function that threw or rejected (that attempt counts as failed),
   * a WebSocket constructor that threw (the socket closes for good).
   */
  error: { readonly error: unknown };
}

/**
 * How a {@link ReconnectingSocket} connects, retries and queues.
 *
 * @example
 * ```ts
 * const socket = new ReconnectingSocket(() => `/feed?token=${currentToken()}`, {
 *   protocols: ['feed.v1'],
 *   reconnect: { maxDelayMs: 10_000 },
 *   queue: { maxMessages: 100, overflow: 'drop-oldest' },
 * });
 * ```
 */
export interface ReconnectingSocketOptions {
  /** The subprotocols offered on every attempt (`Sec-WebSocket-Protocol`). */
  protocols?: string | string[];
  /** How binary messages arrive: `'arraybuffer'` (default) or `'blob'`. */
  binaryType?: 'arraybuffer' | 'blob';
  /** The backoff (see {@link ReconnectOptions}), or `false` never to retry. */
  reconnect?: ReconnectOptions | false;
  /**
   * Whether a close is worth retrying, after `close()` was not called. The default retries any
   * close but a server's 1000 (it ended the conversation) and 1008 (its policy refused us).
   */
  shouldReconnect?: (close: CloseInfo) => boolean;
  /** The bound on sends kept while no connection is open (see {@link QueueOptions}). */
  queue?: QueueOptions;
  /**
   * How long an attempt may take to open, in milliseconds (default 10 000); past it the attempt
   * counts as failed (1006) and a retry follows.
   */
  connectTimeoutMs?: number;
  /**
   * Retry at once, rather than at the end of the wait, when the browser goes online or the page
   * becomes visible (default `true`).
   */
  retryOnWake?: boolean;
  /**
   * Messages sent first on every connection, before the queued sends: an authentication token,
   * a point to resume from. Called at each open.
   */
  greeting?: () => SendData | readonly SendData[] | undefined;
  /**
   * Resume the hub's topics across reconnections (default `false`): offer the subprotocol
   * `wsflow.resume.v1`, read the markers a wsflow hub then sends (never handed to listeners),
   * and on every reconnection name the last message of each topic on the URL, so that the
   * server (any node, over Redis) sends what was missed before live messages, none twice. Past
   * its retention, a `gone` event. See docs/scaling.md, "Resumable sessions".
   */
  resume?: boolean;
  /**
   * The WebSocket constructor (default: the global `WebSocket`). Node 20 has none: pass
   * `WebSocket` from `wsflow` (wsflow's own client), or `ws`'s.
   */
  WebSocket?: WebSocketConstructor;
  /** The timers (default: the global `setTimeout`/`clearTimeout`). */
  timers?: Timers;
  /** Where the jitter's randomness comes from (default `Math.random`). */
  random?: () => number;
}
