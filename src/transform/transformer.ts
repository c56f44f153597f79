// Transform layer: Play's `MessageFlowTransformer`. A transformer turns a flow over values (strings,
// bytes, JSON, a schema's model) into a flow over messages, for every flow style, and composes
// with `map` (a decoder and an encoder of its own) and `validate` (a Standard Schema).

import { CloseCode, isSendableCloseCode } from '../codec/close-code.js';
import { ConnectionClosed, ErrorCode, ProtocolError } from '../errors.js';
import type { Flow, MessageFlow } from '../flow/flow.js';
import type { Message, MessageLike } from '../message/message.js';
import { isPromiseLike } from '../util/thenable.js';
import { Answer } from './answer.js';
import type { Decoded } from './answer.js';
import { transformFlow } from './flow-styles.js';
import { describeIssues } from './issues.js';
import type {
  InferSchemaOutput,
  StandardSchemaV1,
  StandardSchemaV1Issue,
  StandardSchemaV1Result,
} from './standard-schema.js';

/** Options of {@link MessageFlowTransformer.validate}. */
export interface ValidateOptions<Out> {
  /**
   * Answers an invalid message instead of closing with 1007: the reply (an outgoing value,
   * encoded like the flow's own) goes out in that message's turn and the socket stays open;
   * `undefined` drops the message without a reply. Without it, the connection closes with 1007
   * and a reason that names the first failing field.
   *
   * @param issues - what the schema found wrong, first issue first.
   * @param value - the decoded value the schema refused.
   */
  onInvalid?: (issues: readonly StandardSchemaV1Issue[], value: unknown) => Out | undefined;
}

/**
 * Turns a flow of values into a flow of WebSocket messages (Play's `MessageFlowTransformer`):
 * incoming messages are decoded into `In` values, the flow's `Out` values are encoded into
 * messages. A message the transformer cannot decode closes the connection with its close code
 * (1003 for the wrong kind, 1007 for bad content, 1009 for too big) and a reason.
 *
 * @example
 * ```ts
 * const shout = text().transform(map((line) => line.toUpperCase()));
 * const server = await serve({ port: 8080, flow: shout });
 * ```
 */
export interface MessageFlowTransformer<In, Out> {
  /**
   * The message flow of `flow`, of the same style: `map(fn)` stays a map (called straight from
   * delivery, no streams), a function (an async generator) stays a function, and
   * `fromSinkAndSource` or a `{ writable, readable }` pair become a pair, used once.
   * `undefined` from the flow is never sent.
   *
   * @param flow - the flow over values.
   * @returns the flow over messages, for `serve({ flow })`, `accept(flow)` or `runUntilClosed`.
   */
  transform(flow: Flow<In, Out>): MessageFlow;

  /**
   * One outgoing value as the message the flow's output would send (a hub encodes a published
   * value once this way, for every subscriber).
   *
   * @param value - an outgoing value (not `undefined`).
   * @returns the message.
   */
  encode(value: Out): MessageLike;

  /**
   * A transformer of other values, over this one (Play's `map(f, g)`): `decode` turns each
   * incoming value into the new one (a throw or rejection closes with 1007 and its message as
   * the reason), `encode` turns the new outgoing values into this transformer's.
   *
   * @param decode - incoming `In` to `NewIn`; may return a promise (messages keep their order).
   * @param encode - outgoing `NewOut` to `Out`.
   * @returns the new transformer.
   */
  map<NewIn, NewOut>(
    decode: (value: In) => NewIn | PromiseLike<NewIn>,
    encode: (value: NewOut) => Out,
  ): MessageFlowTransformer<NewIn, NewOut>;

  /**
   * A transformer whose incoming values are checked by a Standard Schema v1 validator (zod,
   * valibot, arktype, ...), typed as its output (Play's JSON model transformer). An invalid
   * value closes with 1007 and a reason naming the failing field, or is answered with
   * `options.onInvalid`. Async validators keep messages in order.
   *
   * @param schema - any Standard Schema v1 schema.
   * @param options - `onInvalid` to answer instead of closing.
   * @returns the new transformer.
   */
  validate<Schema extends StandardSchemaV1>(
    schema: Schema,
    options?: ValidateOptions<Out>,
  ): MessageFlowTransformer<InferSchemaOutput<Schema>, Out>;
}

/**
 * A transformer from its two halves, the one implementation of {@link MessageFlowTransformer}.
 * `decode` throws (or rejects with) a ProtocolError for a message it cannot take.
 */
export class CodecTransformer<In, Out> implements MessageFlowTransformer<In, Out> {
  /** One incoming message to a value, an answer, or a promise of either. */
  readonly decode: (message: Message) => Decoded<In>;
  /** One outgoing value to a message (never called with `undefined`). */
  readonly encode: (value: Out) => MessageLike;

  /**
   * @param decode - one incoming message to a value (or an answer, or a promise of either).
   * @param encode - one outgoing value to a message.
   */
  constructor(decode: (message: Message) => Decoded<In>, encode: (value: Out) => MessageLike) {
    this.decode = decode;
    this.encode = encode;
  }

  transform(flow: Flow<In, Out>): MessageFlow {
    return transformFlow(this, flow);
  }

  map<NewIn, NewOut>(
    decode: (value: In) => NewIn | PromiseLike<NewIn>,
    encode: (value: NewOut) => Out,
  ): MessageFlowTransformer<NewIn, NewOut> {
    const decodeValue = (value: In | Answer): NewIn | Answer | PromiseLike<NewIn | Answer> => {
      if (value instanceof Answer) return value;
      let decoded: NewIn | PromiseLike<NewIn>;
      try {
        decoded = decode(value);
      } catch (error) {
        throw decoderFailure(error);
      }
      return isPromiseLike<NewIn>(decoded)
        ? Promise.resolve(decoded).then(undefined, (error: unknown) => {
            throw decoderFailure(error);
          })
        : decoded;
    };
    const outer = this.encode;
    return new CodecTransformer<NewIn, NewOut>(
      (message) => thenDecode(this.decode(message), decodeValue),
      (value) => outer(encode(value)),
    );
  }

  validate<Schema extends StandardSchemaV1>(
    schema: Schema,
    options: ValidateOptions<Out> = {},
  ): MessageFlowTransformer<InferSchemaOutput<Schema>, Out> {
    type Model = InferSchemaOutput<Schema>;
    const standard = schema['~standard'];
    const { onInvalid } = options;
    const encode = this.encode;
    const settle = (result: StandardSchemaV1Result<unknown>, value: unknown): Model | Answer => {
      if (!result.issues) return result.value as Model;
      if (onInvalid === undefined) {
        throw new ProtocolError(
          ErrorCode.InvalidMessage,
          describeIssues(result.issues),
          CloseCode.InvalidPayload,
        );
      }
      const reply = onInvalid(result.issues, value);
      return new Answer(reply === undefined ? undefined : encode(reply));
    };
    const check = (value: In | Answer): Model | Answer | PromiseLike<Model | Answer> => {
      if (value instanceof Answer) return value;
      const result = standard.validate(value);
      return isPromiseLike<StandardSchemaV1Result<unknown>>(result)
        ? Promise.resolve(result).then((settled) => settle(settled, value))
        : settle(result, value);
    };
    return new CodecTransformer<Model, Out>(
      (message) => thenDecode(this.decode(message), check),
      encode,
    );
  }
}

/** Applies `next` to a decoded result, at once when it is at hand. */
function thenDecode<A, B>(
  decoded: Decoded<A>,
  next: (value: A | Answer) => Decoded<B>,
): Decoded<B> {
  return isPromiseLike<A | Answer>(decoded) ? Promise.resolve(decoded).then(next) : next(decoded);
}

/**
 * What a user's decoder threw becomes a 1007 with its message (the decoder judges the peer's
 * input); an error that asks for its own sendable close code keeps it.
 */
function decoderFailure(error: unknown): unknown {
  if (error instanceof ProtocolError && isSendableCloseCode(error.closeCode)) return error;
  if (error instanceof ConnectionClosed && isSendableCloseCode(error.closeCode)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const reason = `invalid message: ${detail}`;
  return new ProtocolError(ErrorCode.InvalidMessage, reason, CloseCode.InvalidPayload, {
    cause: error,
  });
}
