// Memory per idle connection: the server child's RSS (after a forced GC) before and after this
// process opens N idle raw-socket connections to it, divided by N. Deflate variants offer
// permessage-deflate in each handshake and, in the "+msg" variants, send one compressed message
// so each connection's zlib contexts exist, then stay idle past wsflow's contextIdleMs.

import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { constants, deflateRawSync } from 'node:zlib';
import { DEFAULT_CONTEXT_IDLE_MS } from '../src/extensions/deflate-options.js';
import { openRawWebSocket } from './load.js';
import { startServer } from './processes.js';
import type { ServerMemory } from './processes.js';
import { handshakePathOf } from './server-kinds.js';
import type { ServerKind } from './server-kinds.js';

/** One idle-memory variant: a server kind and what each client does. */
export interface RssVariant {
  name: string;
  kind: ServerKind;
  offerDeflate: boolean;
  sendCompressed: boolean;
}

export const RSS_VARIANTS: readonly RssVariant[] = [
  { name: 'wsflow', kind: 'wsflow', offerDeflate: false, sendCompressed: false },
  { name: 'wsflow stream', kind: 'wsflow-stream', offerDeflate: false, sendCompressed: false },
  { name: 'wsflow sink', kind: 'wsflow-sink', offerDeflate: false, sendCompressed: false },
  { name: 'wsflow routed', kind: 'wsflow-routed', offerDeflate: false, sendCompressed: false },
  { name: 'wsflow actor', kind: 'wsflow-actor', offerDeflate: false, sendCompressed: false },
  { name: 'wsflow deflate', kind: 'wsflow-deflate', offerDeflate: true, sendCompressed: false },
  { name: 'wsflow deflate+msg', kind: 'wsflow-deflate', offerDeflate: true, sendCompressed: true },
  { name: 'ws', kind: 'ws', offerDeflate: false, sendCompressed: false },
  { name: 'ws deflate', kind: 'ws-deflate', offerDeflate: true, sendCompressed: false },
  { name: 'ws deflate+msg', kind: 'ws-deflate', offerDeflate: true, sendCompressed: true },
  { name: 'tcp', kind: 'tcp', offerDeflate: false, sendCompressed: false },
];

/** One variant's result. */
export interface RssResult {
  variant: string;
  connections: number;
  /** Whether every server response accepted permessage-deflate (deflate variants only). */
  negotiated?: boolean;
  before: ServerMemory;
  after: ServerMemory;
  rssPerConnection: number;
  heapPerConnection: number;
}

const OFFER = 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n';

/** A masked (zero key) FIN+RSV1 text frame holding 2 KiB of text, compressed. */
function compressedFrame(): Buffer {
  const text = Buffer.from('{"event":"tick","value":42}'.repeat(76));
  const deflated = deflateRawSync(text, { finishFlush: constants.Z_SYNC_FLUSH });
  const body = deflated.subarray(0, deflated.length - 4); // RFC 7692 7.2.1: drop 00 00 ff ff
  if (body.length > 125) throw new Error('compressed message too long for a 7-bit length');
  return Buffer.concat([Buffer.from([0xc1, 0x80 | body.length, 0, 0, 0, 0]), body]);
}

/** The open-file limit of this process (as the shell reports it), or Infinity. */
export function fileLimit(): number {
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return text === 'unlimited' ? Infinity : Number(text);
  } catch {
    return Infinity;
  }
}

/** The number of connections that fits the file limit, with a margin. */
export function connectionsWithinLimit(wanted: number): number {
  return Math.max(1, Math.min(wanted, fileLimit() - 256));
}

async function openIdle(port: number, variant: RssVariant, frame: Buffer) {
  if (variant.kind === 'tcp') {
    const socket = connect({ port, host: '127.0.0.1' });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.on('error', () => undefined);
    return { socket, negotiated: true };
  }
  // The routed server's guard wants the Origin a browser sends; the others ignore it.
  const headers = `${variant.offerDeflate ? OFFER : ''}Origin: https://app.example.com\r\n`;
  const { socket, head } = await openRawWebSocket(port, headers, handshakePathOf(variant.kind));
  socket.on('error', () => undefined);
  const negotiated = /sec-websocket-extensions:\s*permessage-deflate/i.test(head);
  if (variant.sendCompressed && negotiated) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000);
      socket.once('data', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.write(frame);
    });
  }
  socket.on('data', () => undefined);
  return { socket, negotiated };
}

/** Opens `connections` idle connections to a fresh server of the variant; measures its memory. */
export async function measureRss(
  variant: RssVariant,
  connections: number,
  onProgress?: (opened: number) => void,
): Promise<RssResult> {
  const server = await startServer(variant.kind);
  const sockets: Socket[] = [];
  try {
    const frame = compressedFrame();
    const before = await server.memory();
    let negotiated = true;
    const batch = 100;
    for (let opened = 0; opened < connections; opened += batch) {
      const count = Math.min(batch, connections - opened);
      const results = await Promise.all(
        Array.from({ length: count }, () => openIdle(server.port, variant, frame)),
      );
      for (const result of results) {
        sockets.push(result.socket);
        negotiated &&= result.negotiated;
      }
      if (opened % 1000 === 0) onProgress?.(opened + count);
    }
    // After a compressed message, wait until wsflow's idle zlib streams are released (ws keeps
    // its own for the connection's life): both servers are measured after the same wait.
    const settleMs = variant.sendCompressed ? DEFAULT_CONTEXT_IDLE_MS + 1000 : 500;
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const after = await server.memory();
    return {
      variant: variant.name,
      connections,
      ...(variant.offerDeflate ? { negotiated } : {}),
      before,
      after,
      rssPerConnection: (after.rss - before.rss) / connections,
      heapPerConnection:
        (after.heapUsed + after.external - before.heapUsed - before.external) / connections,
    };
  } finally {
    for (const socket of sockets) socket.destroy();
    await server.stop();
  }
}
