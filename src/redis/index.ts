// The public entry `wsflow/redis`: the hub's backend over Redis Streams, and the adapters for the
// two Redis clients it works with (node-redis and ioredis, optional peer dependencies: this entry
// imports neither, it calls the client it is given).
export { redisBackend, RedisBackendDefaults } from './backend.js';
export type { RedisBackend, RedisBackendOptions, RedisBackendStats } from './backend.js';
export type { RedisConnection, RedisReply } from './connection.js';
export { fromIoredis } from './ioredis.js';
export type { IoredisClient } from './ioredis.js';
export { fromNodeRedis } from './node-redis.js';
export type { NodeRedisClient } from './node-redis.js';
