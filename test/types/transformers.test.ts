// Type tests for message transformers: the flow of a transformer is typed over its values (a
// string handler for text(), a schema's output for validate(), JsonValue for json()), and its
// outgoing type is checked. Checked when the suite compiles, run as one trivial test.

import { it } from 'node:test';
import * as v from 'valibot';
import { z } from 'zod';
import { Router, accept, bytes, echo, json, map, serve, text } from '../../src/index.js';
import type {
  InferSchemaOutput,
  JsonValue,
  MessageFlow,
  MessageFlowTransformer,
  StandardSchemaV1,
} from '../../src/index.js';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

const Chat = z.object({ room: z.string(), text: z.string().optional() });
const Point = v.object({ x: v.number(), y: v.number() });

export type Inferred = [
  Expect<Equal<InferSchemaOutput<typeof Chat>, { room: string; text?: string | undefined }>>,
  Expect<Equal<InferSchemaOutput<typeof Point>, { x: number; y: number }>>,
  Expect<Equal<ReturnType<typeof json>, MessageFlowTransformer<JsonValue, unknown>>>,
];

// Real validators are Standard Schemas.
export const schemas: StandardSchemaV1[] = [Chat, Point];

// A json handler over a schema's output type.
export const chat: MessageFlow = json()
  .validate(Chat)
  .transform(
    map((message) => {
      const room: string = message.room;
      // @ts-expect-error: the schema has no `user`
      void message.user;
      return { room, echo: message.text ?? '' };
    }),
  );

// The outgoing type of json<Out>() is checked, and answers to invalid input are of it too.
export const points = json<{ sum: number }>()
  .validate(Point, { onInvalid: () => ({ sum: Number.NaN }) })
  .transform(async function* (incoming) {
    for await (const { x, y } of incoming) yield { sum: x + y };
  });
// @ts-expect-error: an answer must be an outgoing value
json<{ sum: number }>().validate(Point, { onInvalid: () => 'not a sum' });
// @ts-expect-error: the flow must send { sum: number }
json<{ sum: number }>().transform(map(() => 'not a sum'));

// Without a schema the values are JsonValue: narrow them before use.
json().transform(
  map((value) => {
    // @ts-expect-error: a JsonValue may be null, a number, ...: no property access unchecked
    void value.name;
    return typeof value === 'string' ? value.toUpperCase() : value;
  }),
);

// text() is over strings, bytes() over Uint8Array.
text().transform(map((line) => line.toUpperCase()));
// @ts-expect-error: text() sends strings, not numbers
text().transform(map((line) => line.length));
bytes().transform(map((data: Uint8Array) => data.subarray(1)));
// @ts-expect-error: bytes() takes Uint8Array, not strings
bytes().transform(map((line: string) => line));
text().transform(echo());

// map(decode, encode) makes a transformer of other types.
export const numbers: MessageFlowTransformer<number, number> = text().map(Number, String);
numbers.transform(map((n) => n + 1));
// @ts-expect-error: the values are numbers now
numbers.transform(map((n: string) => n));

// A transformed flow goes wherever a flow goes.
export async function servers(): Promise<void> {
  await serve({ port: 0, flow: text().transform(echo()) });
  new Router().route('/chat', () => accept(json().validate(Chat).transform(echo())));
}

it('transformer types compile', () => undefined);
