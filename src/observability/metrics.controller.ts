import { Controller, Get, Headers, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
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
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const token = this.config.guards.metricsToken;
    if (token !== undefined && !bearerMatches(authorization, token)) {
      await reply.code(401).header('WWW-Authenticate', 'Bearer').send();
      return;
    }
    const { contentType, body } = await this.metrics.scrape();
    await reply.code(200).type(contentType).header('Cache-Control', 'no-store').send(body);
  }
}

/** Compares digests, so the time taken says nothing about the token, not even its length. */
function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(authorization?.trim() ?? '');
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match?.[1] ?? ''), digest(token)) && match !== null;
}
