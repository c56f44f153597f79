// The hub-chat example on several nodes: the same rooms, on a hub whose backend is Redis
// (wsflow/redis over node-redis), so members connected to different processes hear each other.
// Start a Redis server, then two nodes on two ports:
//
//   REDIS_URL=redis://127.0.0.1:6379 PORT=8080 npm run example hub-chat-redis
//   REDIS_URL=redis://127.0.0.1:6379 PORT=8081 npm run example hub-chat-redis
//   ws://127.0.0.1:8080/chat/lobby?name=ada and ws://127.0.0.1:8081/chat/lobby?name=bob
//   bob sends {"text":"hi"}: ada, on the other node, receives {"room":"lobby","from":"bob","text":"hi"}

import { createClient } from 'redis';
import { Hub, serve } from '../src/index.js';
import { fromNodeRedis, redisBackend } from '../src/redis/index.js';
import { chatRoutes } from './hub-chat.js';
import { announce, isEntryPoint, listenOptions } from './lib/env.js';

if (isEntryPoint(import.meta.url)) {
  const redis = await createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' })
    .on('error', (error: Error) => console.warn(`redis: ${error.message}`))
    .connect();
  const hub = new Hub({
    backend: redisBackend({ connection: fromNodeRedis(redis) }),
    limits: { maxBufferedBytes: 256 * 1024, onLimit: 'close' },
  });
  const server = await serve({ ...listenOptions(), handler: chatRoutes(hub) });
  announce('hub-chat-redis', {
    url: server.url,
    // The server first (1001 to every member), then the hub (what is queued is written), then Redis.
    close: async () => {
      await server.close();
      await hub.close();
      await redis.close();
    },
  });
}
