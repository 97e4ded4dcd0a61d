// Rate limits counted in Redis when clustered: a person who spreads requests over several
// nodes spends from one allowance, not one per node.
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../limits/rateLimits.ts';
import type { RedisClient } from './redisClient.ts';

export function redisLimiterFactory(redis: RedisClient, keyPrefix: string): LimiterFactory {
  return (_name, options) =>
    new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: true,
      points: options.points,
      duration: options.duration,
      keyPrefix: `${keyPrefix}${options.keyPrefix}`,
    });
}
