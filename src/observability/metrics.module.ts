import { Global, Module, OnModuleInit } from '@nestjs/common';
import { PubSubPort } from '../common/pubsub/pubsub';
import { RateLimits } from '../common/rate-limit/rate-limits';
import { ConnectionHooks } from '../common/graphql/connection-hooks';
import { MetricsController } from './metrics.controller';
import { Metrics } from './metrics';

/**
 * `Metrics`, injectable everywhere (every module reports through it), and `GET /metrics`. It
 * counts graphql-ws connections (connection hooks), rate-limited calls and pub/sub reconnects.
 */
@Global()
@Module({ providers: [Metrics], controllers: [MetricsController], exports: [Metrics] })
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly hooks: ConnectionHooks,
    private readonly rateLimits: RateLimits,
    private readonly pubsub: PubSubPort,
  ) {}

  onModuleInit(): void {
    this.hooks.onOpen(() => Promise.resolve(this.metrics.wsConnectionOpened()));
    this.hooks.onClose(() => Promise.resolve(this.metrics.wsConnectionClosed()));
    this.rateLimits.onRateLimited((limit) => this.metrics.rateLimited(limit));
    this.pubsub.onReconnect(() => this.metrics.pubsubReconnected());
  }
}
