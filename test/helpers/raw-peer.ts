// Test helper: the far end of a connection played by a bare sans-I/O Protocol on one end of a
// duplex pair. It records what it receives and sends frames exactly as told.

import type { Duplex } from 'node:stream';
import type { ProtocolError } from '../../src/errors.js';
import type { MessageKind, ProtocolHandler, Side } from '../../src/protocol/events.js';
import { Protocol } from '../../src/protocol/protocol.js';

/** What the raw peer saw, in order. */
export type PeerEvent =
  | { type: 'message'; kind: MessageKind; data: Buffer; parts: number }
  | { type: 'part'; data: Buffer; last: boolean }
  | { type: 'ping'; data: Buffer }
  | { type: 'pong'; data: Buffer }
  | { type: 'close'; code: number; reason: string }
  | { type: 'error'; error: ProtocolError }
  | { type: 'eof' };

/** A far end that speaks through a raw Protocol and records every event. */
export class RawPeer implements ProtocolHandler {
  readonly protocol: Protocol;
  readonly events: PeerEvent[] = [];
  readonly socket: Duplex;
  #chunks: Buffer[] = [];
  #kind: MessageKind = 'binary';
  #wake: (() => void) | undefined;

  /**
   * @param socket - the far end of the pair.
   * @param side - the side the peer plays (the opposite of the connection under test).
   */
  constructor(socket: Duplex, side: Side) {
    this.socket = socket;
    this.protocol = new Protocol({ side, handler: this });
    socket.on('data', (chunk: Buffer) => {
      this.protocol.receiveData(chunk);
      this.flush();
      if (this.protocol.closeTransportExpected()) socket.end();
    });
    socket.on('end', () => {
      this.protocol.receiveEof();
      this.#record({ type: 'eof' });
    });
    socket.on('error', () => undefined);
  }

  /** Writes what the protocol has queued. */
  flush(): void {
    for (const bytes of this.protocol.takeOutgoing()) this.socket.write(bytes);
  }

  /** Sends a whole text message in one frame. */
  text(data: string): this {
    this.protocol.sendText(data);
    this.flush();
    return this;
  }

  /** Sends a whole binary message in one frame. */
  binary(data: Uint8Array): this {
    this.protocol.sendBinary(data);
    this.flush();
    return this;
  }

  /** Sends a Close. */
  close(code?: number, reason?: string): this {
    this.protocol.sendClose(code, reason);
    this.flush();
    return this;
  }

  /** Waits for the next event of `type` (skipping others) and returns it. */
  async next<T extends PeerEvent['type']>(type: T): Promise<Extract<PeerEvent, { type: T }>> {
    while (true) {
      const at = this.events.findIndex((event) => event.type === type);
      if (at !== -1) return this.events.splice(0, at + 1)[at] as Extract<PeerEvent, { type: T }>;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Waits for the next message and returns its text. */
  async nextText(): Promise<string> {
    return (await this.next('message')).data.toString('utf8');
  }

  onMessageStart(kind: MessageKind): void {
    this.#kind = kind;
    this.#chunks = [];
  }

  onMessageData(chunk: Uint8Array, last: boolean): void {
    this.#chunks.push(Buffer.from(chunk));
    this.#partCount++;
    this.#record({ type: 'part', data: Buffer.from(chunk), last });
    if (!last) return;
    const data = Buffer.concat(this.#chunks);
    this.#record({ type: 'message', kind: this.#kind, data, parts: this.#partCount });
    this.#partCount = 0;
  }

  #partCount = 0;

  onPing(payload: Uint8Array): void {
    this.#record({ type: 'ping', data: Buffer.from(payload) });
  }

  onPong(payload: Uint8Array): void {
    this.#record({ type: 'pong', data: Buffer.from(payload) });
  }

  onPeerClose(code: number, reason: string): void {
    this.#record({ type: 'close', code, reason });
  }

  onProtocolError(error: ProtocolError): void {
    this.#record({ type: 'error', error });
  }

  #record(event: PeerEvent): void {
    this.events.push(event);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
