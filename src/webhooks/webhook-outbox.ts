import { Injectable } from '@nestjs/common';
import { Transaction } from '../common/database/transactions';
import { ClaimedDelivery, WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEventType } from './webhook-event-type';
import { OutboxEvent, webhookBody } from './webhook-payloads';

/** Where a change's statement finds what the outbox needs (SQL expressions of that statement). */
export interface OutboxSource {
  /** The FROM list the event is written from, e.g. `bumped, inserted`. */
  from: string;
  botId: string;
  /** The event's `data` as jsonb. */
  data: string;
  occurredAt: string;
}

/** What the outbox CTEs of one statement wrote, as `claimedDeliveries()` reads it. */
export interface OutboxWritten {
  event: {
    id: string;
    type: WebhookEventType;
    bot_id: string;
    data: unknown;
    occurred_at: string;
  } | null;
  deliveries: { id: string; webhook_id: string; url: string; secret: string }[] | null;
}

/**
 * The transactional outbox: records an event in the transaction of the change it reports, so it
 * is delivered if and only if that change committed. An event is written only when at least one
 * enabled webhook of the bot subscribes to its type, with one PENDING delivery per such webhook:
 * a bot without webhooks pays one indexed read and no write.
 *
 * The deliveries are written already claimed by this instance (first attempt counted, leased
 * for the dispatcher's lease), and handed to its dispatcher once the transaction committed, so
 * they are sent at once without a claim statement. Should the instance die first, the lease ends
 * and any instance sends them.
 *
 * Every change the webhooks report goes through here: `record` inside a `Transactions.run`, or
 * `statementCtes` for a change made in one statement (a message send).
 */
@Injectable()
export class WebhookOutbox {
  constructor(private readonly dispatcher: WebhookDispatcher) {}

  /** Records `event` in `tx`; its deliveries are attempted once `tx` committed. */
  async record<T extends WebhookEventType>(tx: Transaction, event: OutboxEvent<T>): Promise<void> {
    const rows: { written: OutboxWritten | null }[] = await tx.manager.query(
      `WITH ${this.statementCtes(event.type, {
        from: '(SELECT $1::uuid AS bot_id) AS source',
        botId: 'source.bot_id',
        data: '$2::jsonb',
        occurredAt: '$3::timestamptz',
      })}
       SELECT ${this.claimedDeliveries()} AS written`,
      [event.botId, JSON.stringify(event.data), event.occurredAt],
    );
    const written = rows[0]?.written ?? null;
    if (written?.deliveries) {
      tx.afterCommit(() => this.committed(written));
    }
  }

  /**
   * Common table expressions (without the leading WITH, ending without a comma) that write the
   * event and its deliveries in the caller's statement. Select `claimedDeliveries()` in the
   * statement and call `committed` with it once the statement committed.
   */
  statementCtes(type: WebhookEventType, source: OutboxSource): string {
    // The webhooks are locked as their deliveries' foreign key would lock them, but a webhook
    // being deleted (its deletion holds its row until it commits, which takes a while with a
    // long delivery log) is skipped rather than waited for: the change goes on at once, without
    // a delivery to it, where waiting would end in a foreign key violation failing the change.
    return `outbox_hooks AS (
         SELECT w.id, w.url, w.secret FROM webhooks w, ${source.from}
          WHERE w.bot_id = ${source.botId} AND w.enabled AND '${type}' = ANY (w.events)
            FOR KEY SHARE OF w SKIP LOCKED
       ), outbox_event AS (
         INSERT INTO webhook_events (id, bot_id, type, data, occurred_at)
         SELECT gen_random_uuid(), ${source.botId}, '${type}', ${source.data}, ${source.occurredAt}
           FROM ${source.from}
          WHERE EXISTS (SELECT 1 FROM outbox_hooks)
      RETURNING id, type, bot_id, data, occurred_at
       ), outbox_deliveries AS (
         INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, status, attempts,
                                         schedule_start, next_attempt_at, created_at)
         SELECT gen_random_uuid(), outbox_hooks.id, outbox_event.id, '${type}', 'PENDING', 1, 0,
                outbox_event.occurred_at + ${this.dispatcher.leaseMs} * interval '1 millisecond',
                outbox_event.occurred_at
           FROM outbox_hooks, outbox_event
      RETURNING id, webhook_id
       )`;
  }

  /**
   * What the statement's outbox CTEs wrote (the event once, and each delivery with its webhook's
   * address and secret), as a json expression; null columns when nothing was written.
   */
  claimedDeliveries(): string {
    return `(SELECT json_build_object(
               'event', (SELECT to_json(outbox_event) FROM outbox_event),
               'deliveries', json_agg(json_build_object('id', d.id, 'webhook_id', d.webhook_id,
                                                        'url', h.url, 'secret', h.secret)))
               FROM outbox_deliveries d JOIN outbox_hooks h ON h.id = d.webhook_id)`;
  }

  /** Once the change that wrote them committed: its deliveries go to this instance's dispatcher. */
  committed(written: OutboxWritten | null): void {
    const claimed = claimedFrom(written);
    if (claimed.length > 0) {
      this.dispatcher.adopt(claimed);
    }
  }
}

/** The deliveries the outbox wrote, as the dispatcher's claims (first attempt, from the start). */
function claimedFrom(written: OutboxWritten | null): ClaimedDelivery[] {
  const event = written?.event;
  if (!event || !written.deliveries) {
    return [];
  }
  const occurredAt = new Date(event.occurred_at);
  const body = webhookBody({
    id: event.id,
    type: event.type,
    botId: event.bot_id,
    occurredAt,
    data: event.data,
  });
  return written.deliveries.map((delivery) => ({
    id: delivery.id,
    webhook_id: delivery.webhook_id,
    attempts: 1,
    schedule_start: 0,
    url: delivery.url,
    secret: delivery.secret,
    event_id: event.id,
    event_type: event.type,
    bot_id: event.bot_id,
    data: event.data,
    occurred_at: occurredAt,
    body,
  }));
}
