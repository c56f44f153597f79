// Play's JsValue echo: every JSON message comes back as it was parsed, serialized again. Text
// that is not JSON closes the connection with 1007 and a reason; so does JSON nested deeper than
// 64 levels, and a message over 1 MiB closes with 1009.
//
//   npm run example json-echo

import { echo, json, serve } from '../src/index.js';
import { announce, listenOptions } from './lib/env.js';

const server = await serve({ ...listenOptions(), flow: json().transform(echo()) });
announce('json-echo', server);
