// Hub layer: one message, framed once for every subscriber of a topic — the plain frame, and a
// compressed one per deflate setting for subscribers whose server side resets its context after
// every message (server_no_context_takeover), since those can share the same compressed bytes.

import { constants, deflateRawSync } from 'node:zlib';
import { encodeFrameHeader, encodedHeaderLength } from '../codec/frame-header.js';
import { Opcode } from '../codec/opcode.js';
import type { TopicMessage } from './topic-message.js';

/** Raw deflate ends a sync flush with 00 00 ff ff; RFC 7692 section 7.2.1 removes it. */
const SYNC_FLUSH_TRAILER_BYTES = 4;

/**
 * How a subscriber may take a shared compressed frame: a key of its deflate parameters (equal
 * keys share one frame), and the size under which it is sent plain. Undefined when it cannot.
 */
export interface SharedDeflate {
  readonly key: number;
  readonly windowBits: number;
  readonly level: number;
  readonly memLevel: number;
  readonly threshold: number;
}

/**
 * The frames of one topic message, each made the first time a subscriber needs it.
 *
 * @example
 * const frames = new TopicFrames({ kind: 'text', data: Buffer.from('hi') });
 * frames.plain(); // <81 02 68 69>
 */
export class TopicFrames {
  readonly #message: TopicMessage;
  #plain: Uint8Array | undefined;
  /** Compressed frames by {@link SharedDeflate.key} (made on the first compressed subscriber). */
  #compressed: Map<number, Uint8Array> | undefined;

  constructor(message: TopicMessage) {
    this.#message = message;
  }

  /** The message these frames carry. */
  get message(): TopicMessage {
    return this.#message;
  }

  /** The frame for a subscriber: compressed when it shares deflate and the message is big enough. */
  for(deflate: SharedDeflate | undefined): Uint8Array {
    if (deflate === undefined || this.#message.data.length < deflate.threshold) return this.plain();
    const compressed = (this.#compressed ??= new Map());
    let frame = compressed.get(deflate.key);
    if (frame === undefined) {
      frame = this.#frame(compress(this.#message.data, deflate), true);
      compressed.set(deflate.key, frame);
    }
    return frame;
  }

  /** The uncompressed frame, header and payload in one buffer. */
  plain(): Uint8Array {
    return (this.#plain ??= this.#frame(this.#message.data, false));
  }

  #frame(payload: Uint8Array, rsv1: boolean): Uint8Array {
    const opcode = this.#message.kind === 'text' ? Opcode.Text : Opcode.Binary;
    const headerLength = encodedHeaderLength(payload.length, false);
    const frame = Buffer.allocUnsafe(headerLength + payload.length);
    encodeFrameHeader(frame, 0, true, rsv1, opcode, payload.length, false, 0);
    frame.set(payload, headerLength);
    return frame;
  }
}

/**
 * Compresses a whole message with a fresh context, as permessage-deflate without context
 * takeover does for each message: synchronously, once for every subscriber that shares it
 * (an async zlib job would hold back the topic's later messages, which must keep their order).
 */
function compress(data: Uint8Array, deflate: SharedDeflate): Uint8Array {
  const output = deflateRawSync(data, {
    windowBits: deflate.windowBits,
    level: deflate.level,
    memLevel: deflate.memLevel,
    finishFlush: constants.Z_SYNC_FLUSH,
  });
  // An empty message compresses to a single 0x00 byte (the header of an empty stored block).
  return output.length <= SYNC_FLUSH_TRAILER_BYTES
    ? Buffer.alloc(1)
    : output.subarray(0, output.length - SYNC_FLUSH_TRAILER_BYTES);
}

/**
 * Whether a subscriber can take shared compressed frames, from what its handshake agreed:
 * deflate with server_no_context_takeover, and a window zlib can honour exactly (9 to 15 bits;
 * zlib widens 8 to 9, more than such a client allows).
 *
 * @param negotiated - What the handshake agreed (parameters and the server's settings), or
 *   undefined without deflate.
 * @returns The sharing key and settings, or undefined (the subscriber gets plain frames).
 * @example
 * sharedDeflateOf(negotiatedDeflateOf(connection));
 */
export function sharedDeflateOf(
  negotiated:
    | {
        readonly params: { serverNoContextTakeover: boolean; serverMaxWindowBits: number };
        readonly settings: { level: number; memLevel: number; threshold: number };
      }
    | undefined,
): SharedDeflate | undefined {
  if (negotiated === undefined) return undefined;
  const { params, settings } = negotiated;
  const windowBits = params.serverMaxWindowBits;
  if (!params.serverNoContextTakeover || windowBits < 9) return undefined;
  const { level, memLevel, threshold } = settings;
  // level is -1 to 9, memLevel 1 to 9, windowBits 9 to 15: one small integer names the three.
  const key = ((windowBits * 16 + (level + 1)) * 16 + memLevel) | 0;
  return { key, windowBits, level, memLevel, threshold };
}
