import { Injectable, Logger } from '@nestjs/common';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig, RateLimit } from '../../config/app-config';
import { AppError } from '../errors/app-error';

/** The limits of OPERATIONS.md, each an environment variable. */
export type LimitName = 'messages' | 'requests' | 'login' | 'sessions';

/**
 * Where counters live: this process (one instance), or Redis with this process as insurance
 * while Redis is unreachable (so limits hold across instances, and still hold, per instance,
 * during an outage). Bound by the adapters module.
 */
export abstract class RateLimiterStore {
  abstract create(name: LimitName, limit: RateLimit): RateLimiterAbstract;
}

export class InProcessRateLimiterStore extends RateLimiterStore {
  create(name: LimitName, limit: RateLimit): RateLimiterAbstract {
    return new RateLimiterMemory({
      keyPrefix: name,
      points: limit.points,
      duration: limit.seconds,
    });
  }
}

/** Rate-limited calls (metrics). */
export type RateLimitedListener = (name: LimitName) => void;

/**
 * Counts calls per key (a caller, an email, a client address) in windows of the limit's length
 * that start at the key's first counted call (rate-limiter-flexible's fixed windows). A refused
 * call is RATE_LIMITED with `retryAfter` (whole seconds, at least 1) and must change nothing,
 * so callers count BEFORE they act.
 */
@Injectable()
export class RateLimits {
  private readonly logger = new Logger('RateLimits');
  private readonly limiters = new Map<LimitName, RateLimiterAbstract>();
  private readonly listeners: RateLimitedListener[] = [];

  constructor(store: RateLimiterStore, config: AppConfig) {
    for (const [name, limit] of Object.entries(config.guards.rateLimits) as [
      LimitName,
      RateLimit | null,
    ][]) {
      if (limit) {
        this.limiters.set(name, store.create(name, limit));
      }
    }
  }

  onRateLimited(listener: RateLimitedListener): void {
    this.listeners.push(listener);
  }

  /** Counts one call; RATE_LIMITED when the key has used the limit up. */
  async consume(name: LimitName, key: string): Promise<void> {
    const limiter = this.limiters.get(name);
    if (!limiter) {
      return;
    }
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw this.refusal(name, rejection);
      }
      // The store failed (and had no insurance): the call goes through rather than fail.
      this.logger.warn(`Cannot count toward the ${name} limit: ${String(rejection)}`);
    }
  }

  /** RATE_LIMITED when the key has used the limit up, without counting this call. */
  async check(name: LimitName, key: string): Promise<void> {
    const limiter = this.limiters.get(name);
    if (!limiter) {
      return;
    }
    let state: RateLimiterRes | null;
    try {
      state = await limiter.get(key);
    } catch (error) {
      this.logger.warn(`Cannot read the ${name} limit: ${String(error)}`);
      return;
    }
    if (state && state.consumedPoints >= limiter.points) {
      throw this.refusal(name, state);
    }
  }

  /** Counts a call that failed (a wrong password), so the next ones may be refused. */
  async penalize(name: LimitName, key: string): Promise<void> {
    const limiter = this.limiters.get(name);
    if (!limiter) {
      return;
    }
    try {
      await limiter.penalty(key);
    } catch (error) {
      this.logger.warn(`Cannot count toward the ${name} limit: ${String(error)}`);
    }
  }

  private refusal(name: LimitName, state: RateLimiterRes): AppError {
    for (const listener of this.listeners) {
      listener(name);
    }
    return AppError.rateLimited(state.msBeforeNext / 1000);
  }
}
