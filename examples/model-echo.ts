// Play's typed model echo (`jsonMessageFlowTransformer[InEvent, OutEvent]`): JSON messages are
// checked by a schema (zod here; any Standard Schema validator works) and the handler is written
// over typed values. An invalid message closes with 1007 and a reason naming the failing field.
//
//   npm run example model-echo
//   then send {"foo":"hello"} and get {"bar":"hello"} back

import { z } from 'zod';
import { json, map, serve } from '../src/index.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';

const InEvent = z.object({ foo: z.string() });
type OutEvent = { bar: string };

/** `{ foo }` in, `{ bar }` out, checked by the schema. */
export const modelEcho = json<OutEvent>()
  .validate(InEvent)
  .transform(map(({ foo }) => ({ bar: foo })));

if (isEntryPoint(import.meta.url)) {
  const server = await serve({ ...listenOptions(), flow: modelEcho });
  announce('model-echo', server);
}
