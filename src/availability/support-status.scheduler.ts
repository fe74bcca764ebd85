import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CancelTimer, Clock } from '../common/clock/clock';
import { LocalFanout } from '../common/pubsub/local-fanout';
import { PubSubPort, RESYNC } from '../common/pubsub/pubsub';
import { Topics } from '../common/pubsub/topics';
import { toStatusModel } from './availability.mapping';
import { AvailabilityService, SupportStatusSnapshot } from './availability.service';
import { SupportStatusCounts, SupportStatusModel } from './models/availability.models';
import { TeamPresenceService } from './team-presence.service';

/**
 * At most one push of changed counts (agentsOnline, waitingRequests) per bot in this long: the
 * first change is told at once, changes within the interval after it together at its end.
 */
export const COUNTS_PUSH_INTERVAL_MS = 1_000;

interface Watch {
  subscribers: number;
  timer?: CancelTimer;
  /**
   * What subscribers last heard, to publish at an edge only when the state, the reason or the
   * date's override changed.
   */
  last?: Pick<SupportStatusSnapshot, 'state' | 'reason'> & { overrideId: string | null };
  /** The counts subscribers last heard, to push a change of them only. */
  counts?: SupportStatusCounts;
  /** When counts were last pushed here (process time), and the coalesced push due, if any. */
  countsPushedAt: number;
  countsTimer?: NodeJS.Timeout;
  /** This instance's subscription to the bot's edit announcements. */
  edits: AsyncIterableIterator<unknown>;
}

/** What the bot's topic carries: an edit, or a change that may have moved the counts. */
interface Announcement {
  botId: string;
  counts?: true;
}

/**
 * Pushes a bot's support status to its `supportStatusChanged` subscribers: when an edit is
 * committed (schedule, time zone, temporary unavailability) on any instance, and at the next
 * instant it changes by itself (a slot edge, the end of an unavailability), through ONE timer per
 * bot watched here, armed on the injectable clock for exactly that instant. No polling: a bot
 * nobody watches has no timer.
 *
 * With several instances, an edit is announced to all of them through the pub/sub, and each
 * instance computes the status and delivers it to its OWN subscribers only, at edits and at its
 * own timers' edges: every subscriber hears each change exactly once, whichever instance
 * serves it.
 *
 * Dated overrides are edits like slots, and their edges edges like slots'; the local midnight
 * that moves to or from an override date is one too (the status's `override` changes).
 *
 * The counts (members online, requests waiting) change with connections and requests, not with
 * time: a member coming online or going offline (reported once in the deployment) and a request
 * queued, taken or closed are announced on the bot's topic, and each instance recounts for its
 * subscribers and pushes the status only when a count differs from what they last heard, at
 * most once per COUNTS_PUSH_INTERVAL_MS per bot (a console header follows the team closely; a
 * widget on every page of a site is not flooded when agents come and go).
 */
@Injectable()
export class SupportStatusScheduler implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SupportStatusScheduler.name);
  private readonly watches = new Map<string, Watch>();
  /** The subscribers of this instance, by bot. */
  private readonly local = new LocalFanout();
  private stopFollowingEdits?: () => void;

  constructor(
    private readonly availability: AvailabilityService,
    private readonly team: TeamPresenceService,
    private readonly pubsub: PubSubPort,
    private readonly clock: Clock,
  ) {}

  /** Live status changes of one bot; the timer lives while at least one subscriber does. */
  subscribe(botId: string): AsyncIterableIterator<SupportStatusModel> {
    const inner = this.local.subscribe<SupportStatusModel>(
      botId,
      false,
    ) as AsyncIterableIterator<SupportStatusModel>;
    let watch = this.watches.get(botId);
    if (!watch) {
      watch = {
        subscribers: 0,
        countsPushedAt: 0,
        edits: this.pubsub.subscribeWithResync(Topics.supportStatus(botId)),
      };
      this.watches.set(botId, watch);
      void this.followEdits(botId, watch);
      void this.refresh(botId, 'arm');
    }
    watch.subscribers += 1;
    let released = false;
    const release = (): void => {
      if (!released) {
        released = true;
        this.unwatch(botId);
      }
    };
    return {
      next: () => inner.next(),
      return: (value?: unknown) => {
        release();
        return inner.return
          ? inner.return(value)
          : Promise.resolve({ done: true, value: undefined });
      },
      throw: (error?: unknown) => {
        release();
        return inner.throw
          ? inner.throw(error)
          : Promise.reject(error instanceof Error ? error : new Error(String(error)));
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /**
   * After a committed edit: every instance drops the bot's cached status, and its subscribers,
   * on every instance, hear the new one.
   */
  async changed(botId: string): Promise<void> {
    this.availability.forgetStatus(botId);
    await Promise.all([
      this.pubsub.publish(Topics.supportStatusEdits(), { botId }),
      this.pubsub.publish(Topics.supportStatus(botId), { botId }),
    ]);
  }

  /**
   * After a change that may move the bot's counts (a member online or offline, a request queued,
   * taken or closed): every instance recounts for its subscribers, coalesced.
   */
  async countsChanged(botId: string): Promise<void> {
    const announcement: Announcement = { botId, counts: true };
    await this.pubsub.publish(Topics.supportStatus(botId), announcement);
  }

  /** Whether the bot's subscribers are being served: its status known and its timer armed. */
  isWatching(botId: string): boolean {
    return this.watches.get(botId)?.last !== undefined;
  }

  /** Edits announced by any instance evict the cached status of their bot here. */
  onModuleInit(): void {
    const edits = this.pubsub.subscribeWithResync<{ botId: string }>(Topics.supportStatusEdits());
    this.stopFollowingEdits = () => void edits.return?.();
    void (async () => {
      for await (const edit of edits) {
        if (edit === RESYNC) {
          // Announcements may have been lost while the pub/sub was away.
          this.availability.forgetAllStatuses();
        } else {
          this.availability.forgetStatus(edit.botId);
        }
      }
    })();
  }

  onModuleDestroy(): void {
    this.stopFollowingEdits?.();
    for (const watch of this.watches.values()) {
      watch.timer?.();
      clearTimeout(watch.countsTimer);
      void watch.edits.return?.();
    }
    this.watches.clear();
  }

  /**
   * Edits announced by any instance. After a pub/sub outage (an announcement may be lost) the
   * status is recomputed and told only if it differs from what subscribers last heard.
   */
  private async followEdits(botId: string, watch: Watch): Promise<void> {
    for await (const edit of watch.edits) {
      if (this.watches.get(botId) !== watch) {
        return;
      }
      if (edit !== RESYNC && (edit as Announcement).counts) {
        this.scheduleRecount(botId, watch);
        continue;
      }
      // This topic and the edits topic are not ordered with each other: evict here too, so that
      // the refresh never serves the status the edit replaced.
      this.availability.forgetStatus(botId);
      await this.refresh(botId, edit === RESYNC ? 'timer' : 'edit');
    }
  }

  private unwatch(botId: string): void {
    const watch = this.watches.get(botId);
    if (!watch) {
      return;
    }
    watch.subscribers -= 1;
    if (watch.subscribers <= 0) {
      watch.timer?.();
      clearTimeout(watch.countsTimer);
      void watch.edits.return?.();
      this.watches.delete(botId);
    }
  }

  /**
   * Computes the status now and re-arms the bot's timer for its next change. Tells this
   * instance's subscribers after an `edit` always (the next change may have moved), at a `timer`
   * edge when the state or the reason differs from what they last heard, and never when a first
   * subscriber `arm`s.
   */
  private async refresh(botId: string, cause: 'edit' | 'timer' | 'arm'): Promise<void> {
    let status: SupportStatusSnapshot;
    let counts: SupportStatusCounts;
    try {
      [status, [counts]] = await Promise.all([
        this.availability.status(botId),
        this.team.countsOf([botId]),
      ]);
    } catch (error) {
      // A deleted bot, or the database briefly unreachable: the next edit or subscriber retries.
      this.logger.warn(`Cannot compute the support status of bot ${botId}: ${String(error)}`);
      return;
    }
    const watch = this.watches.get(botId);
    if (!watch) {
      // Nobody listens: nothing to arm, nobody to tell.
      return;
    }
    const overrideId = status.override?.id ?? null;
    const differs =
      watch.last !== undefined &&
      (watch.last.state !== status.state ||
        watch.last.reason !== status.reason ||
        watch.last.overrideId !== overrideId);
    watch.last = { state: status.state, reason: status.reason, overrideId };
    watch.timer?.();
    watch.timer = status.nextChangeAt
      ? this.clock.setTimer(status.nextChangeAt, () => void this.refresh(botId, 'timer'))
      : undefined;
    // After a pub/sub outage (a 'timer' refresh) an announcement of the counts may be lost too.
    const countsDiffer =
      watch.counts !== undefined &&
      (watch.counts.agentsOnline !== counts.agentsOnline ||
        watch.counts.waitingRequests !== counts.waitingRequests);
    const told = cause === 'edit' || (cause === 'timer' && (differs || countsDiffer));
    if (told || watch.counts === undefined) {
      watch.counts = counts;
    }
    if (told) {
      watch.countsPushedAt = Date.now();
      this.local.deliver(botId, toStatusModel(status, this.clock.now(), counts));
    }
  }

  /** A recount of the bot's counts, now or at the end of the current push interval. */
  private scheduleRecount(botId: string, watch: Watch): void {
    if (watch.countsTimer !== undefined) {
      return;
    }
    const delay = Math.max(0, watch.countsPushedAt + COUNTS_PUSH_INTERVAL_MS - Date.now());
    watch.countsTimer = setTimeout(() => {
      watch.countsTimer = undefined;
      void this.recount(botId, watch);
    }, delay);
    watch.countsTimer.unref();
  }

  private async recount(botId: string, watch: Watch): Promise<void> {
    let status: SupportStatusSnapshot;
    let counts: SupportStatusCounts;
    try {
      [status, [counts]] = await Promise.all([
        this.availability.status(botId),
        this.team.countsOf([botId]),
      ]);
    } catch (error) {
      this.logger.warn(`Cannot count the support team of bot ${botId}: ${String(error)}`);
      return;
    }
    if (
      this.watches.get(botId) !== watch ||
      (watch.counts !== undefined &&
        watch.counts.agentsOnline === counts.agentsOnline &&
        watch.counts.waitingRequests === counts.waitingRequests)
    ) {
      return;
    }
    watch.counts = counts;
    watch.countsPushedAt = Date.now();
    this.local.deliver(botId, toStatusModel(status, this.clock.now(), counts));
  }
}
