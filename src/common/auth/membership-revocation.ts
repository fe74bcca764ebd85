import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Observable, map } from 'rxjs';
import { GraphQLContext } from '../graphql/graphql-context';
import { PubSubPort } from '../pubsub/pubsub';
import { untilSignal } from '../pubsub/until-signal';

/** Published after an account stops being a member of a bot. */
export const membershipRevokedTopic = (botId: string, accountId: string): string =>
  `membership-revoked:${botId}:${accountId}`;

function isAsyncIterator(value: unknown): value is AsyncIterableIterator<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * A member's subscriptions to a bot's streams end when the member is removed from the bot: the
 * access guard admitted them once, at subscribe time, and this keeps that admission true.
 */
@Injectable()
export class MembershipRevocationInterceptor implements NestInterceptor {
  constructor(private readonly pubsub: PubSubPort) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<string>() !== 'graphql') {
      return next.handle();
    }
    const gql = GqlExecutionContext.create(context);
    const operation = gql.getInfo<{ operation: { operation: string } }>().operation.operation;
    const access = gql.getContext<GraphQLContext>().access;
    if (operation !== 'subscription' || access?.principal?.kind !== 'account' || !access.botId) {
      return next.handle();
    }
    const revoked = membershipRevokedTopic(access.botId, access.principal.accountId);
    return next
      .handle()
      .pipe(
        map((events: unknown) =>
          isAsyncIterator(events) ? untilSignal(events, this.pubsub.subscribe(revoked)) : events,
        ),
      );
  }
}
