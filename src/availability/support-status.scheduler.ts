import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CancelTimer, Clock } from '../common/clock/clock';
import { LocalFanout } from '../common/pubsub/local-fanout';
import { PubSubPort, RESYNC } from '../common/pubsub/pubsub';
import { Topics } from '../common/pubsub/topics';
import { toStatusModel } from './availability.mapping';
import { AvailabilityService, SupportStatusSnapshot } from './availability.service';
import { SupportStatusModel } from './models/availability.models';

interface Watch {
  subscribers: number;
  timer?: CancelTimer;
  /** What subscribers last heard, to publish at an edge only when state or reason changed. */
  last?: Pick<SupportStatusSnapshot, 'state' | 'reason'>;
  /** This instance's subscription to the bot's edit announcements. */
  edits: AsyncIterableIterator<unknown>;
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
    try {
      status = await this.availability.status(botId);
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
    const differs =
      watch.last !== undefined &&
      (watch.last.state !== status.state || watch.last.reason !== status.reason);
    watch.last = { state: status.state, reason: status.reason };
    watch.timer?.();
    watch.timer = status.nextChangeAt
      ? this.clock.setTimer(status.nextChangeAt, () => void this.refresh(botId, 'timer'))
      : undefined;
    if (cause === 'edit' || (cause === 'timer' && differs)) {
      this.local.deliver(botId, toStatusModel(status, this.clock.now()));
    }
  }
}
