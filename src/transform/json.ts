// Transform layer: Play's JsValue transformer. Incoming text (or UTF-8 binary, as Play reads it)
// is parsed, bounded in size and depth; outgoing values are serialized into text messages.

import { CloseCode } from '../codec/close-code.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import type { Message, MessageLike } from '../message/message.js';
import { isPromiseLike } from '../util/thenable.js';
import { nestsDeeperThan } from './json-depth.js';
import { byteLimit, depthLimit } from './limits.js';
import { bytesOf, textOf } from './payload.js';
import { CodecTransformer } from './transformer.js';
import type { MessageFlowTransformer } from './transformer.js';

/** What JSON.parse makes: the values a `json()` flow receives. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Options of {@link json}. */
export interface JsonTransformerOptions {
  /**
   * The most bytes one incoming message may hold; a bigger one closes with 1009, and a Streamed
   * one is collected only up to it. Default {@link TransformerDefaults.jsonMaxBytes} (1 MiB).
   */
  maxBytes?: number;
  /**
   * The deepest nesting of arrays and objects allowed (`[]` is depth 1); deeper JSON closes with
   * 1007 before it is parsed. Default {@link TransformerDefaults.jsonMaxDepth} (64).
   */
  maxDepth?: number;
}

/** The defaults of the transformers' options. */
export const TransformerDefaults = {
  /** `json({ maxBytes })`: 1 MiB. */
  jsonMaxBytes: 1024 * 1024,
  /** `json({ maxDepth })`: 64 levels (as .NET's System.Text.Json). */
  jsonMaxDepth: 64,
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON values in and out (Play's JsValue `MessageFlowTransformer`): each incoming message is
 * parsed (text, or binary read as UTF-8 JSON as Play does), each outgoing value serialized into a
 * text message. Text that is not JSON closes with 1007 "invalid JSON: ...", JSON nested deeper
 * than `maxDepth` with 1007, a message over `maxBytes` with 1009. Parsing keeps `__proto__` and
 * `constructor` keys as plain data (own properties; no prototype is touched). Add a schema with
 * `.validate(schema)` for typed models.
 *
 * @param options - `maxBytes` and `maxDepth`.
 * @returns the transformer; `Out` is what the flow sends (anything JSON.stringify takes).
 * @throws RangeError for a `maxBytes` that is not a number >= 0, or a `maxDepth` that is not an
 *   integer >= 0.
 * @example
 * ```ts
 * const jsonEcho = json().transform(echo());
 * ```
 */
export function json<Out = unknown>(
  options: JsonTransformerOptions = {},
): MessageFlowTransformer<JsonValue, Out> {
  const { jsonMaxBytes, jsonMaxDepth } = TransformerDefaults;
  const maxBytes = byteLimit('json({ maxBytes })', options.maxBytes, jsonMaxBytes);
  const maxDepth = depthLimit('json({ maxDepth })', options.maxDepth, jsonMaxDepth);
  const parse = (text: string): JsonValue => parseJson(text, maxDepth);
  const decode = (message: Message): JsonValue | Promise<JsonValue> => {
    if (message.isText) {
      const text = textOf(message, maxBytes);
      return isPromiseLike<string>(text) ? text.then(parse) : parse(text);
    }
    const data = bytesOf(message, maxBytes);
    return isPromiseLike<Uint8Array>(data)
      ? data.then((bytes) => parse(decodeUtf8(bytes)))
      : parse(decodeUtf8(data));
  };
  return new CodecTransformer<JsonValue, Out>(decode, stringify);
}

/** JSON.parse, refusing (1007) what nests too deep or is not JSON. */
function parseJson(text: string, maxDepth: number): JsonValue {
  if (nestsDeeperThan(text, maxDepth)) {
    const reason = `JSON nested deeper than ${maxDepth}`;
    throw new ProtocolError(ErrorCode.JsonTooDeep, reason, CloseCode.InvalidPayload);
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw invalidJson(error instanceof Error ? error.message : String(error), error);
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    throw invalidJson('not UTF-8', error);
  }
}

function invalidJson(detail: string, cause: unknown): ProtocolError {
  return new ProtocolError(
    ErrorCode.InvalidJson,
    `invalid JSON: ${detail}`,
    CloseCode.InvalidPayload,
    {
      cause,
    },
  );
}

function stringify(value: unknown): MessageLike {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`cannot send a ${typeof value} as JSON`);
  return text;
}
