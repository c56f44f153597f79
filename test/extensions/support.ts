// Test support for permessage-deflate: a raw client that shows every frame bit (RSV1 included),
// and one-shot deflate/inflate of messages as RFC 7692 section 7.2 puts them on the wire.

import { once } from 'node:events';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { constants, createDeflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import { peerFrame } from '../helpers/peer-frames.js';

const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** A message compressed from an empty context, trailer removed (7.2.1). */
export function deflateMessage(data: string | Uint8Array, windowBits = 15): Buffer {
  const out = deflateRawSync(data, { windowBits, finishFlush: constants.Z_SYNC_FLUSH });
  return out.subarray(0, out.length - 4);
}

/** A compressed payload inflated from an empty context (7.2.2: trailer appended). */
export function inflateMessage(payload: Uint8Array): Buffer {
  return inflateRawSync(Buffer.concat([payload, TRAILER]), {
    windowBits: 15,
    finishFlush: constants.Z_SYNC_FLUSH,
  });
}

/**
 * A decompression bomb: `bytes` zeros compressed as one message, built with a small buffer so
 * that the test process itself never holds the inflated size.
 */
export async function deflateZeros(bytes: number): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => chunks.push(chunk));
  const zeros = Buffer.alloc(1 << 20);
  for (let left = bytes; left > 0; left -= zeros.length) {
    if (!deflate.write(zeros.subarray(0, Math.min(left, zeros.length))))
      await once(deflate, 'drain');
  }
  await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
  deflate.close();
  const out = Buffer.concat(chunks);
  return out.subarray(0, out.length - 4);
}

/** One frame as the server sent it, every header bit kept. */
export interface RawFrame {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  payload: Buffer;
}

/** A client on a bare socket: handshake with chosen extensions, then frames in and out. */
export class RawDeflateClient {
  readonly socket: Socket;
  /** The Sec-WebSocket-Extensions of the 101 response, '' when absent. */
  readonly extensions: string;
  readonly ended: Promise<void>;
  #buffer: Buffer;
  #wake: (() => void) | undefined;

  private constructor(socket: Socket, extensions: string, leftover: Buffer) {
    this.socket = socket;
    this.extensions = extensions;
    this.#buffer = leftover;
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake?.();
    });
    socket.on('close', () => this.#wake?.());
  }

  /**
   * Connects to 127.0.0.1:`port` and completes the handshake.
   *
   * @param port - The server's port.
   * @param offer - The Sec-WebSocket-Extensions value, or undefined for none.
   */
  static async open(port: number, offer?: string): Promise<RawDeflateClient> {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    const lines = [
      'GET / HTTP/1.1',
      'Host: 127.0.0.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
    ];
    if (offer !== undefined) lines.push(`Sec-WebSocket-Extensions: ${offer}`);
    socket.write(lines.join('\r\n') + '\r\n\r\n');
    let received = Buffer.alloc(0);
    while (received.indexOf('\r\n\r\n') === -1) {
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      received = Buffer.concat([received, chunk]);
    }
    const end = received.indexOf('\r\n\r\n');
    const head = received.subarray(0, end).toString('latin1');
    if (!head.startsWith('HTTP/1.1 101')) throw new Error(`no upgrade: ${head}`);
    const line = head.split('\r\n').find((l) => /^sec-websocket-extensions:/i.test(l));
    const extensions = line === undefined ? '' : line.slice(line.indexOf(':') + 1).trim();
    return new RawDeflateClient(socket, extensions, received.subarray(end + 4));
  }

  /** Writes one masked frame: `firstByte` is FIN|RSV1|opcode, e.g. 0xc1 for compressed text. */
  send(firstByte: number, payload: Uint8Array | string): void {
    this.socket.write(peerFrame('server', firstByte, payload));
  }

  /** The next frame from the server; rejects when the socket closes first. */
  async frame(): Promise<RawFrame> {
    while (true) {
      const frame = this.#parse();
      if (frame !== undefined) return frame;
      if (this.socket.destroyed) throw new Error('socket closed before a frame');
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** The close code of the server's Close frame, skipping data frames before it. */
  async closeCode(): Promise<number> {
    while (true) {
      const frame = await this.frame();
      if (frame.opcode === 0x8) return frame.payload.readUInt16BE(0);
    }
  }

  #parse(): RawFrame | undefined {
    const b = this.#buffer;
    if (b.length < 2) return undefined;
    let length = b[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    if (b.length < offset + length) return undefined;
    this.#buffer = b.subarray(offset + length);
    const payload = Buffer.from(b.subarray(offset, offset + length));
    return { fin: (b[0] & 0x80) !== 0, rsv1: (b[0] & 0x40) !== 0, opcode: b[0] & 0x0f, payload };
  }
}
