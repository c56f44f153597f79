// Test support for the server layer: ws clients that report how they ended, raw HTTP exchanges
// for hostile handshakes, and a raw WebSocket client that writes and reads frames byte by byte.

import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { ClientOptions } from 'ws';
import { echo, serve } from '../../src/index.js';
import type { ServeOptions, WebSocketServer } from '../../src/index.js';

/** RFC 6455's sample key, valid for every request. */
export const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** A ws client that is open, with its received messages queued. */
export interface OpenClient {
  ws: WebSocket;
  /** The next message: its data and whether it was binary. */
  next(): Promise<{ data: Buffer; isBinary: boolean }>;
  /** How the connection ended: the close code and reason the client saw. */
  closed: Promise<{ code: number; reason: string }>;
}

/**
 * Opens a ws client and queues what it receives.
 *
 * @param url - The server URL.
 * @param protocols - Subprotocols to offer.
 * @param options - ws client options.
 * @returns The open client.
 */
export async function openClient(
  url: string,
  protocols: string[] = [],
  options: ClientOptions = {},
): Promise<OpenClient> {
  const ws = new WebSocket(url, protocols, options);
  const queue: { data: Buffer; isBinary: boolean }[] = [];
  const waiters: ((message: { data: Buffer; isBinary: boolean }) => void)[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter({ data, isBinary });
    else queue.push({ data, isBinary });
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() }));
  });
  await once(ws, 'open');
  const next = (): Promise<{ data: Buffer; isBinary: boolean }> => {
    const queued = queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => waiters.push(resolve));
  };
  return { ws, next, closed };
}

/** A plain HTTP response as a ws client sees it on 'unexpected-response'. */
export interface RefusedHandshake {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Connects with ws, expecting the server to answer with plain HTTP instead of a 101.
 *
 * @param url - The server URL.
 * @param protocols - Subprotocols to offer.
 * @returns The status, headers and body of the response.
 */
export async function expectRefused(
  url: string,
  protocols: string[] = [],
): Promise<RefusedHandshake> {
  const ws = new WebSocket(url, protocols);
  ws.on('error', () => undefined);
  const [request, response] = (await once(ws, 'unexpected-response')) as [
    { destroy(): void },
    IncomingMessage,
  ];
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  request.destroy();
  const body = Buffer.concat(chunks).toString('utf8');
  return { status: response.statusCode ?? 0, headers: response.headers, body };
}

/** A raw HTTP response, parsed from the bytes. */
export interface RawHttpResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends raw request bytes and reads the response until the server closes the socket or the body
 * announced by Content-Length is complete.
 *
 * @param port - The server port on 127.0.0.1.
 * @param request - The whole request, head and body.
 * @returns The parsed response.
 */
export async function rawExchange(port: number, request: string): Promise<RawHttpResponse> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(request);
  let received = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const tryParse = (ended: boolean): void => {
      const parsed = parseResponse(received, ended);
      if (parsed === undefined) return;
      socket.destroy();
      resolve(parsed);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      tryParse(false);
    });
    socket.on('close', () => {
      tryParse(true);
      reject(new Error(`no complete response: ${JSON.stringify(received.toString('latin1'))}`));
    });
  });
}

/** Parses a response once its head and body are complete; undefined when more is needed. */
function parseResponse(bytes: Buffer, ended: boolean): RawHttpResponse | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const body = bytes.subarray(end + 4);
  const length = headers['content-length'];
  if (length !== undefined ? body.length < Number(length) : !ended) return undefined;
  const status = Number(statusLine.split(' ')[1]);
  return { status, headers, body: body.toString('utf8') };
}

/**
 * An upgrade request with the given edits: `undefined` removes a header.
 *
 * @param edits - Header values to replace or remove.
 * @param requestLine - The first line, `GET / HTTP/1.1` by default.
 * @returns The request text.
 */
export function upgradeRequest(
  edits: Record<string, string | undefined> = {},
  requestLine = 'GET / HTTP/1.1',
): string {
  const headers: Record<string, string | undefined> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': KEY,
    'Sec-WebSocket-Version': '13',
    ...edits,
  };
  const lines = Object.entries(headers)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}: ${value}`);
  return [requestLine, ...lines].join('\r\n') + '\r\n\r\n';
}

/** One frame as the server sent it. */
export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/**
 * Opens a socket to 127.0.0.1:`port` and completes a WebSocket handshake for `path` by hand.
 *
 * @param port - The server's port.
 * @param path - The request target.
 * @param headers - Extra request headers.
 * @returns The socket, paused, and the bytes that came after the 101's head.
 * @throws When the server answers anything but 101.
 */
export async function rawUpgrade(
  port: number,
  path = '/',
  headers: Record<string, string> = {},
): Promise<{ socket: Socket; leftover: Buffer }> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(upgradeRequest(headers, `GET ${path} HTTP/1.1`));
  let head = Buffer.alloc(0);
  while (head.indexOf('\r\n\r\n') === -1) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    head = Buffer.concat([head, chunk]);
  }
  const end = head.indexOf('\r\n\r\n') + 4;
  const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
  if (!statusLine.startsWith('HTTP/1.1 101 ')) throw new Error(`not upgraded: ${statusLine}`);
  socket.pause();
  return { socket, leftover: head.subarray(end) };
}

/** A WebSocket client on a bare socket: writes masked frames, reads the server's frames. */
export class RawClient {
  readonly socket: Socket;
  /** Resolves when the socket is closed. */
  readonly ended: Promise<void>;
  #buffer: Buffer;
  #wake: (() => void) | undefined;

  private constructor(socket: Socket, leftover: Buffer) {
    this.socket = socket;
    this.#buffer = leftover;
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake?.();
    });
    socket.on('end', () => this.#wake?.());
    socket.on('close', () => this.#wake?.());
  }

  /**
   * Opens a socket and completes the handshake.
   *
   * @param port - The server port on 127.0.0.1.
   * @param path - The request path.
   * @returns The client, after the 101.
   * @throws When the server answers anything but 101.
   */
  static async connect(port: number, path = '/'): Promise<RawClient> {
    const { socket, leftover } = await rawUpgrade(port, path);
    const client = new RawClient(socket, leftover);
    socket.resume();
    return client;
  }

  /**
   * Sends one masked frame.
   *
   * @param opcode - 0 continuation, 1 text, 2 binary, 8 close, 9 ping.
   * @param payload - The payload.
   * @param fin - Whether this is the last frame of its message.
   */
  send(opcode: number, payload: string | Uint8Array, fin = true): void {
    this.socket.write(maskedFrame(opcode, payload, fin));
  }

  /** Reads the next whole frame; rejects if the socket ends first. */
  async nextFrame(): Promise<Frame> {
    for (;;) {
      const frame = takeFrame(this.#buffer);
      if (frame !== undefined) {
        this.#buffer = this.#buffer.subarray(frame.size);
        return frame.frame;
      }
      if (this.socket.readableEnded || this.socket.destroyed) throw new Error('socket ended');
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }
}

/** A client frame: FIN, opcode, mask bit, length, key, masked payload. */
export function maskedFrame(opcode: number, payload: string | Uint8Array, fin = true): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  const key = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  const length = data.length;
  let head: Buffer;
  if (length < 126) {
    head = Buffer.from([0, 0x80 | length]);
  } else if (length < 65536) {
    head = Buffer.from([0, 0x80 | 126, length >> 8, length & 0xff]);
  } else {
    head = Buffer.alloc(10);
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  head[0] = (fin ? 0x80 : 0) | opcode;
  const masked = Buffer.from(data.map((byte, i) => byte ^ key[i % 4]));
  return Buffer.concat([head, key, masked]);
}

/** Parses one unmasked server frame from the front of `bytes`. */
function takeFrame(bytes: Buffer): { frame: Frame; size: number } | undefined {
  if (bytes.length < 2) return undefined;
  let length = bytes[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (bytes.length < 4) return undefined;
    length = bytes.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return undefined;
    length = Number(bytes.readBigUInt64BE(2));
    offset = 10;
  }
  if (bytes.length < offset + length) return undefined;
  const frame = {
    fin: (bytes[0] & 0x80) !== 0,
    opcode: bytes[0] & 0x0f,
    payload: Buffer.from(bytes.subarray(offset, offset + length)),
  };
  return { frame, size: offset + length };
}

/** The code and reason of a Close frame payload. */
export function closePayload(payload: Buffer): { code: number; reason: string } {
  if (payload.length < 2) return { code: 1005, reason: '' };
  return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') };
}

/** A Close frame payload with a code and reason. */
export function closeBody(code: number, reason = ''): Buffer {
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code, 0);
  body.write(reason, 2);
  return body;
}

/** Runs `test` against a fresh echo server made by serve() with `options`; closes it after. */
export async function withServer(
  options: Partial<ServeOptions>,
  test: (server: WebSocketServer) => Promise<void>,
): Promise<void> {
  const server = await serve({ flow: echo(), ...options, port: 0 } as ServeOptions);
  try {
    await test(server);
  } finally {
    await server.close();
  }
}
