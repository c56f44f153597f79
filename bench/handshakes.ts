// Handshakes per second: `concurrency` loops, each opening a raw connection, sending the upgrade
// request, reading the 101, then closing (a masked close frame, and the socket once the server
// has ended it), for a fixed duration. Everything a connection sends is built once up front and
// replies are read into one shared buffer with plain callbacks, so nearly all the generator's
// cost is the kernel's (connect, write, close), which no client avoids. A plain TCP cycle
// (connect, a 16-byte echo, close) against a `net` echo server is the floor: what the kernel
// and Node's socket machinery cost a server per connection before any WebSocket work.

import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

// RFC 6455's sample key: every request is the same bytes, and so is the accept value to expect.
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = createHash('sha1')
  .update(KEY + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
  .digest('base64');
const EXPECTED_STATUS = Buffer.from('HTTP/1.1 101 ', 'latin1');
const ACCEPT_VALUE = Buffer.from(`: ${ACCEPT}\r\n`, 'latin1');
const ACCEPT_NAME = '\r\nsec-websocket-accept';
// FIN + Close, masked with a zero key, body: code 1000.
const CLOSE_FRAME = Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]);
/** What a plain TCP cycle sends and waits to have echoed. */
const TCP_PROBE = Buffer.alloc(16, 0x61);
/** The longest wait for the server's end after the close frame (as before: 1 s). */
const END_TIMEOUT_MS = 1000;

/**
 * The loopback source addresses the loops connect from, in turn. The server closes first, so
 * its side keeps each connection's 4-tuple in TIME_WAIT for a minute; from one source address the
 * client's 28k ports run out within seconds at 10k cycles/s, and connects start to fail. Spread
 * over 127.0.0.2-251 (all loopback), the tuples last the whole benchmark.
 */
const SOURCE_ADDRESSES = Array.from({ length: 250 }, (_, i) => `127.0.0.${i + 2}`);
let nextSource = 0;

/**
 * The upgrade request for `path` on a server on 127.0.0.1:`port`, with the Origin a browser
 * sends (the routed server's guard checks it against a wildcard; every kind reads it).
 */
function buildRequest(port: number, path: string): Buffer {
  return Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Origin: https://app.example.com\r\n' +
      `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    'latin1',
  );
}

/** True when a complete response head is a 101 with the right Sec-WebSocket-Accept. */
function isAccepted(head: Buffer): boolean {
  if (head.compare(EXPECTED_STATUS, 0, EXPECTED_STATUS.length, 0, EXPECTED_STATUS.length) !== 0) {
    return false;
  }
  const at = head.indexOf(ACCEPT_VALUE);
  if (at < ACCEPT_NAME.length) return false;
  // Header names are case-insensitive (both servers write ': ' before the value).
  return head.toString('latin1', at - ACCEPT_NAME.length, at).toLowerCase() === ACCEPT_NAME;
}

/** Shared by every socket: `onread` fills it and the callback consumes it synchronously. */
const READ_BUFFER = Buffer.allocUnsafe(16 * 1024);

/** Where in a run of bytes `\r\n\r\n` ends, given how much of it the previous chunk ended with. */
function scanHeadEnd(
  bytes: Buffer,
  length: number,
  matched: number,
): { end: number; matched: number } {
  for (let i = 0; i < length; i++) {
    const byte = bytes[i];
    if (byte === (matched % 2 === 0 ? 0x0d : 0x0a)) matched++;
    else matched = byte === 0x0d ? 1 : 0;
    if (matched === 4) return { end: i + 1, matched };
  }
  return { end: -1, matched };
}

/** One loop: connection after connection until the deadline, reporting each outcome. */
class HandshakeLoop {
  #socket: Socket | undefined;
  #head: Buffer[] = [];
  #matched = 0;
  #closing = false;
  #startedAt = 0;
  #echoed = 0;

  constructor(
    private readonly port: number,
    private readonly tcp: boolean,
    private readonly request: Buffer,
    private readonly deadline: number,
    private readonly report: (ok: boolean) => void,
    private readonly done: () => void,
  ) {}

  start(): void {
    if (performance.now() >= this.deadline) return this.done();
    this.#head = [];
    this.#matched = 0;
    this.#closing = false;
    this.#echoed = 0;
    this.#startedAt = performance.now();
    const socket: Socket = connect({
      port: this.port,
      host: '127.0.0.1',
      localAddress: SOURCE_ADDRESSES[nextSource++ % SOURCE_ADDRESSES.length],
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number): boolean => this.#socket !== socket || this.#onRead(n),
      },
    });
    this.#socket = socket;
    // Events of a socket already given up on must not finish its successor.
    const finish = (): void => {
      if (this.#socket === socket) this.#finish(this.#closing);
    };
    socket.on('error', () => undefined); // then 'close', with #closing false before the 101
    socket.on('end', finish);
    socket.on('close', finish);
    socket.write(this.request);
  }

  /** Gives up on a connection stuck longer than the end timeout (checked by a shared sweep). */
  sweep(now: number): void {
    if (this.#socket !== undefined && now - this.#startedAt > END_TIMEOUT_MS) {
      this.#finish(this.#closing);
    }
  }

  #onRead(length: number): boolean {
    if (this.#closing) return true; // the server's close frame: not parsed, only waited past
    if (this.tcp) return this.#onTcpEcho(length);
    const { end, matched } = scanHeadEnd(READ_BUFFER, length, this.#matched);
    this.#matched = matched;
    this.#head.push(Buffer.from(READ_BUFFER.subarray(0, end === -1 ? length : end)));
    if (end === -1) {
      if (this.#head.length > 64) this.#finish(false);
      return true;
    }
    const head = this.#head.length === 1 ? this.#head[0] : Buffer.concat(this.#head);
    if (!isAccepted(head)) {
      this.#finish(false);
      return true;
    }
    this.#closing = true;
    this.#socket?.write(CLOSE_FRAME);
    return true;
  }

  /** The plain TCP cycle: once the 16 bytes are back, end ours and wait for the server's end. */
  #onTcpEcho(length: number): boolean {
    this.#echoed += length;
    if (this.#echoed >= TCP_PROBE.length) {
      this.#closing = true;
      this.#socket?.end();
    }
    return true;
  }

  #finish(ok: boolean): void {
    const socket = this.#socket;
    if (socket === undefined) return;
    this.#socket = undefined;
    socket.destroy();
    this.report(ok);
    // On a later turn: a failing server must not turn this into deep recursion.
    setImmediate(() => this.start());
  }
}

/** Options of {@link measureHandshakes}. */
export interface HandshakeOptions {
  /** A plain TCP cycle (16-byte echo) instead of a WebSocket handshake. */
  tcp?: boolean;
  /** The request target of each upgrade. Default '/'. */
  path?: string;
  /** Reads the server's CPU time (µs), for the CPU per cycle. */
  serverCpuMicros?: () => Promise<number>;
}

/**
 * Completed handshakes per second over `durationMs`, with `concurrency` parallel loops, the
 * share of one core this (load) process used meanwhile, and the server's CPU time per completed
 * cycle (µs). A connection counts as failed when the response is not a 101 with the right
 * Sec-WebSocket-Accept, or the socket fails first.
 */
export async function measureHandshakes(
  port: number,
  durationMs: number,
  concurrency: number,
  options: HandshakeOptions = {},
): Promise<{
  rate: number;
  completed: number;
  failed: number;
  loadCpu: number;
  serverCpuPerCycle: number;
}> {
  let completed = 0;
  let failed = 0;
  const tcp = options.tcp === true;
  const request = tcp ? TCP_PROBE : buildRequest(port, options.path ?? '/');
  const serverAtStart = await options.serverCpuMicros?.();
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();
  const deadline = startedAt + durationMs;
  await new Promise<void>((resolve) => {
    let running = concurrency;
    const report = (ok: boolean): void => {
      if (ok) completed++;
      else failed++;
    };
    const done = (): void => {
      if (--running === 0) {
        clearInterval(sweeper);
        resolve();
      }
    };
    const loops = Array.from(
      { length: concurrency },
      () => new HandshakeLoop(port, tcp, request, deadline, report, done),
    );
    const sweeper = setInterval(() => {
      const now = performance.now();
      for (const loop of loops) loop.sweep(now);
    }, 100);
    for (const loop of loops) loop.start();
  });
  const elapsed = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuAtStart);
  const serverAtEnd = await options.serverCpuMicros?.();
  const loadCpu = (cpu.user + cpu.system) / 1000 / elapsed;
  const serverCpuPerCycle =
    serverAtStart === undefined || serverAtEnd === undefined
      ? NaN
      : (serverAtEnd - serverAtStart) / Math.max(1, completed);
  return { rate: (completed / elapsed) * 1000, completed, failed, loadCpu, serverCpuPerCycle };
}
