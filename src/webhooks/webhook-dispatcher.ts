import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock';
import { PreparedStatement } from '../common/database/prepared-statement';
import { AppConfig } from '../config/app-config';
import { nextAttemptAfterFailure } from './retry-schedule';
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
  /**
   * Whether its row exists. A first attempt of an event this instance committed has none yet:
   * the row is written with the attempt's outcome (or when it is handed back).
   */
  recorded: boolean;
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

/** A committed event this instance sends the first attempts of, with the webhooks it goes to. */
interface LoadedEvent {
  id: string;
  type: WebhookEventType;
  bot_id: string;
  data: unknown;
  occurred_at: Date;
  webhook_ids: string[];
  urls: string[];
  secrets: string[];
}

/** What one attempt (or a hand-back) leaves on its delivery row. */
interface Outcome {
  id: string;
  attempts: number;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  /** For a delivery without a row yet (a first attempt): what its new row also holds. */
  first?: { webhookId: string; eventId: string; eventType: WebhookEventType; createdAt: Date };
}

/** An entry of the next write: an outcome, the closing of an event's first attempts, or both. */
interface PendingWrite {
  outcome?: Outcome;
  /** An event all of whose first attempts are written with this batch. */
  close?: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Events one statement takes at most: reading their webhooks, or recovering them. */
const FAN_OUTS_PER_STATEMENT = 200;
/**
 * The webhooks of committed events are read together, at most this often: a busy instance reads
 * those of many changes in one statement, a few times a second rather than once per change (a
 * webhook is told of a change within this much, plus its own round trip).
 */
const FAN_OUT_SPACING_MS = 50;

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
 * leased, or its event open, until written), so waiting a little costs nothing but makes the
 * statements fewer.
 */
const OUTCOME_SPACING_MS = 100;
/** Deliveries that may wait on this instance for a slot, per slot (of a webhook, in all). */
const WAITING_PER_SLOT = 64;
/** Deliveries that could not start in time are handed back together, at most this often. */
const HAND_BACK_SPACING_MS = 100;

/*
 * The dispatcher's statements run many times a second under load: named, so that PostgreSQL
 * plans them once per connection rather than on every call.
 */

/**
 * A common table expression that lets the statement's own transaction commit without waiting for
 * its WAL to reach the disk (`synchronous_commit` off for that transaction only: `set_config`
 * with `is_local`). A statement joins it where it writes or locks, so it is set whenever the
 * statement has anything to commit. A message's commit waits for the disk, and with it for
 * everything written before; the dispatcher's bookkeeping (reading the webhooks of an event,
 * writing outcomes, handing back) would otherwise add a flush of its own to that queue dozens of
 * times a second. What a crash of PostgreSQL itself may lose of it (a fraction of a second) is
 * only sent again: a first attempt whose row is lost leaves its event open, and its deadline
 * brings it back; a lost outcome leaves its delivery claimed until the lease ends. Claims and
 * the changes being reported (the events) are always committed to disk.
 */
const ASYNC_COMMIT = `async_commit AS MATERIALIZED (
     SELECT set_config('synchronous_commit', 'off', true) AS setting
   )`;

/**
 * Claims up to $5 due deliveries of enabled webhooks, at most $3 in flight per webhook. The rows
 * chosen are updated through their ids (an array), so that the plan PostgreSQL keeps for the
 * statement looks them up by key rather than joining every PENDING delivery to the few chosen.
 */
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
     FROM webhooks w, webhook_events e
    WHERE d.id = ANY (ARRAY(SELECT id FROM chosen)) AND w.id = d.webhook_id AND e.id = d.event_id
      AND d.status = 'PENDING' AND d.next_attempt_at <= $1 AND w.enabled
RETURNING d.id, true AS recorded, d.webhook_id, d.attempts, d.schedule_start, w.url, w.secret,
          e.id AS event_id, e.type AS event_type, e.bot_id, e.data, e.occurred_at`,
);

/**
 * The events this instance committed ($1), with the webhooks their first attempts go to, unless
 * another instance took them over already (past the event's deadline). Nothing is written: the
 * deliveries' rows are written with their first attempts' outcomes. A webhook being deleted (its
 * deletion holds its row until it commits) is left out rather than waited for. One row per event.
 */
const LOAD_FIRST_ATTEMPTS = new PreparedStatement<LoadedEvent>(
  'switchboard_load_first_attempts',
  `WITH ${ASYNC_COMMIT}, targets AS (
     SELECT e.id AS event_id, w.id AS webhook_id, w.url, w.secret
       FROM async_commit, webhook_events e JOIN webhooks w ON w.id = ANY (e.webhook_ids)
      WHERE e.id = ANY ($1::uuid[]) AND e.fan_out_until IS NOT NULL
        FOR KEY SHARE OF w SKIP LOCKED
   )
   SELECT e.id, e.type, e.bot_id, e.data, e.occurred_at,
          array_remove(array_agg(t.webhook_id), NULL) AS webhook_ids,
          array_remove(array_agg(t.url), NULL) AS urls,
          array_remove(array_agg(t.secret), NULL) AS secrets
     FROM webhook_events e
     LEFT JOIN targets t ON t.event_id = e.id
    WHERE e.id = ANY ($1::uuid[]) AND e.fan_out_until IS NOT NULL
    GROUP BY e.id`,
);

/**
 * Writes the deliveries of up to $2 events whose deadline ($1) passed before all their first
 * attempts were written (the instance that committed them died first): due at once, for any
 * instance to claim. Those it had written already stay as they are. The deadline is checked
 * again on each locked event row, so two instances never write them both.
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
         ON CONFLICT (event_id, webhook_id) DO NOTHING
  RETURNING id
   )
   SELECT (SELECT count(*) FROM events)::int AS count`,
);

/** Attempts' outcomes, in one write; a write loses to a newer claim (redelivery) of a row. */
const WRITE_OUTCOMES = new PreparedStatement(
  'switchboard_delivery_outcomes',
  `WITH ${ASYNC_COMMIT}
   UPDATE webhook_deliveries d
      SET status = o.status::webhook_delivery_status, last_status_code = o.status_code,
          last_error = o.error, next_attempt_at = o.next_attempt_at,
          delivered_at = o.delivered_at
     FROM async_commit,
          unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::text[],
                 $6::timestamptz[], $7::timestamptz[])
          AS o(id, attempts, status, status_code, error, next_attempt_at, delivered_at)
    WHERE d.id = o.id AND d.attempts = o.attempts AND d.status = 'PENDING'`,
);

/**
 * The rows of first attempts, written with their outcomes (or due at once, handed back), and the
 * events whose first attempts are all written ($12) closed in the same statement. A row that is
 * there already (the event's deadline passed and another instance wrote its deliveries) stays as
 * it is. A webhook deleted meanwhile gets none, and one being deleted is not waited for.
 */
const RECORD_FIRST_ATTEMPTS = new PreparedStatement(
  'switchboard_record_first_attempts',
  `WITH ${ASYNC_COMMIT}, attempted AS (
     SELECT a.*
       FROM async_commit,
            unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int[],
                   $7::int[], $8::text[], $9::timestamptz[], $10::timestamptz[],
                   $11::timestamptz[])
            AS a(id, webhook_id, event_id, event_type, status, attempts, status_code, error,
                 next_attempt_at, delivered_at, created_at)
       JOIN webhooks w ON w.id = a.webhook_id
        FOR KEY SHARE OF w SKIP LOCKED
   ), written AS (
     INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, status, attempts,
                                     schedule_start, last_status_code, last_error,
                                     next_attempt_at, created_at, delivered_at)
     SELECT id, webhook_id, event_id, event_type::webhook_event_type,
            status::webhook_delivery_status, attempts, 0, status_code, error, next_attempt_at,
            created_at, delivered_at
       FROM attempted
         ON CONFLICT (event_id, webhook_id) DO NOTHING
     RETURNING 1
   ), closed AS (
     UPDATE webhook_events e SET fan_out_until = NULL
       FROM async_commit
      WHERE e.id = ANY ($12::uuid[]) AND e.fan_out_until IS NOT NULL
     RETURNING 1
   )
   SELECT (SELECT count(*) FROM written)::int AS written,
          (SELECT count(*) FROM closed)::int AS closed`,
);

/** Claims given back unattempted: the attempt does not count, and each is due again at $3. */
const HAND_BACK = new PreparedStatement(
  'switchboard_hand_back_deliveries',
  `WITH ${ASYNC_COMMIT}
   UPDATE webhook_deliveries d
      SET attempts = d.attempts - 1, next_attempt_at = $3
     FROM async_commit, unnest($1::uuid[], $2::int[]) AS o(id, attempts)
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
 * The first attempts of this instance's own commits need no claim and no row beforehand: the
 * event itself, written by the change with a deadline (`fan_out_until`, a lease), is the claim.
 * Once the change committed, this instance reads the webhooks the event goes to (`fanOut`, for
 * the changes of a few milliseconds at once), sends the first attempts from memory (`adopt`),
 * and writes each delivery's row with its outcome, closing the event with the last one: one
 * write per delivery rather than a write before the attempt and another after it. What cannot
 * start soon enough is written due now (handed back) for any instance to claim. An event whose
 * first attempts were not all written (its instance died first) is found by the poll once its
 * deadline passed, and its missing deliveries written due now.
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
  /** Webhooks whose handed-back deliveries wait for one of their slots here to free up. */
  private readonly handedBackFor = new Set<string>();
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
    // The webhooks of what committed last are read first: stopping, those first attempts are
    // handed back.
    await this.fanningOut;
    await this.handBack(this.takeAllWaiting());
    this.sender.interrupt();
    await Promise.allSettled([...this.attempts]);
    await this.sender.close();
  }

  /**
   * An event the outbox wrote has just committed: the webhooks it goes to are read (with those of
   * the events committed in the next few milliseconds, in one statement), then its first attempts
   * are sent.
   */
  fanOut(eventId: string): void {
    this.fanOuts.push(eventId);
    this.fanningOut ??= this.readFanOuts();
  }

  /**
   * Reads the queued events' webhooks until none is left. It forgets itself in the same step as it
   * finds the queue empty, so an event queued a moment later starts the next reader.
   */
  private async readFanOuts(): Promise<void> {
    try {
      while (this.fanOuts.length > 0) {
        if (!this.stopping.signal.aborted) {
          await new Promise((resolve) => setTimeout(resolve, FAN_OUT_SPACING_MS));
        }
        const batch = this.fanOuts.splice(0, FAN_OUTS_PER_STATEMENT);
        try {
          const events = await LOAD_FIRST_ATTEMPTS.run(this.dataSource, [batch]);
          for (const event of events) {
            if (event.webhook_ids.length === 0) {
              // Its webhooks are all gone: nothing to send, the event is done with.
              void this.queueWrite({ close: event.id }).catch(() => undefined);
            } else {
              this.unwritten.set(event.id, event.webhook_ids.length);
            }
          }
          this.adopt(events.flatMap(firstAttempts));
        } catch (error) {
          // The events keep their deadline: once it passed, the poll writes their deliveries.
          this.logger.error(`Cannot read the webhooks of committed events: ${String(error)}`);
        }
      }
    } finally {
      this.fanningOut = undefined;
    }
  }

  /**
   * Takes over the first attempts of changes that have just committed (the events' deadlines are
   * their lease); they are sent as slots free up.
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
      this.fanningOut ||
      this.writing
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
      if (this.handedBackFor.delete(delivery.webhook_id)) {
        this.hintDue();
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
    await this.queueOutcome(delivery, {
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
   * Queues `outcome` for the next write: an UPDATE of the delivery's row, or, for a first attempt
   * without one, its INSERT; the event's first attempts are closed with the last of them.
   */
  private queueOutcome(delivery: ClaimedDelivery, outcome: Outcome): Promise<void> {
    if (delivery.recorded) {
      return this.queueWrite({ outcome });
    }
    const left = (this.unwritten.get(delivery.event_id) ?? 1) - 1;
    if (left > 0) {
      this.unwritten.set(delivery.event_id, left);
    } else {
      this.unwritten.delete(delivery.event_id);
    }
    return this.queueWrite({
      outcome: {
        ...outcome,
        first: {
          webhookId: delivery.webhook_id,
          eventId: delivery.event_id,
          eventType: delivery.event_type,
          createdAt: delivery.occurred_at,
        },
      },
      close: left > 0 ? undefined : delivery.event_id,
    });
  }

  /**
   * Writes are batched: those of the next OUTCOME_SPACING_MS, and those that arrive while a
   * write is on its way, go together (at most two statements: the rows updated and the rows
   * written).
   */
  private queueWrite(write: Omit<PendingWrite, 'resolve' | 'reject'>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.writes.push({ ...write, resolve, reject });
      if (!this.writing) {
        void this.writeOutcomes();
      }
    });
  }

  private readonly writes: PendingWrite[] = [];
  private writing = false;
  /** Events this instance sends the first attempts of: how many of them are not queued yet. */
  private readonly unwritten = new Map<string, number>();

  private async writeOutcomes(): Promise<void> {
    this.writing = true;
    try {
      while (this.writes.length > 0) {
        // Let the outcomes of the next few milliseconds join the write.
        if (!this.stopping.signal.aborted) {
          await new Promise((resolve) => setTimeout(resolve, OUTCOME_SPACING_MS));
        }
        const batch = this.writes.splice(0, OUTCOMES_PER_WRITE);
        try {
          await this.write(batch);
          batch.forEach(({ resolve }) => resolve());
        } catch (error) {
          batch.forEach(({ reject }) => reject(error));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(batch: PendingWrite[]): Promise<void> {
    const updated = batch.flatMap(({ outcome }) => (outcome && !outcome.first ? [outcome] : []));
    const first = batch.flatMap(({ outcome }) => (outcome?.first ? [outcome] : []));
    const closed = batch.flatMap(({ close }) => (close ? [close] : []));
    const column = <K extends keyof Outcome>(outcomes: Outcome[], key: K) =>
      outcomes.map((outcome) => outcome[key]);
    if (updated.length > 0) {
      // The conditions make a write lose to a newer claim (redelivery) of the same row.
      await WRITE_OUTCOMES.run(this.dataSource, [
        column(updated, 'id'),
        column(updated, 'attempts'),
        column(updated, 'status'),
        column(updated, 'statusCode'),
        column(updated, 'error'),
        column(updated, 'nextAttemptAt'),
        column(updated, 'deliveredAt'),
      ]);
    }
    if (first.length > 0 || closed.length > 0) {
      const of = <K extends keyof NonNullable<Outcome['first']>>(key: K) =>
        first.map((outcome) => outcome.first![key]);
      await RECORD_FIRST_ATTEMPTS.run(this.dataSource, [
        column(first, 'id'),
        of('webhookId'),
        of('eventId'),
        of('eventType'),
        column(first, 'status'),
        column(first, 'attempts'),
        column(first, 'statusCode'),
        column(first, 'error'),
        column(first, 'nextAttemptAt'),
        column(first, 'deliveredAt'),
        of('createdAt'),
        closed,
      ]);
      // Handed back, due now: a claim takes them, at once for a webhook with a free slot here.
      // Those of a webhook whose slots are all taken (a receiver that does not answer) are
      // claimed once one of its attempts ends, or by the poll.
      const { concurrencyPerWebhook } = this.config.webhooks;
      let claimable = false;
      for (const outcome of first) {
        if (outcome.attempts === 0) {
          const webhook = outcome.first!.webhookId;
          if ((this.inFlight.get(webhook) ?? 0) < concurrencyPerWebhook) {
            claimable = true;
          } else {
            this.handedBackFor.add(webhook);
          }
        }
      }
      if (claimable) {
        this.hintDue();
        this.wake();
      }
    }
  }

  /**
   * One POST, signed now (by the sending thread); never throws: the outcome is the status code
   * or the error.
   */
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
      body,
      secret: delivery.secret,
      signedAt: Math.floor(this.clock.now().getTime() / 1000),
      eventId: delivery.event_id,
      eventType: delivery.event_type,
      attempt: delivery.attempts,
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
    const now = this.clock.now();
    const claimed = deliveries.filter((delivery) => delivery.recorded);
    // A first attempt without a row gets one, due now, with no attempt counted.
    const unwritten = deliveries
      .filter((delivery) => !delivery.recorded)
      .map((delivery) =>
        this.queueOutcome(delivery, {
          id: delivery.id,
          attempts: 0,
          status: 'PENDING',
          statusCode: null,
          error: null,
          nextAttemptAt: now,
          deliveredAt: null,
        }),
      );
    await Promise.all([
      claimed.length === 0
        ? undefined
        : HAND_BACK.run(this.dataSource, [
            claimed.map((delivery) => delivery.id),
            claimed.map((delivery) => delivery.attempts),
            now,
          ]),
      ...unwritten,
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
        FAN_OUTS_PER_STATEMENT,
      ]);
      if (count < FAN_OUTS_PER_STATEMENT) {
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
function firstAttempts(event: LoadedEvent): ClaimedDelivery[] {
  // One body for all of them, built once.
  const body = webhookBody({
    id: event.id,
    type: event.type,
    botId: event.bot_id,
    occurredAt: event.occurred_at,
    data: event.data,
  });
  return event.webhook_ids.map((webhookId, i) => ({
    id: randomUUID(),
    recorded: false,
    webhook_id: webhookId,
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
