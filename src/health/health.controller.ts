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

/** Open and cheap, for load balancers and orchestrators. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly sharedState: SharedStateHealth,
  ) {}

  /** 200 while the process serves. */
  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when PostgreSQL (and Redis, with `REDIS_URL`) answer within a second; else 503 naming what failed. */
  @Public()
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(1_000),
      () => this.sharedStateCheck(),
    ]);
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
