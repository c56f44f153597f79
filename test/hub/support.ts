// Test support for the hub: a Router served on a free port, and subscribers on bare sockets that
// read cheaply (frames parsed from a chunk list, no copy per chunk), or not at all until told.

import type { Socket } from 'node:net';
import { serve } from '../../src/index.js';
import type { Router, ServeOptions, WebSocketServer } from '../../src/index.js';
import { rawUpgrade } from '../server/support.js';

/** Serves `router` on a free port for the length of `test`. */
export async function withRoutes(
  router: Router,
  test: (server: WebSocketServer, port: number) => Promise<void>,
  options: Partial<ServeOptions> = {},
): Promise<void> {
  const server = await serve({ ...options, port: 0, handler: router } as ServeOptions);
  try {
    await test(server, server.address.port);
  } finally {
    await server.close({ timeoutMs: 200 });
  }
}

/** One frame a subscriber received. */
export interface ReceivedFrame {
  readonly opcode: number;
  readonly rsv1: boolean;
  readonly payload: Buffer;
}

/**
 * A subscriber on a bare socket. Reading starts at once, or with `paused` only when `resume()`
 * is called (a peer that does not read: the kernel's buffers fill, then the server's).
 */
export class Subscriber {
  readonly socket: Socket;
  readonly frames: ReceivedFrame[] = [];
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #wake: (() => void) | undefined;

  private constructor(socket: Socket, leftover: Buffer) {
    this.socket = socket;
    if (leftover.length > 0) this.#push(leftover);
    socket.on('data', (chunk: Buffer) => this.#push(chunk));
    socket.on('close', () => this.#wake?.());
  }

  /** Opens a socket to `path` and completes the handshake (extra request headers optional). */
  static async open(
    port: number,
    path: string,
    options: { paused?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Subscriber> {
    const { socket, leftover } = await rawUpgrade(port, path, options.headers);
    const subscriber = new Subscriber(socket, leftover);
    if (options.paused !== true) socket.resume();
    return subscriber;
  }

  /** Starts (or goes on) reading. */
  resume(): void {
    this.socket.resume();
  }

  /** Waits until `count` frames arrived in all (or the socket closed); returns them. */
  async receive(count: number): Promise<ReceivedFrame[]> {
    while (this.frames.length < count && !this.socket.destroyed) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    return this.frames;
  }

  /** Waits until a Close frame arrived (or the socket closed). */
  async closeFrame(): Promise<ReceivedFrame | undefined> {
    for (;;) {
      const last = this.frames.at(-1);
      if (last?.opcode === 8) return last;
      if (this.socket.destroyed) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  #push(chunk: Buffer): void {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    this.#parse();
    this.#wake?.();
  }

  #parse(): void {
    for (;;) {
      if (this.#pendingBytes < 2) return;
      if (this.#pending[0].length < 14 && this.#pending.length > 1) this.#join();
      const head = this.#pending[0];
      let length = head[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (head.length < 4) return;
        length = head.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (head.length < 10) return;
        length = Number(head.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.#pendingBytes < offset + length) return;
      if (head.length < offset + length) this.#join();
      const all = this.#pending[0];
      this.frames.push({
        opcode: all[0] & 0x0f,
        rsv1: (all[0] & 0x40) !== 0,
        payload: all.subarray(offset, offset + length),
      });
      const rest = all.subarray(offset + length);
      this.#pendingBytes -= offset + length;
      if (rest.length === 0) this.#pending.shift();
      else this.#pending[0] = rest;
    }
  }

  #join(): void {
    this.#pending = [Buffer.concat(this.#pending)];
  }
}

/** The texts of text frames. */
export function texts(frames: readonly ReceivedFrame[]): string[] {
  return frames.filter((frame) => frame.opcode === 1).map((frame) => frame.payload.toString());
}
