// Transform layer: Play's String and ByteString transformers. `text()` takes text messages as
// strings, `bytes()` binary messages as Uint8Array; a message of the other kind closes with 1003.

import type { MessageLike } from '../message/message.js';
import { byteLimit } from './limits.js';
import { bytesOf, textOf, unsupported } from './payload.js';
import { CodecTransformer } from './transformer.js';
import type { MessageFlowTransformer } from './transformer.js';

/** Options of {@link text} and {@link bytes}. */
export interface PayloadTransformerOptions {
  /**
   * The most bytes one incoming message may hold; a bigger one closes with 1009. A Streamed
   * message is collected up to it. Default: no bound of its own (the connection's
   * `maxMessageBytes`, 16 MiB unless set, applies).
   */
  maxBytes?: number;
}

const identity = <T>(value: T): MessageLike => value as MessageLike;

/**
 * Text messages as strings, both ways (Play's String `MessageFlowTransformer`). A Streamed
 * message is collected whole first; a binary message closes the connection with 1003 "text
 * messages only".
 *
 * @param options - `maxBytes`, the bound of one incoming message.
 * @returns the transformer.
 * @throws RangeError for a `maxBytes` that is not a number >= 0.
 * @example
 * ```ts
 * const hello = text().transform(map((name) => `Hello ${name}!`));
 * ```
 */
export function text(
  options: PayloadTransformerOptions = {},
): MessageFlowTransformer<string, string> {
  const maxBytes = byteLimit('text({ maxBytes })', options.maxBytes, Infinity);
  return new CodecTransformer<string, string>((message) => {
    if (!message.isText) throw unsupported(message, 'text messages only');
    return textOf(message, maxBytes);
  }, identity);
}

/**
 * Binary messages as `Uint8Array`, both ways (Play's ByteString `MessageFlowTransformer`). A
 * Streamed message is collected whole first; a text message closes the connection with 1003
 * "binary messages only". Received bytes may be views of what was read: copy them to keep
 * them changed.
 *
 * @param options - `maxBytes`, the bound of one incoming message.
 * @returns the transformer.
 * @throws RangeError for a `maxBytes` that is not a number >= 0.
 * @example
 * ```ts
 * const reversed = bytes().transform(map((data) => data.slice().reverse()));
 * ```
 */
export function bytes(
  options: PayloadTransformerOptions = {},
): MessageFlowTransformer<Uint8Array, Uint8Array> {
  const maxBytes = byteLimit('bytes({ maxBytes })', options.maxBytes, Infinity);
  return new CodecTransformer<Uint8Array, Uint8Array>((message) => {
    if (!message.isBinary) throw unsupported(message, 'binary messages only');
    return bytesOf(message, maxBytes);
  }, identity);
}
