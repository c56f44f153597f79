// The public entry `wsflow/redis`: the hub's backend over Redis Streams, and the adapters for the
// two Redis clients it works with (node-redis and ioredis, optional peer dependencies: this entry
// imports neither, it calls the client it is given).
export { redisBackend, RedisBackendDefaults } from './backend.js';
export type { RedisBackend, RedisBackendOptions, RedisBackendStats } from './backend.js';
export type {
  RedisClusterNode,
  RedisClusterRouting,
  RedisConnection,
  RedisReply,
} from './connection.js';
export { fromIoredis } from './ioredis.js';
export type { IoredisClient, IoredisCluster } from './ioredis.js';
export { fromNodeRedis } from './node-redis.js';
export type { NodeRedisClient, NodeRedisCluster } from './node-redis.js';
