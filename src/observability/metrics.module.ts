import { Global, Module, OnModuleInit } from '@nestjs/common';
import { ConnectionHooks } from '../common/graphql/connection-hooks';
import { MetricsController } from './metrics.controller';
import { Metrics } from './metrics';

/**
 * `Metrics`, injectable everywhere (every module reports through it), and `GET /metrics`. It
 * counts graphql-ws connections itself, through the connection hooks.
 */
@Global()
@Module({ providers: [Metrics], controllers: [MetricsController], exports: [Metrics] })
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly hooks: ConnectionHooks,
  ) {}

  onModuleInit(): void {
    this.hooks.onOpen(() => Promise.resolve(this.metrics.wsConnectionOpened()));
    this.hooks.onClose(() => Promise.resolve(this.metrics.wsConnectionClosed()));
  }
}
