// Client layer: the events of wsflow's WHATWG-shaped WebSocket besides `open` (a plain Event)
// and `message` (the global MessageEvent): `close` and `error`, as the standard shapes them.

/**
 * The `close` event of wsflow's {@link WebSocket}: the WHATWG `CloseEvent` (named apart from
 * the global one of browsers and Node 23+).
 *
 * @example
 * ```ts
 * socket.addEventListener('close', (event) => console.log(event.code, event.reason, event.wasClean));
 * ```
 */
export class WebSocketCloseEvent extends Event {
  /** The close code: the peer's, 1005 for a Close without one, 1006 when none came. */
  readonly code: number;
  /** The close reason ('' without one). */
  readonly reason: string;
  /** Whether the close handshake completed. */
  readonly wasClean: boolean;

  /**
   * @param type - The event's type, `'close'`.
   * @param init - The code, the reason and whether the close was clean.
   */
  constructor(type: string, init: { code?: number; reason?: string; wasClean?: boolean } = {}) {
    super(type);
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
  }
}

/**
 * The `error` event of wsflow's {@link WebSocket}: a plain event as the standard fires, with what
 * failed as `error` (browsers tell a page nothing; Node can tell more), like undici's and ws'.
 *
 * @example
 * ```ts
 * socket.addEventListener('error', (event) => console.error(event.error));
 * ```
 */
export class WebSocketErrorEvent extends Event {
  /** What failed: a HandshakeError, or the ConnectionClosed that says why the connection failed. */
  readonly error: unknown;
  /** The error's message, or ''. */
  readonly message: string;

  /**
   * @param type - The event's type, `'error'`.
   * @param error - What failed.
   */
  constructor(type: string, error?: unknown) {
    super(type);
    this.error = error;
    this.message = error instanceof Error ? error.message : '';
  }
}
