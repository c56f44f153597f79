// Message layer: messages → protocol send calls (Akka's MessageToFrameRenderer). A Strict message is
// one frame; a Streamed one is a first frame, continuations as chunks arrive, and an empty final frame.

import { EMPTY } from '../codec/bytes.js';
import { BinaryMessage, TextMessage, strictPayload, strictPayloadParts } from './message.js';
import type { Message, MessageLike } from './message.js';
import { PingMessage, PongMessage } from './control.js';

/** The protocol's send calls (a subset of `Protocol`); `compressed` sets RSV1. */
export interface FrameSender {
  sendText(data: string | Uint8Array, fin?: boolean, compressed?: boolean): void;
  sendBinary(data: Uint8Array, fin?: boolean, compressed?: boolean): void;
  sendContinuation(data: string | Uint8Array, fin: boolean): void;
  sendPing(data: Uint8Array): void;
  sendPong(data: Uint8Array): void;
  /**
   * A whole message as one frame whose payload is `parts`, written without joining them (a
   * received message that arrived in several reads, sent on). Optional: without it such a
   * message is joined and sent with `sendText` / `sendBinary`.
   */
  sendWholeMessage?(kind: 'text' | 'binary', parts: readonly Uint8Array[]): void;
}

/** A {@link FrameSender} that also reports write backpressure. */
export interface RenderTarget extends FrameSender {
  /** A promise while the transport cannot take more bytes, else `undefined`. */
  ready(): Promise<void> | undefined;
}

/**
 * Sends a Strict message, a string, a Uint8Array, a Ping or a Pong as a single frame.
 *
 * @param sender - where the frame goes.
 * @param value - what to send.
 * @returns `true` when sent, `false` when `value` is a Streamed message (nothing was sent:
 *   use {@link renderStreamed}).
 * @throws TypeError when `value` is not a message, a string or a Uint8Array; whatever the
 *   sender throws (InvalidStateError after Close).
 * @example
 * ```ts
 * if (!renderStrict(protocol, message)) await renderStreamed(target, message);
 * ```
 */
export function renderStrict(sender: FrameSender, value: MessageLike): boolean {
  if (typeof value === 'string') {
    sender.sendText(value);
  } else if (value instanceof Uint8Array) {
    sender.sendBinary(value);
  } else if (value instanceof TextMessage) {
    if (sentAsParts(sender, value)) return true;
    const payload = strictPayload(value);
    if (payload === undefined) return false;
    sender.sendText(payload);
  } else if (value instanceof BinaryMessage) {
    if (sentAsParts(sender, value)) return true;
    const payload = strictPayload(value) as Uint8Array | undefined;
    if (payload === undefined) return false;
    sender.sendBinary(payload);
  } else if (value instanceof PingMessage) {
    sender.sendPing(value.data);
  } else if (value instanceof PongMessage) {
    sender.sendPong(value.data);
  } else {
    throw new TypeError('cannot send this value: expected a Message, a string or a Uint8Array');
  }
  return true;
}

/** Sends a Strict message still in the parts it was received in, when the sender takes parts. */
function sentAsParts(sender: FrameSender, value: Message): boolean {
  const payload = strictPayloadParts(value);
  if (payload === undefined || sender.sendWholeMessage === undefined) return false;
  sender.sendWholeMessage(value.isText ? 'text' : 'binary', payload.parts);
  return true;
}

/**
 * Sends a message chunk by chunk as it is read: the first chunk opens the message
 * (`fin = false`), the next ones are continuations, and an empty final continuation ends it.
 * An empty stream becomes one empty frame. Waits for `target.ready()` after each chunk.
 *
 * @param target - where the frames go, and its write backpressure.
 * @param message - the message; a Strict one is sent as a one-chunk stream.
 * @param compress - permessage-deflate: turns the chunks into compressed frame payloads; the
 *   first frame then carries RSV1.
 * @returns a promise settled when the final frame was handed to the target.
 * @throws whatever the message's stream fails with (the message is then left unfinished: the
 *   caller must close the connection), or TypeError for a non-Uint8Array chunk in a binary stream.
 */
export async function renderStreamed(
  target: RenderTarget,
  message: Message,
  compress?: TransformStream<string | Uint8Array, Uint8Array>,
): Promise<void> {
  const text = message.isText;
  const source: ReadableStream<string | Uint8Array> = text
    ? message.textStream
    : message.dataStream;
  const stream = compress === undefined ? source : source.pipeThrough(compress);
  const compressed = compress !== undefined;
  const reader = stream.getReader();
  let started = false;
  try {
    while (true) {
      const step = await reader.read();
      if (step.done) break;
      const chunk = step.value;
      if (!text && !(chunk instanceof Uint8Array))
        throw new TypeError('binary stream chunks must be Uint8Array');
      if (chunk.length === 0) continue;
      if (started) target.sendContinuation(chunk, false);
      else if (text) target.sendText(chunk, false, compressed);
      else target.sendBinary(chunk as Uint8Array, false, compressed);
      started = true;
      const wait = target.ready();
      if (wait !== undefined) await wait;
    }
  } catch (error) {
    reader.cancel(error).catch(() => undefined);
    throw error;
  } finally {
    reader.releaseLock();
  }
  if (started) target.sendContinuation(EMPTY, true);
  else if (text) target.sendText('', true);
  else target.sendBinary(EMPTY, true);
}
