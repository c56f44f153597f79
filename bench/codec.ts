// Codec benchmark: wsflow's frame parser and serializer side by side with ws's Receiver and
// Sender, in the same process and run, for 32 B, 1 KiB, 64 KiB and 1 MiB binary frames.
// Prints frames/s and MB/s for each, and the ratio wsflow/ws (higher is better for wsflow).

import { createRequire } from 'node:module';
import { Protocol } from '../src/protocol/protocol.js';
import { serializeFrame } from '../src/protocol/serializer.js';
import type { ProtocolHandler } from '../src/protocol/events.js';
import { Opcode } from '../src/codec/opcode.js';
import { loadOptionalNativeMask } from '../src/connection/native-mask.js';
import { formatRate, formatSize, median, printTable, timeRounds } from './harness.js';

// ws exports Receiver and Sender at run time, but its type declarations do not.
interface WsReceiver {
  on(event: 'message', listener: () => void): void;
  write(chunk: Buffer): boolean;
}
interface WsSender {
  send(data: Buffer, options: { binary: boolean; fin: boolean; mask: boolean }): void;
}
const ws = createRequire(import.meta.url)('ws') as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => WsReceiver;
  Sender: new (socket: unknown) => WsSender;
};
const { Receiver, Sender } = ws;
// What the first connection does in an application; ws uses bufferutil when installed too.
loadOptionalNativeMask();

const SIZES = [32, 1024, 64 * 1024, 1024 * 1024];
const BYTES_PER_ROUND = 16 * 1024 * 1024;
const SOCKET_CHUNK_BYTES = 64 * 1024;
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 1500);

/** Masked client frames cut into socket-sized chunks, as a server reads them. */
function clientStream(size: number, frames: number): Buffer[] {
  const payload = Buffer.alloc(size, 0x61);
  const frame = serializeFrame(Opcode.Binary, payload, { maskKey: 0x12345678 });
  const all = Buffer.allocUnsafe(frame.length * frames);
  for (let i = 0; i < frames; i++) all.set(frame, i * frame.length);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < all.length; offset += SOCKET_CHUNK_BYTES) {
    chunks.push(all.subarray(offset, offset + SOCKET_CHUNK_BYTES));
  }
  return chunks;
}

/** Fresh copies of the input: both parsers unmask in place. */
function copies(chunks: Buffer[]): Buffer[] {
  return chunks.map((chunk) => Buffer.from(chunk));
}

function countingHandler(counter: { messages: number }): ProtocolHandler {
  return {
    onMessageStart() {},
    onMessageData(_chunk, last) {
      if (last) counter.messages++;
    },
    onPing() {},
    onPong() {},
    onPeerClose() {},
    onProtocolError(error) {
      throw error;
    },
  };
}

function parseRound(parse: (chunks: Buffer[]) => number, chunks: Buffer[], frames: number) {
  let input = copies(chunks);
  return () => {
    const got = parse(input);
    if (got !== frames) throw new Error(`parsed ${got} of ${frames} frames`);
    input = copies(chunks);
  };
}

function wsflowParse(chunks: Buffer[]): number {
  const counter = { messages: 0 };
  const protocol = new Protocol({ side: 'server', handler: countingHandler(counter) });
  for (const chunk of chunks) protocol.receiveData(chunk);
  return counter.messages;
}

function wsParse(chunks: Buffer[]): number {
  let messages = 0;
  const receiver = new Receiver({ isServer: true, maxPayload: 0 });
  receiver.on('message', () => messages++);
  for (const chunk of chunks) receiver.write(chunk);
  return messages;
}

/** Serializes `frames` server frames (unmasked) and returns the bytes produced. */
function wsflowSerialize(payload: Buffer, frames: number): number {
  const protocol = new Protocol({ side: 'server', handler: countingHandler({ messages: 0 }) });
  let bytes = 0;
  for (let i = 0; i < frames; i++) {
    protocol.sendBinary(payload);
    if ((i & 63) === 63) for (const out of protocol.takeOutgoing()) bytes += out.length;
  }
  for (const out of protocol.takeOutgoing()) bytes += out.length;
  return bytes;
}

/** ws's Sender writing to a socket stand-in that only counts bytes. */
function wsSerialize(payload: Buffer, frames: number): number {
  let bytes = 0;
  const socket = {
    cork() {},
    uncork() {},
    write(data: Buffer) {
      bytes += data.length;
      return true;
    },
  };
  const sender = new Sender(socket);
  for (let i = 0; i < frames; i++) sender.send(payload, { binary: true, fin: true, mask: false });
  return bytes;
}

interface Measured {
  framesPerSecond: number;
  megabytesPerSecond: number;
}

function measure(round: () => void, frames: number, size: number): Measured {
  const ms = median(timeRounds(round, BUDGET_MS));
  const framesPerSecond = (frames / ms) * 1000;
  return { framesPerSecond, megabytesPerSecond: (framesPerSecond * size) / 1e6 };
}

function row(task: string, size: number, ours: Measured, theirs: Measured): string[] {
  return [
    task,
    formatSize(size),
    formatRate(ours.framesPerSecond),
    ours.megabytesPerSecond.toFixed(0),
    formatRate(theirs.framesPerSecond),
    theirs.megabytesPerSecond.toFixed(0),
    `${(ours.framesPerSecond / theirs.framesPerSecond).toFixed(2)}x`,
  ];
}

function main(): void {
  const rows: string[][] = [];
  for (const size of SIZES) {
    const frames = Math.max(4, Math.floor(BYTES_PER_ROUND / (size + 14)));
    const chunks = clientStream(size, frames);
    // Interleave the two sides so drift in machine load hits both alike.
    const theirs = measure(parseRound(wsParse, chunks, frames), frames, size);
    const ours = measure(parseRound(wsflowParse, chunks, frames), frames, size);
    rows.push(row('parse', size, ours, theirs));
    process.stderr.write('.');
  }
  for (const size of SIZES) {
    const frames = Math.max(4, Math.floor(BYTES_PER_ROUND / (size + 14)));
    const payload = Buffer.alloc(size, 0x62);
    const theirs = measure(() => void wsSerialize(payload, frames), frames, size);
    const ours = measure(() => void wsflowSerialize(payload, frames), frames, size);
    rows.push(row('serialize', size, ours, theirs));
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  console.log(`node ${process.version}, ${BUDGET_MS} ms per measurement, median of rounds`);
  printTable(['task', 'size', 'wsflow frames/s', 'MB/s', 'ws frames/s', 'MB/s', 'wsflow/ws'], rows);
}

main();
