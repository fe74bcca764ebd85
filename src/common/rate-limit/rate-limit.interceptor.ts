import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { from, Observable, switchMap } from 'rxjs';
import { GraphQLContext } from '../graphql/graphql-context';
import { LimitName, RateLimits } from './rate-limits';

const RATE_LIMIT_METADATA = 'switchboard:rate-limit';

/** Whose calls a limit counts: the authenticated caller's, or the client address's. */
export type RateLimitKey = 'caller' | 'clientAddress';

/** Counts each call of the operation toward `limit`, per `key`, before it runs. */
export const RateLimit = (limit: LimitName, key: RateLimitKey): MethodDecorator =>
  SetMetadata(RATE_LIMIT_METADATA, { limit, key });

/**
 * Applies `@RateLimit` after the access guard admitted the call (the caller is known): a refused
 * call is RATE_LIMITED and its resolver never runs, so nothing changes.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimits,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rule = this.reflector.get<{ limit: LimitName; key: RateLimitKey } | undefined>(
      RATE_LIMIT_METADATA,
      context.getHandler(),
    );
    if (!rule || context.getType<string>() !== 'graphql') {
      return next.handle();
    }
    const ctx = GqlExecutionContext.create(context).getContext<GraphQLContext>();
    const key = rule.key === 'caller' ? callerKey(ctx) : clientAddress(ctx);
    if (key === null) {
      return next.handle();
    }
    return from(this.limits.consume(rule.limit, key)).pipe(switchMap(() => next.handle()));
  }
}

function callerKey(ctx: GraphQLContext): string | null {
  const principal = ctx.access?.principal ?? ctx.connectionPrincipal;
  switch (principal?.kind) {
    case 'account':
      return `account:${principal.accountId}`;
    case 'endUser':
      return `endUser:${principal.endUserId}`;
    case 'botEngine':
      return `botEngine:${principal.botId}`;
    case undefined:
      return null;
  }
}

/** The client's address; behind a load balancer, its `X-Forwarded-For` with TRUST_PROXY. */
function clientAddress(ctx: GraphQLContext): string | null {
  return ctx.req?.ip ?? ctx.req?.socket.remoteAddress ?? null;
}
