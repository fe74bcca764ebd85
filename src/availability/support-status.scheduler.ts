import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CancelTimer, Clock } from '../common/clock/clock';
import { PubSubPort } from '../common/pubsub/pubsub';
import { toStatusModel } from './availability.mapping';
import { AvailabilityService, SupportStatusSnapshot } from './availability.service';
import { SupportStatusModel } from './models/availability.models';

export const supportStatusTopic = (botId: string): string => `support-status:${botId}`;

interface Watch {
  subscribers: number;
  timer?: CancelTimer;
  /** What subscribers last heard, to publish at an edge only when state or reason changed. */
  last?: Pick<SupportStatusSnapshot, 'state' | 'reason'>;
}

/**
 * Pushes a bot's support status to its `supportStatusChanged` subscribers: at once when an edit
 * is committed (schedule, time zone, temporary unavailability), and at the next instant it
 * changes by itself (a slot edge, the end of an unavailability), through ONE timer per watched
 * bot armed on the injectable clock for exactly that instant. No polling: a bot nobody watches
 * has no timer.
 */
@Injectable()
export class SupportStatusScheduler implements OnModuleDestroy {
  private readonly logger = new Logger(SupportStatusScheduler.name);
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly availability: AvailabilityService,
    private readonly pubsub: PubSubPort,
    private readonly clock: Clock,
  ) {}

  /** Live status changes of one bot; the timer lives while at least one subscriber does. */
  subscribe(botId: string): AsyncIterableIterator<SupportStatusModel> {
    const inner = this.pubsub.subscribe<SupportStatusModel>(supportStatusTopic(botId));
    const watch = this.watches.get(botId) ?? { subscribers: 0 };
    this.watches.set(botId, watch);
    watch.subscribers += 1;
    if (watch.subscribers === 1) {
      void this.refresh(botId, 'arm');
    }
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

  /** After a committed edit: subscribers hear the new status (and when it will change next). */
  async changed(botId: string): Promise<void> {
    await this.refresh(botId, 'edit');
  }

  /** Whether the bot's subscribers are being served: its status known and its timer armed. */
  isWatching(botId: string): boolean {
    return this.watches.get(botId)?.last !== undefined;
  }

  onModuleDestroy(): void {
    for (const watch of this.watches.values()) {
      watch.timer?.();
    }
    this.watches.clear();
  }

  private unwatch(botId: string): void {
    const watch = this.watches.get(botId);
    if (!watch) {
      return;
    }
    watch.subscribers -= 1;
    if (watch.subscribers <= 0) {
      watch.timer?.();
      this.watches.delete(botId);
    }
  }

  /**
   * Computes the status now and re-arms the bot's timer for its next change. Publishes it after
   * an `edit` always (the next change may have moved), at a `timer` edge when the state or the
   * reason differs from what subscribers last heard, and never when a first subscriber `arm`s.
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
      await this.pubsub.publish(supportStatusTopic(botId), toStatusModel(status, this.clock.now()));
    }
  }
}
