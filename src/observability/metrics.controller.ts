import { Controller, Get, Headers, Res } from '@nestjs/common';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../common/auth/access';
import { AppConfig } from '../config/app-config';
import { Metrics } from './metrics';

/**
 * `GET /metrics` for Prometheus. Open unless METRICS_TOKEN is set; then it wants
 * `Authorization: Bearer <METRICS_TOKEN>` and answers 401 to anything else.
 */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const token = this.config.guards.metricsToken;
    if (token !== undefined && !bearerMatches(authorization, token)) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      response.status(401).end();
      return;
    }
    const { contentType, body } = await this.metrics.scrape();
    response.setHeader('Content-Type', contentType);
    response.setHeader('Cache-Control', 'no-store');
    response.status(200).end(body);
  }
}

/** Compares digests, so the time taken says nothing about the token, not even its length. */
function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(authorization?.trim() ?? '');
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match?.[1] ?? ''), digest(token)) && match !== null;
}
