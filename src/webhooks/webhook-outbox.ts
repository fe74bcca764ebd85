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
 * enabled webhook of the bot subscribes to its type, with the ids of those webhooks: a bot
 * without webhooks pays one indexed read and no write, and a bot with ten pays one row.
 *
 * The change's own statement writes nothing more, so that a send costs the same with one
 * webhook or ten. Once the change committed, this instance's dispatcher sends the first attempts
 * (one per webhook) and writes each delivery with its outcome. Until the last is written the
 * event carries a deadline (`fan_out_until`, the dispatcher's lease): should the instance die
 * first, any instance writes the missing deliveries once it passed.
 *
 * Every change the webhooks report goes through here: `record` inside a `Transactions.run`, or
 * `statementCte` for a change made in one statement (a message send).
 */
@Injectable()
export class WebhookOutbox {
  constructor(private readonly dispatcher: WebhookDispatcher) {}

  /** Records `event` in `tx`; its deliveries are written and attempted once `tx` committed. */
  async record<T extends WebhookEventType>(tx: Transaction, event: OutboxEvent<T>): Promise<void> {
    const rows: { written: string | null }[] = await tx.manager.query(
      `WITH ${this.statementCte(event.type, {
        from: '(SELECT $1::uuid AS bot_id) AS source',
        botId: 'source.bot_id',
        data: '$2::jsonb',
        occurredAt: '$3::timestamptz',
      })}
       SELECT ${this.writtenEvent()} AS written`,
      [event.botId, JSON.stringify(event.data), event.occurredAt],
    );
    const written = rows[0]?.written ?? null;
    if (written) {
      tx.afterCommit(() => this.committed(written));
    }
  }

  /**
   * A common table expression (without the leading WITH, ending without a comma) that writes the
   * event in the caller's statement. Select `writtenEvent()` in the statement and call
   * `committed` with it once the statement committed.
   */
  statementCte(type: WebhookEventType, source: OutboxSource): string {
    // The subscribed webhooks are read, not locked: no delivery refers to them yet. A webhook
    // deleted before the deliveries are written simply gets none.
    return `outbox_event AS (
         INSERT INTO webhook_events (id, bot_id, type, data, occurred_at, webhook_ids,
                                     fan_out_until)
         SELECT gen_random_uuid(), ${source.botId}, '${type}', ${source.data}, ${source.occurredAt},
                outbox_hooks.ids,
                ${source.occurredAt} + ${this.dispatcher.leaseMs} * interval '1 millisecond'
           FROM ${source.from},
                LATERAL (SELECT array_agg(w.id) AS ids FROM webhooks w
                          WHERE w.bot_id = ${source.botId} AND w.enabled
                            AND '${type}' = ANY (w.events)) outbox_hooks
          WHERE outbox_hooks.ids IS NOT NULL
      RETURNING id
       )`;
  }

  /** The id of the event the statement's outbox CTE wrote, or null, as an SQL expression. */
  writtenEvent(): string {
    return `(SELECT id FROM outbox_event)`;
  }

  /** Once the change that wrote it committed: the event goes to this instance's dispatcher. */
  committed(eventId: string | null): void {
    if (eventId) {
      this.dispatcher.fanOut(eventId);
    }
  }
}
