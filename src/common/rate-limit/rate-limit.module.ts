import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RateLimitInterceptor } from './rate-limit.interceptor';
import { RateLimits } from './rate-limits';

/** The rate limits, applied by `@RateLimit` on operations and by services that need more. */
@Global()
@Module({
  providers: [RateLimits, { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor }],
  exports: [RateLimits],
})
export class RateLimitModule {}
