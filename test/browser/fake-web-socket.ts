// A WebSocket the test drives by hand: it opens, receives, drops and closes when told, and keeps
// what the client sent. Each fakeWebSockets() call makes its own class and list of instances.

import type {
  CloseEventLike,
  MessageEventLike,
  SendData,
  WebSocketConstructor,
  WebSocketLike,
} from '../../src/browser/index.js';

type Handler = (event: never) => void;

/** One socket the client made. */
export interface FakeSocket extends WebSocketLike {
  readonly url: string;
  readonly protocols?: string | string[];
  readonly sent: SendData[];
  /** The code and reason of the client's close(), if it called it. */
  readonly closedWith: { code?: number; reason?: string } | undefined;
  /** The server accepts: readyState OPEN, 'open' fires. */
  accept(protocol?: string): void;
  /** A message from the server. */
  receive(data: unknown): void;
  /** An 'error' event, and nothing else (as Node 22's WebSocket does for a refused connection). */
  error(): void;
  /** The connection ends: readyState CLOSED, 'close' fires. */
  end(code: number, reason?: string, wasClean?: boolean): void;
}

/** A WebSocket constructor for the client's `WebSocket` option, and the sockets it made. */
export function fakeWebSockets(): { WebSocket: WebSocketConstructor; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  class FakeWebSocket implements FakeSocket {
    readyState = 0;
    protocol = '';
    extensions = '';
    bufferedAmount = 0;
    binaryType = 'blob';
    readonly sent: SendData[] = [];
    closedWith: { code?: number; reason?: string } | undefined;
    readonly #handlers = new Map<string, Handler[]>();

    constructor(
      readonly url: string,
      readonly protocols?: string | string[],
    ) {
      sockets.push(this);
    }

    addEventListener(type: string, listener: Handler): void {
      this.#handlers.set(type, [...(this.#handlers.get(type) ?? []), listener]);
    }

    send(data: SendData): void {
      if (this.readyState !== 1) throw new Error(`send in readyState ${this.readyState}`);
      this.sent.push(data);
    }

    close(code?: number, reason?: string): void {
      this.closedWith = { code, reason };
      if (this.readyState < 2) this.readyState = 2;
    }

    accept(protocol = ''): void {
      this.readyState = 1;
      this.protocol = protocol;
      this.#fire('open', {});
    }

    receive(data: unknown): void {
      this.#fire('message', { data } satisfies MessageEventLike);
    }

    error(): void {
      this.#fire('error', {});
    }

    end(code: number, reason = '', wasClean = code !== 1006): void {
      this.readyState = 3;
      this.#fire('close', { code, reason, wasClean } satisfies CloseEventLike);
    }

    #fire(type: string, event: object): void {
      for (const handler of this.#handlers.get(type) ?? []) (handler as (e: object) => void)(event);
    }
  }
  return { WebSocket: FakeWebSocket, sockets };
}
