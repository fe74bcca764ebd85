import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock';
import { AppConfig } from '../config/app-config';
import { nextAttemptAfterFailure } from './retry-schedule';
import { signatureHeader } from './signature';
import { WebhookEventType } from './webhook-event-type';
import { webhookBody } from './webhook-payloads';
import { privateTargetProblem } from './webhook-target';

/** SUCCEEDED deliveries are pruned this long after they were delivered. */
export const SUCCEEDED_RETENTION_MS = 30 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;
/** The longest error text kept in the delivery log. */
const MAX_ERROR_LENGTH = 500;

/** A delivery as claimed: everything its attempt needs. */
interface ClaimedDelivery {
  id: string;
  webhook_id: string;
  attempts: number;
  schedule_start: number;
  url: string;
  secret: string;
  event_id: string;
  event_type: WebhookEventType;
  bot_id: string;
  data: unknown;
  occurred_at: Date;
}

/** What one attempt leaves on its delivery row. */
interface Outcome {
  id: string;
  attempts: number;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

/** Outcomes written by one statement at most. */
const OUTCOMES_PER_WRITE = 500;

interface AttemptResult {
  statusCode: number | null;
  error: string | null;
}

/**
 * Sends due webhook deliveries; runs on every instance. A delivery is claimed by a conditional
 * UPDATE that moves its `next_attempt_at` to the end of a lease and counts the attempt: the
 * UPDATE re-checks, on the row it locked, that the delivery is still due, so two instances (or
 * two pumps) never claim it together, without relying on FOR UPDATE SKIP LOCKED, on PostgreSQL as
 * on the embedded database. A claim dies with its instance: once the lease ends, another
 * instance (or this one restarted) attempts it again. Results are written only by the claim that
 * still holds the delivery (same attempt count).
 *
 * Wakes at once after a commit that queued deliveries on this instance, and polls every
 * WEBHOOK_POLL_INTERVAL for the others' (and for retries falling due). Attempts run in the
 * background, at most WEBHOOK_CONCURRENCY at once and WEBHOOK_CONCURRENCY_PER_WEBHOOK per
 * webhook, so neither a slow receiver nor a burst ever holds up the changes that queued them.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly inFlight = new Map<string, number>();
  private running = 0;
  private readonly attempts = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private poller: NodeJS.Timeout | undefined;
  private pumping = false;
  private again = false;
  private lastPruneAt = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.poller = setInterval(() => this.wake(), this.config.webhooks.pollIntervalMs);
    this.poller.unref();
    this.wake();
  }

  /**
   * Stops claiming, aborts the attempts in flight and hands their claims back (due now), so
   * another instance sends them without waiting for the lease to end.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.poller);
    this.stopping.abort();
    await Promise.allSettled([...this.attempts]);
  }

  /** Looks for due deliveries now (after a commit that queued some, or on the poll). */
  wake(): void {
    if (this.stopping.signal.aborted) {
      return;
    }
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Resolves once nothing is in flight on this instance (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.attempts.size > 0 || this.pumping) {
      await Promise.allSettled([...this.attempts]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async pump(): Promise<void> {
    try {
      await this.pruneIfDue();
      for (;;) {
        const free = this.config.webhooks.concurrency - this.running;
        if (free <= 0 || this.stopping.signal.aborted) {
          return;
        }
        const claimed = await this.claim(free);
        for (const delivery of claimed) {
          this.start(delivery);
        }
        if (claimed.length < free) {
          return;
        }
      }
    } catch (error) {
      if (!this.stopping.signal.aborted) {
        this.logger.error(`Cannot claim webhook deliveries: ${String(error)}`);
      }
    }
  }

  /** Claims up to `limit` due deliveries of enabled webhooks, within the per-webhook bound. */
  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const now = this.clock.now();
    const leaseEnd = new Date(now.getTime() + 2 * this.config.webhooks.timeoutMs + 5_000);
    const busy = JSON.stringify(Object.fromEntries(this.inFlight));
    const [rows]: [ClaimedDelivery[], number] = await this.dataSource.query(
      `WITH chosen AS (
         SELECT due.id, due.next_attempt_at
           FROM webhooks w
          CROSS JOIN LATERAL (
                SELECT d.id, d.next_attempt_at
                  FROM webhook_deliveries d
                 WHERE d.webhook_id = w.id AND d.status = 'PENDING' AND d.next_attempt_at <= $1
                 ORDER BY d.next_attempt_at
                 LIMIT GREATEST(0, $3 - COALESCE(($4::jsonb ->> w.id::text)::int, 0))
                ) due
          WHERE w.enabled
          ORDER BY due.next_attempt_at
          LIMIT $5
       )
       UPDATE webhook_deliveries d
          SET attempts = d.attempts + 1, next_attempt_at = $2
         FROM chosen, webhooks w, webhook_events e
        WHERE d.id = chosen.id AND w.id = d.webhook_id AND e.id = d.event_id
          AND d.status = 'PENDING' AND d.next_attempt_at <= $1 AND w.enabled
    RETURNING d.id, d.webhook_id, d.attempts, d.schedule_start, w.url, w.secret,
              e.id AS event_id, e.type AS event_type, e.bot_id, e.data, e.occurred_at`,
      [now, leaseEnd, this.config.webhooks.concurrencyPerWebhook, busy, limit],
    );
    return rows;
  }

  private start(delivery: ClaimedDelivery): void {
    this.running += 1;
    this.inFlight.set(delivery.webhook_id, (this.inFlight.get(delivery.webhook_id) ?? 0) + 1);
    const attempt = this.attempt(delivery)
      .catch((error: unknown) =>
        this.logger.error(`Webhook delivery ${delivery.id} failed: ${String(error)}`),
      )
      .finally(() => {
        this.running -= 1;
        const left = (this.inFlight.get(delivery.webhook_id) ?? 1) - 1;
        if (left > 0) {
          this.inFlight.set(delivery.webhook_id, left);
        } else {
          this.inFlight.delete(delivery.webhook_id);
        }
        this.attempts.delete(attempt);
        // A slot is free: more may be due.
        this.wake();
      });
    this.attempts.add(attempt);
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const result = await this.send(delivery);
    if (this.stopping.signal.aborted && result.statusCode === null) {
      await this.handBack(delivery);
      return;
    }
    const now = this.clock.now();
    const succeeded =
      result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const next = succeeded
      ? null
      : nextAttemptAfterFailure(delivery.attempts - delivery.schedule_start, now);
    await this.recordOutcome({
      id: delivery.id,
      attempts: delivery.attempts,
      status: succeeded ? 'SUCCEEDED' : next ? 'PENDING' : 'FAILED',
      statusCode: result.statusCode,
      error: result.error,
      nextAttemptAt: next,
      deliveredAt: succeeded ? now : null,
    });
  }

  /**
   * Outcomes are written together: those that arrive while a write is on its way go in the next
   * one, one statement for all. A busy instance thus writes a handful of statements a second
   * rather than one per delivery, and the slots they free are claimed again together.
   */
  private recordOutcome(outcome: Outcome): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.outcomes.push({ outcome, resolve, reject });
      if (!this.writingOutcomes) {
        void this.writeOutcomes();
      }
    });
  }

  private readonly outcomes: {
    outcome: Outcome;
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];
  private writingOutcomes = false;

  private async writeOutcomes(): Promise<void> {
    this.writingOutcomes = true;
    try {
      while (this.outcomes.length > 0) {
        // Let the outcomes of this turn of the event loop join the write.
        await new Promise((resolve) => setImmediate(resolve));
        const batch = this.outcomes.splice(0, OUTCOMES_PER_WRITE);
        const column = <K extends keyof Outcome>(key: K) =>
          batch.map(({ outcome }) => outcome[key]);
        try {
          // The conditions make a write lose to a newer claim (redelivery) of the same row.
          await this.dataSource.query(
            `UPDATE webhook_deliveries d
                SET status = o.status::webhook_delivery_status, last_status_code = o.status_code,
                    last_error = o.error, next_attempt_at = o.next_attempt_at,
                    delivered_at = o.delivered_at
               FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::text[],
                           $6::timestamptz[], $7::timestamptz[])
                    AS o(id, attempts, status, status_code, error, next_attempt_at, delivered_at)
              WHERE d.id = o.id AND d.attempts = o.attempts AND d.status = 'PENDING'`,
            [
              column('id'),
              column('attempts'),
              column('status'),
              column('statusCode'),
              column('error'),
              column('nextAttemptAt'),
              column('deliveredAt'),
            ],
          );
          batch.forEach(({ resolve }) => resolve());
        } catch (error) {
          batch.forEach(({ reject }) => reject(error));
        }
      }
    } finally {
      this.writingOutcomes = false;
    }
  }

  /** One POST, signed now; never throws: the outcome is the status code or the error. */
  private async send(delivery: ClaimedDelivery): Promise<AttemptResult> {
    const { webhooks } = this.config;
    if (this.config.isProduction && !webhooks.allowPrivateNetworks) {
      const problem = await privateTargetProblem(delivery.url);
      if (problem) {
        return { statusCode: null, error: `Refused: ${problem}` };
      }
    }
    const body = webhookBody({
      id: delivery.event_id,
      type: delivery.event_type,
      botId: delivery.bot_id,
      occurredAt: delivery.occurred_at,
      data: delivery.data,
    });
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Switchboard-Webhooks/1',
          'switchboard-event-id': delivery.event_id,
          'switchboard-event-type': delivery.event_type,
          'switchboard-delivery-attempt': String(delivery.attempts),
          'switchboard-signature': signatureHeader(delivery.secret, this.clock.now(), body),
        },
        body,
        // A redirect could lead anywhere (a private address included): it counts as a failure.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(webhooks.timeoutMs), this.stopping.signal]),
      });
      // Only the status matters; the body is not read.
      await response.body?.cancel().catch(() => undefined);
      const ok = response.status >= 200 && response.status < 300;
      return { statusCode: response.status, error: ok ? null : `HTTP ${response.status}` };
    } catch (error) {
      return { statusCode: null, error: describeFailure(error, webhooks.timeoutMs) };
    }
  }

  /** At shutdown: the interrupted attempt does not count, and the delivery is due again now. */
  private async handBack(delivery: ClaimedDelivery): Promise<void> {
    await this.dataSource
      .query(
        `UPDATE webhook_deliveries SET attempts = attempts - 1, next_attempt_at = $3
          WHERE id = $1 AND attempts = $2 AND status = 'PENDING'`,
        [delivery.id, delivery.attempts, this.clock.now()],
      )
      .catch(() => undefined);
  }

  /** Once an hour (by the service clock): SUCCEEDED deliveries older than 30 days go. */
  private async pruneIfDue(): Promise<void> {
    const now = this.clock.now().getTime();
    if (now - this.lastPruneAt < PRUNE_EVERY_MS) {
      return;
    }
    this.lastPruneAt = now;
    const before = new Date(now - SUCCEEDED_RETENTION_MS);
    await this.dataSource.query(
      `DELETE FROM webhook_deliveries WHERE status = 'SUCCEEDED' AND delivered_at < $1`,
      [before],
    );
    await this.dataSource.query(
      `DELETE FROM webhook_events e
        WHERE e.occurred_at < $1
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)`,
      [before],
    );
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const name = (error as Error).name;
  if (name === 'TimeoutError') {
    return `No answer within ${timeoutMs} ms`;
  }
  if (name === 'AbortError') {
    return 'Interrupted: the instance was stopping';
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const text = cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
  return `No response: ${text}`.slice(0, MAX_ERROR_LENGTH);
}
