import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CancelTimer, Clock } from '../common/clock/clock';
import { RequestsService } from '../requests/requests.service';
import { LiveConversationsService } from './live-conversations.service';

/** How often each instance looks for due automatic releases: well within the promised 30 s. */
export const AUTO_RELEASE_SWEEP_MS = 10_000;
/** Requests released per query; a sweep goes on while it finds full batches. */
const BATCH = 100;

/**
 * Gives control back to the bot where nobody wrote for the bot's `autoReleaseMinutes`. Every
 * instance sweeps, on the injectable clock, every `AUTO_RELEASE_SWEEP_MS`: one indexed query
 * for the requests whose stored deadline has passed, then one conditional UPDATE per request
 * that claims it (`RequestsService.claimAutoRelease`), so however many instances sweep at once,
 * each release happens exactly once. No timer per conversation: the deadline lives in the
 * database, where a message moves it in the statement that stores the message.
 */
@Injectable()
export class AutoReleaseSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AutoReleaseSweeper.name);
  private cancel?: CancelTimer;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly requests: RequestsService,
    private readonly liveConversations: LiveConversationsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.arm();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    await this.running;
  }

  /** Releases every request due now; resolves once done (a sweep already running goes again). */
  sweep(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.sweepOnce();
        } while (this.again && !this.stopped);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private arm(): void {
    if (this.stopped) {
      return;
    }
    this.cancel = this.clock.setTimer(
      new Date(this.clock.now().getTime() + AUTO_RELEASE_SWEEP_MS),
      () => {
        // Armed again first: a sweep that takes long does not delay the next one's instant.
        this.arm();
        void this.sweep();
      },
    );
  }

  private async sweepOnce(): Promise<void> {
    try {
      for (;;) {
        const now = this.clock.now();
        const due = await this.requests.dueForAutoRelease(now, BATCH);
        for (const requestId of due) {
          if (this.stopped) {
            return;
          }
          await this.liveConversations.autoRelease(requestId, now);
        }
        if (due.length < BATCH) {
          return;
        }
      }
    } catch (error) {
      // The next sweep tries again (the database may be briefly unreachable).
      this.logger.warn(`Automatic release sweep failed: ${String(error)}`);
    }
  }
}
