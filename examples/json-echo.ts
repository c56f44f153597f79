// Play's JsValue echo: every JSON message comes back as it was parsed, serialized again. Text
// that is not JSON closes the connection with 1007 and a reason; so does JSON nested deeper than
// 64 levels, and a message over 1 MiB closes with 1009.
//
//   npm run example json-echo

import { echo, json, serve } from '../src/index.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';

/** Every JSON message, parsed and serialized again. */
export const jsonEcho = json().transform(echo());

if (isEntryPoint(import.meta.url)) {
  const server = await serve({ ...listenOptions(), flow: jsonEcho });
  announce('json-echo', server);
}
