import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Observable, map } from 'rxjs';
import { GraphQLContext } from '../graphql/graphql-context';
import { PubSubPort } from '../pubsub/pubsub';
import { closable } from '../pubsub/closable-stream';

/** Published after an account stops being a member of a bot. */
export const membershipRevokedTopic = (botId: string, accountId: string): string =>
  `membership-revoked:${botId}:${accountId}`;

function isAsyncIterator(value: unknown): value is AsyncIterableIterator<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * A member's subscriptions to a bot's streams end when the member is removed from the bot: the
 * access guard admitted them once, at subscribe time, and this keeps that admission true.
 * One revocation listener serves all the subscriptions of one member to one bot.
 */
interface Watch {
  closers: Set<() => Promise<void>>;
  revocation: AsyncIterableIterator<unknown>;
}

@Injectable()
export class MembershipRevocationInterceptor implements NestInterceptor {
  private readonly watches = new Map<string, Watch>();

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
    const topic = membershipRevokedTopic(access.botId, access.principal.accountId);
    return next.handle().pipe(
      map((events: unknown) => {
        if (!isAsyncIterator(events)) {
          return events;
        }
        const watch = this.watchOf(topic);
        const stream = closable(events, () => {
          watch.closers.delete(stream.close);
          if (watch.closers.size === 0 && this.watches.get(topic) === watch) {
            // The last subscription it served is gone: stop listening.
            this.watches.delete(topic);
            void watch.revocation.return?.();
          }
        });
        watch.closers.add(stream.close);
        return stream;
      }),
    );
  }

  /** One revocation listener per member and bot, shared by all its subscriptions. */
  private watchOf(topic: string): Watch {
    const existing = this.watches.get(topic);
    if (existing) {
      return existing;
    }
    const watch: Watch = { closers: new Set(), revocation: this.pubsub.subscribe(topic) };
    this.watches.set(topic, watch);
    void watch.revocation.next().then(async (result) => {
      if (result.done || this.watches.get(topic) !== watch) {
        return;
      }
      this.watches.delete(topic);
      await watch.revocation.return?.();
      await Promise.all([...watch.closers].map((close) => close()));
    });
    return watch;
  }
}
