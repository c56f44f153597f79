// Client layer: the events the high-level socket hands out from receive() besides messages — the
// close (always last) and, when auto-pong is off, the server's Pings.

import type { CloseCause, CloseOutcome } from '../protocol/events.js';

/**
 * The connection closed (sttp's `WebSocketEvent.Close`): what `WebSocketClient.receive()`
 * returns last. Named apart from the global `CloseEvent` of browsers and Node 23+.
 *
 * @example
 * ```ts
 * const event = await socket.receive();
 * if (event instanceof ClientCloseEvent) console.log('closed', event.code, event.reason);
 * ```
 */
export class ClientCloseEvent implements CloseOutcome {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  readonly closedBy: CloseOutcome['closedBy'];
  readonly cause: CloseCause;

  /** @param outcome - How the connection ended. */
  constructor(outcome: CloseOutcome) {
    this.code = outcome.code;
    this.reason = outcome.reason;
    this.wasClean = outcome.wasClean;
    this.closedBy = outcome.closedBy;
    this.cause = outcome.cause;
  }
}

/**
 * A Ping from the server, received only when auto-pong is off: answer it with `pong(payload)`.
 *
 * @example
 * ```ts
 * const event = await socket.receive();
 * if (event instanceof ClientPingEvent) socket.pong(event.payload);
 * ```
 */
export class ClientPingEvent {
  /** @param payload - The Ping's payload (a copy, at most 125 bytes). */
  constructor(readonly payload: Uint8Array) {}
}
