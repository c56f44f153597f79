// Browser client: the part of the WHATWG WebSocket it uses, as structural types, so that the
// browser's own, Node's global one (22 and later), the `ws` package's and a test's fake all fit.

/** The `readyState` of an open WebSocket. */
export const OPEN = 1;

/** What the client reads of a `message` event. */
export interface MessageEventLike {
  readonly data: unknown;
}

/** What the client reads of a `close` event. */
export interface CloseEventLike {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/** The WebSocket members the client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  readonly extensions: string;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
  addEventListener(type: 'close', listener: (event: CloseEventLike) => void): void;
}

/** A WebSocket constructor: `WebSocket` itself in a browser. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** The global WebSocket, or `undefined` where there is none (Node before 22). */
export function globalWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}
