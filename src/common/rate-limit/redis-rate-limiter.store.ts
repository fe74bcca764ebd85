import type Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { RateLimit } from '../../config/app-config';
import { RedisConnections } from '../redis/redis-connections';
import { LimitName, RateLimiterStore } from './rate-limits';

/**
 * Counters in Redis, shared by every instance; while Redis is unreachable each instance counts
 * in its own memory (rate-limiter-flexible's insurance limiter) until it is back.
 */
export class RedisRateLimiterStore extends RateLimiterStore {
  private readonly client: Redis;

  constructor(private readonly connections: RedisConnections) {
    super();
    this.client = connections.connect('rate-limits');
  }

  create(name: LimitName, limit: RateLimit): RateLimiterAbstract {
    const options = { points: limit.points, duration: limit.seconds };
    return new RateLimiterRedis({
      ...options,
      storeClient: this.client,
      keyPrefix: `${this.connections.prefix}rate-limit:${name}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ ...options, keyPrefix: name }),
    });
  }
}
