import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Observable, map } from 'rxjs';
import { GraphQLContext } from '../graphql/graphql-context';
import { PubSubPort, RESYNC } from '../pubsub/pubsub';
import { BotAccessDirectory } from './bot-access.directory';
import { closable } from '../pubsub/closable-stream';
import { Topics } from '../pubsub/topics';

function isAsyncIterator(value: unknown): value is AsyncIterableIterator<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

interface Watch {
  closers: Set<() => Promise<void>>;
  revocation: AsyncIterableIterator<unknown>;
}

/**
 * A member's subscriptions to a bot's streams end when the member is removed from the bot, on
 * every instance: the access guard admitted them once, at subscribe time, and this keeps that
 * admission true. One revocation listener serves all the subscriptions of one member to one bot.
 * After a pub/sub outage (a revocation may have been lost) the membership is checked again.
 */

@Injectable()
export class MembershipRevocationInterceptor implements NestInterceptor {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly pubsub: PubSubPort,
    private readonly directory: BotAccessDirectory,
  ) {}

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
    const { botId } = access;
    const { accountId } = access.principal;
    const topic = Topics.membershipRevoked(botId, accountId);
    return next.handle().pipe(
      map((events: unknown) => {
        if (!isAsyncIterator(events)) {
          return events;
        }
        const watch = this.watchOf(topic, botId, accountId);
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
  private watchOf(topic: string, botId: string, accountId: string): Watch {
    const existing = this.watches.get(topic);
    if (existing) {
      return existing;
    }
    const watch: Watch = { closers: new Set(), revocation: this.pubsub.subscribeWithResync(topic) };
    this.watches.set(topic, watch);
    void (async () => {
      for (;;) {
        const result = await watch.revocation.next();
        if (result.done || this.watches.get(topic) !== watch) {
          return;
        }
        if (result.value !== RESYNC || !(await this.stillMember(botId, accountId))) {
          break;
        }
      }
      this.watches.delete(topic);
      await watch.revocation.return?.();
      await Promise.all([...watch.closers].map((close) => close()));
    })();
    return watch;
  }

  /** After an outage; a database that cannot answer keeps the subscriptions (no false alarm). */
  private async stillMember(botId: string, accountId: string): Promise<boolean> {
    try {
      return (await this.directory.roleOf(botId, accountId)) !== null;
    } catch {
      return true;
    }
  }
}
