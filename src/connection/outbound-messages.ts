// Connection layer: the messages a writer sends, told to `wsflow:message` while someone listens
// (the writer checks `hasSubscribers` before calling in here): a message in one frame at once, one
// in several frames at its last, and a hub's prepared frames by reading their headers.

import { Opcode } from '../codec/opcode.js';
import { FrameHeader, parseFrameHeader } from '../codec/frame-header.js';
import type { MessageKind, Side } from '../protocol/events.js';
import { messageChannel } from './channels.js';
import type { MessagePayload } from './channels.js';

/**
 * Counts the frames of the outgoing messages of one connection and publishes each message once
 * its last frame is sent. Made on the first message sent while someone listens.
 */
export class OutboundMessages {
  readonly #face: object;
  readonly #side: Side;
  /** The message whose frames are being sent, when it took more than one. */
  #open: { kind: MessageKind; compressed: boolean; bytes: number } | undefined;

  /**
   * @param face - the public Connection.
   * @param side - its side.
   */
  constructor(face: object, side: Side) {
    this.#face = face;
    this.#side = side;
  }

  /**
   * A frame of a message was sent.
   *
   * @param kind - the message's kind for its first frame, undefined for a continuation.
   * @param data - the payload: a string is counted as UTF-8.
   * @param fin - whether it ends the message.
   * @param compressed - whether the message is compressed (its first frame's RSV1).
   */
  frameSent(
    kind: MessageKind | undefined,
    data: string | Uint8Array,
    fin: boolean,
    compressed: boolean,
  ): void {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.#frame(kind, bytes, fin, compressed);
  }

  /**
   * A whole message was sent in one frame whose payload is `parts`.
   *
   * @param kind - the message's kind.
   * @param parts - its payload, in parts.
   */
  wholeSent(kind: MessageKind, parts: readonly Uint8Array[]): void {
    let bytes = 0;
    for (let i = 0; i < parts.length; i++) bytes += parts[i].length;
    this.#frame(kind, bytes, true, false);
  }

  /**
   * Prepared frames (a hub's) were sent: each data message in them is told, read from the
   * frame headers.
   *
   * @param frames - whole frames, unmasked.
   */
  framesSent(frames: Uint8Array): void {
    const header = new FrameHeader();
    let at = 0;
    while (at < frames.length) {
      const headerLength = parseFrameHeader(frames, at, frames.length, header);
      if (headerLength === 0) return; // not whole frames: nothing more to read
      at += headerLength + header.payloadLength;
      const { opcode } = header;
      if (opcode >= Opcode.Close) continue; // control frames are not messages
      const kind =
        opcode === Opcode.Text ? 'text' : opcode === Opcode.Binary ? 'binary' : undefined;
      this.#frame(kind, header.payloadLength, header.fin, header.rsv1);
    }
  }

  #frame(kind: MessageKind | undefined, bytes: number, fin: boolean, compressed: boolean): void {
    if (kind !== undefined && fin) {
      this.#open = undefined;
      this.#publish(kind, bytes, compressed);
      return;
    }
    if (kind !== undefined) {
      this.#open = { kind, compressed, bytes };
      return;
    }
    const open = this.#open;
    if (open === undefined) return; // it began before anyone listened
    open.bytes += bytes;
    if (!fin) return;
    this.#open = undefined;
    this.#publish(open.kind, open.bytes, open.compressed);
  }

  #publish(kind: MessageKind, bytes: number, compressed: boolean): void {
    const side = this.#side;
    const message: MessagePayload = {
      connection: this.#face,
      side,
      direction: 'out',
      kind,
      bytes,
      compressed,
    };
    messageChannel.publish(message);
  }
}
