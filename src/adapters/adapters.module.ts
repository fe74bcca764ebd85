import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { InProcessPubSub } from '../common/pubsub/in-process-pubsub';
import { PubSubPort } from '../common/pubsub/pubsub';
import { RedisPubSub } from '../common/pubsub/redis-pubsub';
import { InProcessRateLimiterStore, RateLimiterStore } from '../common/rate-limit/rate-limits';
import { RedisRateLimiterStore } from '../common/rate-limit/redis-rate-limiter.store';
import { RedisConnections } from '../common/redis/redis-connections';
import { AppConfig } from '../config/app-config';
import {
  ACCOUNT_PRESENCE_STORE,
  InProcessPresenceStore,
  PresenceStore,
} from '../presence/presence.store';
import { RedisPresenceStore } from '../presence/redis-presence.store';
import { SharedStateHealth } from './shared-state';

/**
 * Binds every port that holds state shared by the instances of a deployment (pub/sub, presence,
 * rate-limit counters; caches are evicted through the pub/sub), in one place and
 * on one switch: without `REDIS_URL`, in-process implementations (one instance); with it, Redis
 * (any number of instances behind a load balancer). The domain modules see only the ports.
 */
@Global()
@Module({})
export class AdaptersModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers: Provider[] = config.redisUrl
      ? redisAdapters(config.redisUrl, config)
      : [
          { provide: PubSubPort, useClass: InProcessPubSub },
          { provide: PresenceStore, useClass: InProcessPresenceStore },
          { provide: ACCOUNT_PRESENCE_STORE, useFactory: () => new InProcessPresenceStore() },
          { provide: RateLimiterStore, useClass: InProcessRateLimiterStore },
          { provide: SharedStateHealth, useValue: { check: () => Promise.resolve(null) } },
        ];
    return {
      module: AdaptersModule,
      providers,
      exports: [
        PubSubPort,
        PresenceStore,
        ACCOUNT_PRESENCE_STORE,
        RateLimiterStore,
        SharedStateHealth,
      ],
    };
  }
}

function redisAdapters(url: string, config: AppConfig): Provider[] {
  return [
    { provide: RedisConnections, useFactory: () => new RedisConnections(url, config.redisPrefix) },
    {
      provide: PubSubPort,
      inject: [RedisConnections],
      useFactory: (connections: RedisConnections) => new RedisPubSub(connections),
    },
    {
      provide: PresenceStore,
      inject: [RedisConnections],
      useFactory: (connections: RedisConnections) =>
        new RedisPresenceStore(connections, config.presenceTtlMs),
    },
    {
      provide: ACCOUNT_PRESENCE_STORE,
      inject: [RedisConnections],
      useFactory: (connections: RedisConnections) =>
        new RedisPresenceStore(connections, config.presenceTtlMs, 'account-presence'),
    },
    {
      provide: RateLimiterStore,
      inject: [RedisConnections],
      useFactory: (connections: RedisConnections) => new RedisRateLimiterStore(connections),
    },
    {
      provide: SharedStateHealth,
      inject: [RedisConnections],
      useFactory: (connections: RedisConnections): SharedStateHealth => ({
        check: async () => ({ name: 'redis', up: await connections.ping(1_000) }),
      }),
    },
  ];
}
