import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock';
import { PreparedStatement } from '../common/database/prepared-statement';
import { AppConfig } from '../config/app-config';
import { nextAttemptAfterFailure } from './retry-schedule';
import { signatureHeader } from './signature';
import { WebhookEventType } from './webhook-event-type';
import { webhookBody } from './webhook-payloads';
import { privateTargetProblem } from './webhook-target';
import { SendResult, WebhookSender } from './webhook-sender';

/** SUCCEEDED deliveries are pruned this long after they were delivered. */
export const SUCCEEDED_RETENTION_MS = 30 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;
/** The longest error text kept in the delivery log. */
const MAX_ERROR_LENGTH = 500;

/** A delivery as claimed: everything its attempt needs. */
export interface ClaimedDelivery {
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
  /**
   * The POST's body, when already built: the deliveries of one event share it, so it is built
   * once per event rather than once per webhook.
   */
  body?: string;
}

/** A claimed delivery waiting on this instance for a free slot, since `claimedAt` (clock ms). */
interface Waiting {
  delivery: ClaimedDelivery;
  claimedAt: number;
}

/** An event whose deliveries were just written, once, with each delivery's webhook. */
interface FannedOutEvent {
  id: string;
  type: WebhookEventType;
  bot_id: string;
  data: unknown;
  occurred_at: Date;
  delivery_ids: string[];
  webhook_ids: string[];
  urls: string[];
  secrets: string[];
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

/** Events whose deliveries one statement writes at most. */
const FAN_OUTS_PER_WRITE = 200;
/**
 * The deliveries of committed events are written together, at most this often: a busy instance
 * writes those of many changes in one statement, each change's own statement having written a
 * single row.
 */
const FAN_OUT_SPACING_MS = 20;

/** Outcomes written by one statement at most. */
const OUTCOMES_PER_WRITE = 500;
/**
 * While deliveries flow, claims run at most once per this many ms, each one statement for all
 * the free slots: a busy instance pays a few statements a second for any number of deliveries,
 * rather than one per delivery. An idle dispatcher claims at once.
 */
export const DISPATCH_SPACING_MS = 10;
/**
 * Outcomes are written together, at most this often: they hold no slot (the delivery stays
 * leased until written), so waiting a little costs nothing but makes the statements fewer.
 */
const OUTCOME_SPACING_MS = 50;
/** Deliveries that may wait on this instance for a slot, per slot (of a webhook, in all). */
const WAITING_PER_SLOT = 8;
/** Deliveries that could not start in time are handed back together, at most this often. */
const HAND_BACK_SPACING_MS = 100;

/*
 * The dispatcher's statements run many times a second under load: named, so that PostgreSQL
 * plans them once per connection rather than on every call.
 */

/** Claims up to $5 due deliveries of enabled webhooks, at most $3 in flight per webhook. */
const CLAIM = new PreparedStatement<ClaimedDelivery>(
  'switchboard_claim_deliveries',
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
);

/**
 * Writes the deliveries of events this instance committed ($1), claimed by it until $2, unless
 * another instance wrote them already (past the event's deadline). A webhook being deleted (its
 * deletion holds its row until it commits) gets none rather than being waited for. One row per
 * event, with its deliveries.
 */
const FAN_OUT = new PreparedStatement<FannedOutEvent>(
  'switchboard_fan_out_events',
  `WITH events AS (
     UPDATE webhook_events e SET fan_out_until = NULL
      WHERE e.id = ANY ($1::uuid[]) AND e.fan_out_until IS NOT NULL
  RETURNING e.id, e.type, e.bot_id, e.data, e.occurred_at, e.webhook_ids
   ), targets AS (
     SELECT e.id AS event_id, e.type, e.bot_id, e.data, e.occurred_at, w.id AS webhook_id,
            w.url, w.secret
       FROM events e JOIN webhooks w ON w.id = ANY (e.webhook_ids)
        FOR KEY SHARE OF w SKIP LOCKED
   ), inserted AS (
     INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, status, attempts,
                                     schedule_start, next_attempt_at, created_at)
     SELECT gen_random_uuid(), t.webhook_id, t.event_id, t.type, 'PENDING', 1, 0, $2,
            t.occurred_at
       FROM targets t
  RETURNING id, webhook_id, event_id
   )
   SELECT e.id, e.type, e.bot_id, e.data, e.occurred_at, array_agg(i.id) AS delivery_ids,
          array_agg(t.webhook_id) AS webhook_ids, array_agg(t.url) AS urls,
          array_agg(t.secret) AS secrets
     FROM events e
     JOIN inserted i ON i.event_id = e.id
     JOIN targets t ON t.event_id = i.event_id AND t.webhook_id = i.webhook_id
    GROUP BY e.id, e.type, e.bot_id, e.data, e.occurred_at`,
);

/**
 * Writes the deliveries of up to $2 events whose deadline ($1) passed without them (the instance
 * that committed them died first): due at once, for any instance to claim. The deadline is
 * checked again on each locked event row, so two instances never write them both.
 */
const RECOVER_FAN_OUTS = new PreparedStatement<{ count: number }>(
  'switchboard_recover_fan_outs',
  `WITH events AS (
     UPDATE webhook_events e SET fan_out_until = NULL
      WHERE e.id IN (SELECT id FROM webhook_events
                      WHERE fan_out_until <= $1 ORDER BY fan_out_until LIMIT $2)
        AND e.fan_out_until <= $1
  RETURNING e.id, e.type, e.occurred_at, e.webhook_ids
   ), inserted AS (
     INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, status, attempts,
                                     schedule_start, next_attempt_at, created_at)
     SELECT gen_random_uuid(), w.id, e.id, e.type, 'PENDING', 0, 0, $1, e.occurred_at
       FROM events e JOIN webhooks w ON w.id = ANY (e.webhook_ids)
  RETURNING id
   )
   SELECT (SELECT count(*) FROM events)::int AS count`,
);

/** Attempts' outcomes, in one write; a write loses to a newer claim (redelivery) of a row. */
const WRITE_OUTCOMES = new PreparedStatement(
  'switchboard_delivery_outcomes',
  `UPDATE webhook_deliveries d
      SET status = o.status::webhook_delivery_status, last_status_code = o.status_code,
          last_error = o.error, next_attempt_at = o.next_attempt_at,
          delivered_at = o.delivered_at
     FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::text[],
                 $6::timestamptz[], $7::timestamptz[])
          AS o(id, attempts, status, status_code, error, next_attempt_at, delivered_at)
    WHERE d.id = o.id AND d.attempts = o.attempts AND d.status = 'PENDING'`,
);

/** Claims given back unattempted: the attempt does not count, and each is due again at $3. */
const HAND_BACK = new PreparedStatement(
  'switchboard_hand_back_deliveries',
  `UPDATE webhook_deliveries d
      SET attempts = d.attempts - 1, next_attempt_at = $3
     FROM unnest($1::uuid[], $2::int[]) AS o(id, attempts)
    WHERE d.id = o.id AND d.attempts = o.attempts AND d.status = 'PENDING'`,
);

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
 * The deliveries of this instance's own commits need no claim: once the change committed, it
 * writes them already leased to itself (`fanOut`, for the changes of a few milliseconds at once)
 * and sends them from memory (`adopt`). What cannot start soon enough is handed back (due now)
 * for any instance to claim. An event whose deliveries were never written (its instance died
 * first) is found by the poll once its deadline passed, and its deliveries written due now.
 * The database is asked for due deliveries on the poll (every WEBHOOK_POLL_INTERVAL: the other
 * instances' deliveries, retries falling due, hand-backs) and while a claim keeps finding more.
 * Attempts run in the background, at most WEBHOOK_CONCURRENCY at once and
 * WEBHOOK_CONCURRENCY_PER_WEBHOOK per webhook, so neither a slow receiver nor a burst ever holds
 * up the changes that queued them.
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
  private paced: NodeJS.Timeout | undefined;
  private lastClaimAt = 0;
  private lastPruneAt = 0;
  /**
   * Claimed deliveries waiting for a slot, per webhook, oldest first: a release looks at the
   * head of each webhook's queue, not at everything that waits (a dead receiver's queue stays
   * full while the others flow).
   */
  private readonly waiting = new Map<string, Waiting[]>();
  /** How many wait, in all the queues. */
  private waitingCount = 0;
  /** Claims to give back in the next hand-back statement. */
  private handingBack: ClaimedDelivery[] = [];
  private handBackTimer: NodeJS.Timeout | undefined;
  /** Whether a wake is scheduled for adopted deliveries. */
  private wakeScheduled = false;
  /** Whether the database may hold due deliveries: a claim is worth its statement. */
  private maybeDue = true;
  /** Counts the reasons to believe so, so that a claim running meanwhile does not forget one. */
  private dueHints = 0;
  /** Committed events whose deliveries are to be written, and whether a write is on its way. */
  private fanOuts: string[] = [];
  private fanningOut: Promise<void> | undefined;
  private lastRecoveryAt = -Infinity;
  /** The POSTs themselves run on a thread of lower CPU priority. */
  private readonly sender: WebhookSender;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.sender = new WebhookSender(config.webhooks.timeoutMs);
  }

  /**
   * How long a claim holds a delivery: time for one wait behind the webhook's attempts in flight
   * and one attempt, and a margin. A delivery whose instance died is attempted again after it.
   */
  get leaseMs(): number {
    return 2 * this.config.webhooks.timeoutMs + 5_000;
  }

  onApplicationBootstrap(): void {
    this.poller = setInterval(() => {
      this.hintDue();
      this.wake();
    }, this.config.webhooks.pollIntervalMs);
    this.poller.unref();
    this.wake();
  }

  /**
   * Stops claiming, aborts the attempts in flight and hands their claims back (due now), so
   * another instance sends them without waiting for the lease to end.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.poller);
    clearTimeout(this.paced);
    this.stopping.abort();
    // The deliveries of what committed last are written first: stopping, they are handed back.
    await this.fanningOut;
    await this.handBack(this.takeAllWaiting());
    this.sender.interrupt();
    await Promise.allSettled([...this.attempts]);
    await this.sender.close();
  }

  /**
   * An event the outbox wrote has just committed: its deliveries are written (with those of the
   * events committed in the next few milliseconds, in one statement), claimed by this instance,
   * then sent.
   */
  fanOut(eventId: string): void {
    this.fanOuts.push(eventId);
    this.fanningOut ??= this.writeFanOuts();
  }

  /**
   * Writes the queued fan-outs until none is left. It forgets itself in the same step as it
   * finds the queue empty, so an event queued a moment later starts the next writer.
   */
  private async writeFanOuts(): Promise<void> {
    try {
      while (this.fanOuts.length > 0) {
        if (!this.stopping.signal.aborted) {
          await new Promise((resolve) => setTimeout(resolve, FAN_OUT_SPACING_MS));
        }
        const batch = this.fanOuts.splice(0, FAN_OUTS_PER_WRITE);
        const leaseEnd = new Date(this.clock.now().getTime() + this.leaseMs);
        try {
          const events = await FAN_OUT.run(this.dataSource, [batch, leaseEnd]);
          this.adopt(events.flatMap(firstAttempts));
        } catch (error) {
          // The events keep their deadline: once it passed, the poll writes their deliveries.
          this.logger.error(`Cannot write webhook deliveries: ${String(error)}`);
        }
      }
    } finally {
      this.fanningOut = undefined;
    }
  }

  /**
   * Takes over deliveries written already leased to this instance, for changes that have just
   * committed; they are sent as slots free up.
   */
  private adopt(deliveries: ClaimedDelivery[]): void {
    if (deliveries.length === 0) {
      return;
    }
    if (this.stopping.signal.aborted) {
      this.handBackLater(deliveries);
      return;
    }
    const { concurrency, concurrencyPerWebhook } = this.config.webhooks;
    const claimedAt = this.clock.now().getTime();
    const full: ClaimedDelivery[] = [];
    for (const delivery of deliveries) {
      const queue = this.waiting.get(delivery.webhook_id) ?? [];
      // What cannot wait here (its webhook's queue, or the instance's, is full) is handed back:
      // any instance claims it once the webhook has a free slot.
      if (
        queue.length >= WAITING_PER_SLOT * concurrencyPerWebhook ||
        this.waitingCount >= WAITING_PER_SLOT * concurrency
      ) {
        full.push(delivery);
        continue;
      }
      if (queue.length === 0) {
        this.waiting.set(delivery.webhook_id, queue);
      }
      queue.push({ delivery, claimedAt });
      this.waitingCount += 1;
    }
    this.handBackLater(full);
    // Started in the next turn of the event loop, not in the committing change's: the change
    // answers its caller and publishes its message first, and the deliveries of every change
    // committed in this turn start together.
    if (!this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(() => {
        this.wakeScheduled = false;
        this.wake();
      });
    }
  }

  /**
   * Starts what waits on this instance, then looks for due deliveries in the database when some
   * may be there (after the poll, a hand-back, or a claim that found as many as it could take):
   * at once when the last claim is DISPATCH_SPACING_MS old, else when it will be.
   */
  wake(): void {
    this.drainWaiting();
    if (this.stopping.signal.aborted || this.paced || !this.maybeDue) {
      return;
    }
    if (this.pumping) {
      this.again = true;
      return;
    }
    const wait = this.lastClaimAt + DISPATCH_SPACING_MS - performance.now();
    if (wait > 0) {
      this.paced = setTimeout(() => {
        this.paced = undefined;
        this.wake();
      }, wait);
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
    while (
      this.attempts.size > 0 ||
      this.pumping ||
      this.paced ||
      this.waitingCount > 0 ||
      this.fanningOut
    ) {
      await this.fanningOut;
      await Promise.allSettled([...this.attempts]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private hintDue(): void {
    this.maybeDue = true;
    this.dueHints += 1;
  }

  /**
   * Starts waiting deliveries while slots are free, the oldest head of the webhooks with a free
   * slot first. A delivery that has waited as long as one attempt may take is handed back rather
   * than started: started in time, its attempt ends within its lease.
   */
  private drainWaiting(): void {
    if (this.waitingCount === 0) {
      return;
    }
    const { concurrency, concurrencyPerWebhook, timeoutMs } = this.config.webhooks;
    const oldest = this.clock.now().getTime() - timeoutMs;
    const late: ClaimedDelivery[] = [];
    for (const [webhook, queue] of this.waiting) {
      while (queue.length > 0 && queue[0].claimedAt < oldest) {
        late.push(queue.shift()!.delivery);
        this.waitingCount -= 1;
      }
      if (queue.length === 0) {
        this.waiting.delete(webhook);
      }
    }
    while (this.running < concurrency) {
      let next: Waiting[] | undefined;
      for (const [webhook, queue] of this.waiting) {
        if (
          (this.inFlight.get(webhook) ?? 0) < concurrencyPerWebhook &&
          (!next || queue[0].claimedAt < next[0].claimedAt)
        ) {
          next = queue;
        }
      }
      if (!next) {
        break;
      }
      const { delivery } = next.shift()!;
      this.waitingCount -= 1;
      if (next.length === 0) {
        this.waiting.delete(delivery.webhook_id);
      }
      this.start(delivery);
    }
    this.handBackLater(late);
  }

  /** Everything that waits, taken out of the queues. */
  private takeAllWaiting(): ClaimedDelivery[] {
    const all = [...this.waiting.values()].flat().map(({ delivery }) => delivery);
    this.waiting.clear();
    this.waitingCount = 0;
    return all;
  }

  /**
   * Claims given back together, a little later (at once when stopping): nothing is urgent about
   * them, the poll claims them.
   */
  private handBackLater(deliveries: ClaimedDelivery[]): void {
    this.handingBack.push(...deliveries);
    if (this.handingBack.length === 0 || this.handBackTimer) {
      return;
    }
    const stopping = this.stopping.signal.aborted;
    const handedBack: Promise<void> = new Promise<void>((resolve) => {
      this.handBackTimer = setTimeout(resolve, stopping ? 0 : HAND_BACK_SPACING_MS);
    }).then(async () => {
      this.handBackTimer = undefined;
      const batch = this.handingBack;
      this.handingBack = [];
      await this.handBack(batch);
      this.attempts.delete(handedBack);
    });
    this.attempts.add(handedBack);
  }

  private async pump(): Promise<void> {
    try {
      await this.pruneIfDue();
      await this.recoverFanOutsIfDue();
      for (;;) {
        const free = this.config.webhooks.concurrency - this.running;
        if (free <= 0 || this.stopping.signal.aborted) {
          return;
        }
        this.lastClaimAt = performance.now();
        const hints = this.dueHints;
        const claimed = await this.claim(free);
        for (const delivery of claimed) {
          this.start(delivery);
        }
        if (claimed.length < free) {
          if (hints === this.dueHints) {
            this.maybeDue = false;
          }
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
    const leaseEnd = new Date(now.getTime() + this.leaseMs);
    const busy = JSON.stringify(Object.fromEntries(this.inFlight));
    return CLAIM.run(this.dataSource, [
      now,
      leaseEnd,
      this.config.webhooks.concurrencyPerWebhook,
      busy,
      limit,
    ]);
  }

  private start(delivery: ClaimedDelivery): void {
    this.running += 1;
    this.inFlight.set(delivery.webhook_id, (this.inFlight.get(delivery.webhook_id) ?? 0) + 1);
    let released = false;
    // The slot is free once the receiver answered (or did not): the outcome is written later,
    // and the delivery stays leased to this instance until then.
    const release = () => {
      if (released) {
        return;
      }
      released = true;
      this.running -= 1;
      const left = (this.inFlight.get(delivery.webhook_id) ?? 1) - 1;
      if (left > 0) {
        this.inFlight.set(delivery.webhook_id, left);
      } else {
        this.inFlight.delete(delivery.webhook_id);
      }
      this.wake();
    };
    const attempt = this.attempt(delivery, release)
      .catch((error: unknown) =>
        this.logger.error(`Webhook delivery ${delivery.id} failed: ${String(error)}`),
      )
      .finally(() => {
        release();
        this.attempts.delete(attempt);
      });
    this.attempts.add(attempt);
  }

  private async attempt(delivery: ClaimedDelivery, release: () => void): Promise<void> {
    const result = await this.send(delivery);
    if (this.stopping.signal.aborted && result.statusCode === null) {
      await this.handBack([delivery]);
      return;
    }
    release();
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
   * Outcomes are written together: those of the next OUTCOME_SPACING_MS, and those that arrive
   * while a write is on its way, go in one statement.
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
        // Let the outcomes of the next few milliseconds join the write.
        await new Promise((resolve) => setTimeout(resolve, OUTCOME_SPACING_MS));
        const batch = this.outcomes.splice(0, OUTCOMES_PER_WRITE);
        const column = <K extends keyof Outcome>(key: K) =>
          batch.map(({ outcome }) => outcome[key]);
        try {
          // The conditions make a write lose to a newer claim (redelivery) of the same row.
          await WRITE_OUTCOMES.run(this.dataSource, [
            column('id'),
            column('attempts'),
            column('status'),
            column('statusCode'),
            column('error'),
            column('nextAttemptAt'),
            column('deliveredAt'),
          ]);
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
    const body =
      delivery.body ??
      webhookBody({
        id: delivery.event_id,
        type: delivery.event_type,
        botId: delivery.bot_id,
        occurredAt: delivery.occurred_at,
        data: delivery.data,
      });
    const result = await this.sender.send({
      url: delivery.url,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Switchboard-Webhooks/1',
        'switchboard-event-id': delivery.event_id,
        'switchboard-event-type': delivery.event_type,
        'switchboard-delivery-attempt': String(delivery.attempts),
        'switchboard-signature': signatureHeader(delivery.secret, this.clock.now(), body),
      },
      body,
    });
    if (result.statusCode === null) {
      return { statusCode: null, error: describeFailure(result, webhooks.timeoutMs) };
    }
    const ok = result.statusCode >= 200 && result.statusCode < 300;
    return { statusCode: result.statusCode, error: ok ? null : `HTTP ${result.statusCode}` };
  }

  /**
   * Gives claims back unattempted (at shutdown, an interrupted attempt; or deliveries that could
   * not start in time): the attempt does not count, and the delivery is due again now.
   */
  private async handBack(deliveries: ClaimedDelivery[]): Promise<void> {
    if (deliveries.length === 0) {
      return;
    }
    await HAND_BACK.run(this.dataSource, [
      deliveries.map((delivery) => delivery.id),
      deliveries.map((delivery) => delivery.attempts),
      this.clock.now(),
    ]).catch((error: unknown) =>
      this.logger.warn(`Cannot hand webhook deliveries back: ${String(error)}`),
    );
  }

  /**
   * Once per poll interval: the deliveries of events left behind by an instance that died before
   * writing them, due now (the claim that follows takes them).
   */
  private async recoverFanOutsIfDue(): Promise<void> {
    const now = performance.now();
    if (now - this.lastRecoveryAt < this.config.webhooks.pollIntervalMs) {
      return;
    }
    this.lastRecoveryAt = now;
    for (;;) {
      const [{ count }] = await RECOVER_FAN_OUTS.run(this.dataSource, [
        this.clock.now(),
        FAN_OUTS_PER_WRITE,
      ]);
      if (count < FAN_OUTS_PER_WRITE) {
        return;
      }
    }
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
        WHERE e.occurred_at < $1 AND e.fan_out_until IS NULL
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)`,
      [before],
    );
  }
}

/** The deliveries of an event just fanned out, as this instance's claims of their first attempt. */
function firstAttempts(event: FannedOutEvent): ClaimedDelivery[] {
  // One body for all of them, built once.
  const body = webhookBody({
    id: event.id,
    type: event.type,
    botId: event.bot_id,
    occurredAt: event.occurred_at,
    data: event.data,
  });
  return event.delivery_ids.map((id, i) => ({
    id,
    webhook_id: event.webhook_ids[i],
    attempts: 1,
    schedule_start: 0,
    url: event.urls[i],
    secret: event.secrets[i],
    event_id: event.id,
    event_type: event.type,
    bot_id: event.bot_id,
    data: event.data,
    occurred_at: event.occurred_at,
    body,
  }));
}

function describeFailure(
  failure: Extract<SendResult, { statusCode: null }>,
  timeoutMs: number,
): string {
  if (failure.name === 'TimeoutError') {
    return `No answer within ${timeoutMs} ms`;
  }
  if (failure.name === 'AbortError') {
    return 'Interrupted: the instance was stopping';
  }
  return `No response: ${failure.code ?? failure.message}`.slice(0, MAX_ERROR_LENGTH);
}
