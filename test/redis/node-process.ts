// A wsflow node in a process of its own, for the cross-process tests: a hub on the Redis backend,
// served on a free port (`/t/<topic>` subscribes). It prints `{ "port": n }`, then answers one
// JSON line per request on stdin: `{ "publish": { "topic", "prefix", "count", "pauseMs"? } }`
// publishes `<prefix>:0` ... (8 per tick, `pauseMs` between ticks) and answers once Redis has
// them all; `{ "subscribers": topic }` tells how many
// this node has. It stops when stdin ends.
//   node build/test/redis/node-process.js <redis url> <node-redis|ioredis>

import { createInterface } from 'node:readline';
import { Node } from './support.js';
import type { ClientKind } from './support.js';

interface Request {
  readonly publish?: {
    readonly topic: string;
    readonly prefix: string;
    readonly count: number;
    readonly pauseMs?: number;
  };
  readonly subscribers?: string;
}

const [url, kind] = process.argv.slice(2);
const node = await Node.start(kind as ClientKind, url);
process.stdout.write(`${JSON.stringify({ port: node.port })}\n`);

async function answer(request: Request): Promise<object> {
  if (request.publish !== undefined) {
    const { topic, prefix, count, pauseMs } = request.publish;
    for (let i = 0; i < count; i++) {
      node.hub.publish(topic, `${prefix}:${i}`);
      // A few messages per tick, as a busy server publishes, not all in one.
      if (i % 8 === 7) {
        await new Promise((resolve) =>
          pauseMs === undefined ? setImmediate(resolve) : setTimeout(resolve, pauseMs),
        );
      }
    }
    await node.backend.idle();
    return { published: count };
  }
  if (request.subscribers !== undefined) {
    return { subscribers: node.hub.subscriberCount(request.subscribers) };
  }
  return { error: `unknown request ${JSON.stringify(request)}` };
}

// Requests are answered in order, one at a time.
let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  queue = queue.then(async () => {
    const reply = await answer(JSON.parse(line) as Request).catch((error: Error) => ({
      error: error.message,
    }));
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  });
});
lines.on('close', () => {
  void queue.then(async () => {
    await node.stop();
    process.exit(0);
  });
});
