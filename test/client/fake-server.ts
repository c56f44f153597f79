// Test support for the client layer: the server end of an in-memory transport — reads the
// client's request head, answers as told (a 101 by default), then speaks through a Connection.

import type { Duplex } from 'node:stream';
import { Connection } from '../../src/connection/connection.js';
import { computeAccept } from '../../src/protocol/handshake.js';

/** What the fake server read, and the connection it started (on a 101). */
export interface FakeAccept {
  /** The request head as text. */
  request: string;
  /** The server side of the connection; undefined when the answer was not a 101. */
  connection: Connection | undefined;
}

/** Reads bytes from `end` until the request head is complete. */
function readRequestHead(end: Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const onData = (chunk: Buffer): void => {
      received += chunk.toString('latin1');
      if (!received.includes('\r\n\r\n')) return;
      end.off('data', onData);
      end.pause();
      resolve(received);
    };
    end.on('data', onData);
    end.once('close', () => reject(new Error('closed before the request head')));
  });
}

/**
 * Answers the request on `end` with a valid 101 (plus `after`, bytes written with it), or with
 * `answer(key)` when given, and starts a server Connection after a 101.
 *
 * @param end - The server end of a pair.
 * @param options - A custom answer, made from the request's key, and bytes to send right after.
 * @returns The request text and the connection.
 */
export async function acceptOn(
  end: Duplex,
  options: { answer?: (key: string) => string | Buffer; after?: Uint8Array } = {},
): Promise<FakeAccept> {
  const request = await readRequestHead(end);
  const key = /sec-websocket-key: *(\S+)/i.exec(request)?.[1] ?? '';
  const answer =
    options.answer?.(key) ??
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${computeAccept(key)}\r\n\r\n`;
  const head = Buffer.concat([
    Buffer.from(answer as string, 'latin1'),
    options.after ?? new Uint8Array(),
  ]);
  end.write(head);
  if (!head.toString('latin1').startsWith('HTTP/1.1 101'))
    return { request, connection: undefined };
  end.resume();
  return { request, connection: new Connection(end, { side: 'server' }) };
}
