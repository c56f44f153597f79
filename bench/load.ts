// Echo load generator: raw sockets with pre-built masked frames, so the generator costs far less
// than the server it measures. Counts echoed bytes instead of parsing the replies.

import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { serializeFrame } from '../src/protocol/serializer.js';
import { encodedHeaderLength } from '../src/codec/frame-header.js';
import { Opcode } from '../src/codec/opcode.js';

/** One load run's settings. */
export interface LoadOptions {
  port: number;
  /** Skip the HTTP upgrade and expect the bytes back as sent (the plain TCP ceiling). */
  rawTcp: boolean;
  connections: number;
  /** Messages in flight per connection. */
  inflight: number;
  messageBytes: number;
  /** Binary frames of 'a' bytes (default), or text frames of a JSON document of that size. */
  payload?: Payload;
  warmupMs: number;
  measureMs: number;
}

/** What the load sends: binary bytes, or JSON text in canonical form (it echoes byte for byte). */
export type Payload = 'binary' | 'json';

/**
 * A JSON document of exactly `size` bytes, in the form JSON.stringify writes (so a parse and
 * serialize echo gives the same bytes back): objects with numbers, strings, booleans and an array,
 * padded with a string. At least 21 bytes.
 */
export function jsonDocument(size: number): string {
  const items: { id: number; name: string; active: boolean }[] = [];
  const documentOf = (pad: string): string => JSON.stringify({ items, pad });
  const itemBytes = JSON.stringify({ id: 0, name: 'item 0', active: true }).length + 1;
  while (documentOf('').length + itemBytes + 8 < size) {
    items.push({ id: items.length, name: `item ${items.length}`, active: items.length % 2 === 0 });
  }
  const missing = size - documentOf('').length;
  if (missing < 0) throw new RangeError(`a JSON document takes at least 21 bytes, not ${size}`);
  return documentOf('a'.repeat(missing));
}

/**
 * Opens a raw socket and performs the opening handshake by hand; resolves with the socket and the
 * response head once the 101 has arrived. `extraHeaders` are added to the request (CRLF-ended);
 * `path` is the request target (default '/').
 */
export async function openRawWebSocket(
  port: number,
  extraHeaders = '',
  path = '/',
): Promise<{ socket: Socket; head: string }> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  const key = randomBytes(16).toString('base64');
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extraHeaders}\r\n`,
  );
  let head = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('error', onError);
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(head.split('\r\n')[0]));
      else if (end + 4 < head.length) reject(new Error('unexpected bytes after the handshake'));
      else resolve();
    };
    const onError = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.on('data', onData);
    socket.once('error', onError);
  });
  return { socket, head };
}

async function openWebSocket(port: number): Promise<Socket> {
  return (await openRawWebSocket(port)).socket;
}

async function openSocket(options: LoadOptions): Promise<Socket> {
  if (!options.rawTcp) return openWebSocket(options.port);
  const socket = connect({ port: options.port, host: '127.0.0.1', noDelay: true });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

/** Drives one socket: keeps `inflight` messages outstanding, counts completed echoes. */
function drive(
  socket: Socket,
  frames: Buffer,
  frameBytes: number,
  replyBytes: number,
  counter: { n: number },
) {
  let received = 0;
  let completed = 0;
  socket.on('error', () => undefined); // resets at teardown are expected
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    const done = Math.floor(received / replyBytes) - completed;
    if (done <= 0) return;
    completed += done;
    counter.n += done;
    socket.write(frames.subarray(0, done * frameBytes));
  });
  socket.write(frames);
}

/** Runs one load: returns echoed messages per second over the measuring window. */
export async function runLoad(options: LoadOptions): Promise<number> {
  return (await runLoadMeasured(options)).rate;
}

/**
 * Runs one load: returns echoed messages per second over the measuring window, and the share of
 * one core this (load) process used meanwhile; near 1 means the generator, not the server, limits.
 */
export async function runLoadMeasured(
  options: LoadOptions,
  serverCpuMicros?: () => Promise<number>,
): Promise<{ rate: number; loadCpu: number; serverCpuPerMessage: number }> {
  const json = options.payload === 'json';
  const payload = json
    ? Buffer.from(jsonDocument(options.messageBytes))
    : Buffer.alloc(options.messageBytes, 0x61);
  const opcode = json ? Opcode.Text : Opcode.Binary;
  const frame = serializeFrame(opcode, payload, { maskKey: 0x0badf00d });
  const frames = Buffer.concat(Array.from({ length: options.inflight }, () => frame));
  const replyBytes = options.rawTcp
    ? frame.length
    : encodedHeaderLength(options.messageBytes, false) + options.messageBytes;
  const sockets = await Promise.all(
    Array.from({ length: options.connections }, () => openSocket(options)),
  );
  const counter = { n: 0 };
  for (const socket of sockets) drive(socket, frames, frame.length, replyBytes, counter);
  await new Promise((resolve) => setTimeout(resolve, options.warmupMs));
  const serverAtStart = await serverCpuMicros?.();
  const start = counter.n;
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, options.measureMs));
  const elapsedMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuAtStart);
  const echoed = counter.n - start;
  const serverAtEnd = await serverCpuMicros?.();
  const rate = (echoed / elapsedMs) * 1000;
  const loadCpu = (cpu.user + cpu.system) / 1000 / elapsedMs;
  for (const socket of sockets) socket.destroy();
  // µs of server CPU per echoed message (NaN without a way to read it).
  const serverCpuPerMessage =
    serverAtStart === undefined || serverAtEnd === undefined
      ? NaN
      : (serverAtEnd - serverAtStart) / Math.max(1, echoed);
  return { rate, loadCpu, serverCpuPerMessage };
}
