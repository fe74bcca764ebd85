import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { SharedStateHealth } from '../adapters/shared-state';
import { Public } from '../common/auth/access';
import { ShutdownState } from '../lifecycle/shutdown';

/** Open and cheap, for load balancers and orchestrators. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly sharedState: SharedStateHealth,
    private readonly shutdown: ShutdownState,
  ) {}

  /** 200 while the process serves. */
  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 200 when PostgreSQL (and Redis, with `REDIS_URL`) answer within a second and the instance is
   * not stopping; else 503 naming what failed.
   */
  @Public()
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.stoppingCheck(),
      () => this.database.pingCheck('database').withTimeout(1_000),
      () => this.sharedStateCheck(),
    ]);
  }

  /** A stopping instance is not ready: the load balancer sends no new work. */
  private stoppingCheck(): HealthIndicatorResult {
    const indicator = this.indicators.check('instance');
    return this.shutdown.stopping ? indicator.down({ message: 'shutting down' }) : {};
  }

  private async sharedStateCheck(): Promise<HealthIndicatorResult> {
    const result = await this.sharedState.check();
    if (!result) {
      return {};
    }
    const indicator = this.indicators.check(result.name);
    return result.up ? indicator.up() : indicator.down({ message: 'not answering' });
  }
}
