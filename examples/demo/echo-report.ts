// The echo pane's server side: every message is answered with a report of how it arrived,
// text or binary, Strict (whole, in one piece) or Streamed (its parts as they came off the
// socket), its size and how many parts it came in, and its first characters. A message of up to
// `aggregateMessageBytes` (1 MiB by default) is Strict; a bigger one still arriving when a read
// from the socket ends is Streamed, and is read here part by part, never held whole.

import { map } from '../../src/index.js';
import type { Message, MessageFlow, StrictMessage } from '../../src/index.js';

/** What the echo pane is told about each message. */
export interface EchoReport {
  readonly kind: 'text' | 'binary';
  readonly delivery: 'Strict' | 'Streamed';
  /** The payload's size in bytes (text as UTF-8). */
  readonly bytes: number;
  /** 1 for a Strict message; the chunks of its stream for a Streamed one. */
  readonly parts: number;
  /** The first characters of a text message (or bytes, in hex), as an echo. */
  readonly preview: string;
}

/** How much of a message the report echoes. */
const PREVIEW_CHARS = 80;

/** The echo pane's flow: a report per message, as JSON text. */
export function echoReports(): MessageFlow {
  return map(async (message: Message) => JSON.stringify(await reportOf(message)));
}

/** Reads a message (a Streamed one to its end: the drain rule) and says how it came. */
export async function reportOf(message: Message): Promise<EchoReport> {
  if (message.isStrict) return strictReport(message);
  const kind = message.isText ? 'text' : 'binary';
  const chunks: AsyncIterable<string | Uint8Array> = message.isText
    ? message.textStream
    : message.dataStream;
  let bytes = 0;
  let parts = 0;
  let preview = '';
  for await (const chunk of chunks) {
    if (parts++ === 0) preview = previewOf(chunk);
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
  }
  return { kind, delivery: 'Streamed', bytes, parts, preview };
}

function strictReport(message: StrictMessage): EchoReport {
  const payload = message.isText ? message.text : message.data;
  return {
    kind: message.isText ? 'text' : 'binary',
    delivery: 'Strict',
    bytes: typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength,
    parts: 1,
    preview: previewOf(payload),
  };
}

/** The first characters of text, or the first bytes in hex. */
function previewOf(payload: string | Uint8Array): string {
  if (typeof payload === 'string') return payload.slice(0, PREVIEW_CHARS);
  return Buffer.from(payload.subarray(0, PREVIEW_CHARS / 2)).toString('hex');
}
