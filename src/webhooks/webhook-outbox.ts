import { Injectable } from '@nestjs/common';
import { Transaction } from '../common/database/transactions';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEventType } from './webhook-event-type';
import { OutboxEvent } from './webhook-payloads';

/** Where a change's statement finds what the outbox needs (SQL expressions of that statement). */
export interface OutboxSource {
  /** The FROM list the event is written from, e.g. `bumped, inserted`. */
  from: string;
  botId: string;
  /** The event's `data` as jsonb. */
  data: string;
  occurredAt: string;
}

/**
 * The transactional outbox: records an event in the transaction of the change it reports, so it
 * is delivered if and only if that change committed. An event is written only when at least one
 * enabled webhook of the bot subscribes to its type, with one PENDING delivery per such webhook:
 * a bot without webhooks pays one indexed read and no write. Once the transaction committed, this
 * instance's dispatcher is woken so delivery starts at once; the others find it on their poll.
 *
 * Every change the webhooks report goes through here: `record` inside a `Transactions.run`, or
 * `statementCtes` for a change made in one statement (a message send).
 */
@Injectable()
export class WebhookOutbox {
  constructor(private readonly dispatcher: WebhookDispatcher) {}

  /** Records `event` in `tx`; its deliveries are attempted once `tx` committed. */
  async record<T extends WebhookEventType>(tx: Transaction, event: OutboxEvent<T>): Promise<void> {
    const rows: { deliveries: number }[] = await tx.manager.query(
      `WITH ${this.statementCtes(event.type, {
        from: '(SELECT $1::uuid AS bot_id) AS source',
        botId: 'source.bot_id',
        data: '$2::jsonb',
        occurredAt: '$3::timestamptz',
      })}
       SELECT ${this.deliveriesCount()} AS deliveries`,
      [event.botId, JSON.stringify(event.data), event.occurredAt],
    );
    if ((rows[0]?.deliveries ?? 0) > 0) {
      tx.afterCommit(() => this.dispatcher.wake());
    }
  }

  /**
   * Common table expressions (without the leading WITH, ending without a comma) that write the
   * event and its deliveries in the caller's statement. Select `deliveriesCount()` in the
   * statement and call `committed` with it once the statement committed.
   */
  statementCtes(type: WebhookEventType, source: OutboxSource): string {
    return `outbox_hooks AS (
         SELECT w.id FROM webhooks w, ${source.from}
          WHERE w.bot_id = ${source.botId} AND w.enabled AND '${type}' = ANY (w.events)
       ), outbox_event AS (
         INSERT INTO webhook_events (id, bot_id, type, data, occurred_at)
         SELECT gen_random_uuid(), ${source.botId}, '${type}', ${source.data}, ${source.occurredAt}
           FROM ${source.from}
          WHERE EXISTS (SELECT 1 FROM outbox_hooks)
      RETURNING id, occurred_at
       ), outbox_deliveries AS (
         INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, status, attempts,
                                         schedule_start, next_attempt_at, created_at)
         SELECT gen_random_uuid(), outbox_hooks.id, outbox_event.id, '${type}', 'PENDING', 0, 0,
                outbox_event.occurred_at, outbox_event.occurred_at
           FROM outbox_hooks, outbox_event
      RETURNING id
       )`;
  }

  /** The number of deliveries the statement's outbox CTEs wrote, as an int expression. */
  deliveriesCount(): string {
    return '(SELECT count(*) FROM outbox_deliveries)::int';
  }

  /** After a one-statement change committed: wakes the dispatcher if it wrote deliveries. */
  committed(deliveries: number): void {
    if (deliveries > 0) {
      this.dispatcher.wake();
    }
  }
}
