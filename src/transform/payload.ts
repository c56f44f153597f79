// Transform layer: the whole payload of a message for a decoder. A Strict one is at hand; a
// Streamed one is collected up to the transformer's byte limit (the connection's
// `maxMessageBytes` bounds it too), and one over the limit closes with 1009 before it is whole.

import { CloseCode } from '../codec/close-code.js';
import { ErrorCode, ProtocolError, WebSocketError } from '../errors.js';
import { discardMessage, strictPayload } from '../message/message.js';
import type { BinaryMessage, Message, TextMessage } from '../message/message.js';
import { collectStream, concatBytes } from '../message/streams.js';

const utf8Size = (chunk: string): number => Buffer.byteLength(chunk, 'utf8');
const byteSize = (chunk: Uint8Array): number => chunk.byteLength;

/**
 * The text of a text message, at once when Strict, else once collected.
 *
 * @param message - a text message.
 * @param maxBytes - the most UTF-8 bytes it may hold (Infinity for no bound of its own).
 * @returns the text, or a promise of it.
 * @throws ProtocolError 1009 (`WSFLOW_ERR_MESSAGE_TOO_BIG`) past `maxBytes`.
 */
export function textOf(message: TextMessage, maxBytes: number): string | Promise<string> {
  if (!message.isStrict) {
    const collected = collectStream(message.textStream, undefined, { maxBytes, sizeOf: utf8Size });
    return collected.then(({ chunks }) => chunks.join(''), overLimit(maxBytes));
  }
  if (maxBytes !== Infinity && textExceeds(message, maxBytes)) throw tooBig(maxBytes);
  return message.text;
}

/**
 * The bytes of a binary message, at once when Strict, else once collected.
 *
 * @param message - a binary message.
 * @param maxBytes - the most bytes it may hold (Infinity for no bound of its own).
 * @returns the bytes, or a promise of them.
 * @throws ProtocolError 1009 (`WSFLOW_ERR_MESSAGE_TOO_BIG`) past `maxBytes`.
 */
export function bytesOf(
  message: BinaryMessage,
  maxBytes: number,
): Uint8Array | Promise<Uint8Array> {
  if (!message.isStrict) {
    const collected = collectStream(message.dataStream, undefined, { maxBytes, sizeOf: byteSize });
    return collected.then(
      ({ chunks, bytes }) => (chunks.length === 0 ? new Uint8Array(0) : concatBytes(chunks, bytes)),
      overLimit(maxBytes),
    );
  }
  if (message.data.byteLength > maxBytes) throw tooBig(maxBytes);
  return message.data;
}

/**
 * Refuses a message of the wrong kind: 1003 (RFC 6455 7.4.1, "a type of data it cannot accept").
 *
 * @param message - the message, dropped (a Streamed body is cancelled).
 * @param reason - the close reason, e.g. 'text messages only'.
 * @returns the error to throw.
 */
export function unsupported(message: Message, reason: string): ProtocolError {
  discardMessage(message);
  return new ProtocolError(ErrorCode.UnsupportedData, reason, CloseCode.UnsupportedData);
}

/** Whether a Strict text holds more than `maxBytes` of UTF-8, decoding nothing to know. */
function textExceeds(message: TextMessage & { isStrict: true }, maxBytes: number): boolean {
  const payload = strictPayload(message);
  if (payload === undefined) return false;
  if (typeof payload !== 'string') return payload.byteLength > maxBytes;
  // A UTF-16 code unit takes 1 to 3 bytes of UTF-8.
  if (payload.length > maxBytes) return true;
  return payload.length * 3 > maxBytes && utf8Size(payload) > maxBytes;
}

function tooBig(maxBytes: number): ProtocolError {
  const reason = `message over ${maxBytes} bytes`;
  return new ProtocolError(ErrorCode.MessageTooBig, reason, CloseCode.MessageTooBig);
}

/** collectStream's overflow (a plain WebSocketError) as the 1009 it means here. */
function overLimit(maxBytes: number): (error: unknown) => never {
  return (error) => {
    if (error instanceof WebSocketError && error.code === ErrorCode.MessageTooBig) {
      throw tooBig(maxBytes);
    }
    throw error;
  };
}
