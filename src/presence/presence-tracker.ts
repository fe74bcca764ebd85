import { Logger } from '@nestjs/common';
import { PresenceStore, PresenceTransition } from './presence.store';

/** Subjects per upkeep call, so one Lua script never holds Redis for long. */
const UPKEEP_BATCH = 500;

/**
 * The presence of one kind of subject (end users, or accounts) over one `PresenceStore`:
 * online while at least one graphql-ws connection authenticated as the subject is open on any
 * instance. It counts this instance's connections, tells the store when a subject's first one
 * opens or last one closes, keeps its leases alive, and hands each change the store assigns to
 * this instance to `report`, so every change is reported once in the whole deployment.
 *
 * While the store is unreachable (Redis down), connections are still counted here, questions
 * are answered from this instance's own connections, and the next upkeep repairs the store.
 */
export class PresenceTracker {
  /** Subjects with a connection on this instance: id -> [group, connections]. */
  private readonly held = new Map<string, { group: string; connections: number }>();
  private upkeep?: NodeJS.Timeout;
  private upkeepRunning = false;

  constructor(
    private readonly store: PresenceStore,
    private readonly logger: Logger,
    /** How the subject is named in logs ("end user", "account"). */
    private readonly noun: string,
    private readonly report: (change: PresenceTransition) => Promise<void>,
  ) {}

  start(): void {
    this.store.onReconnect(() => void this.maintain());
    if (this.store.upkeepIntervalMs !== null) {
      this.upkeep = setInterval(() => void this.maintain(), this.store.upkeepIntervalMs);
      this.upkeep.unref();
    }
  }

  async isOnline(ids: readonly string[]): Promise<boolean[]> {
    try {
      return await this.store.isOnline(ids);
    } catch (error) {
      this.logger.warn(
        `Presence store unreachable, answering from this instance: ${message(error)}`,
      );
      return ids.map((id) => this.held.has(id));
    }
  }

  async onlineOf(group: string): Promise<string[]> {
    try {
      return await this.store.onlineOf(group);
    } catch (error) {
      this.logger.warn(
        `Presence store unreachable, answering from this instance: ${message(error)}`,
      );
      return [...this.held].filter(([, held]) => held.group === group).map(([id]) => id);
    }
  }

  /** Runs the store's upkeep now (also on a timer): refresh this instance's leases, expire others'. */
  async maintain(): Promise<void> {
    if (this.upkeepRunning) {
      return;
    }
    this.upkeepRunning = true;
    try {
      const held = [...this.held].map(([id, { group }]) => [id, group] as const);
      for (let start = 0; start === 0 || start < held.length; start += UPKEEP_BATCH) {
        const changes = await this.store.maintain(new Map(held.slice(start, start + UPKEEP_BATCH)));
        for (const change of changes) {
          await this.report(change);
        }
      }
    } catch (error) {
      this.logger.warn(`Presence upkeep failed, retrying at the next one: ${message(error)}`);
    } finally {
      this.upkeepRunning = false;
    }
  }

  /** A stopping instance gives its subjects up at once rather than letting their leases expire. */
  async stop(): Promise<void> {
    clearInterval(this.upkeep);
    const held = [...this.held];
    this.held.clear();
    for (const [id, { group }] of held) {
      await this.release(id, group);
    }
  }

  async opened(id: string, group: string): Promise<void> {
    const held = this.held.get(id) ?? { group, connections: 0 };
    held.connections += 1;
    this.held.set(id, held);
    if (held.connections > 1) {
      return;
    }
    try {
      if (await this.store.connected(id, group)) {
        await this.report({ endUserId: id, botId: group, online: true });
      }
    } catch (error) {
      this.logger.warn(`Cannot record a connection of ${this.noun} ${id}: ${message(error)}`);
    }
  }

  async closed(id: string): Promise<void> {
    const held = this.held.get(id);
    if (!held) {
      return;
    }
    held.connections -= 1;
    if (held.connections > 0) {
      return;
    }
    this.held.delete(id);
    await this.release(id, held.group);
  }

  private async release(id: string, group: string): Promise<void> {
    try {
      if (await this.store.disconnected(id, group)) {
        await this.report({ endUserId: id, botId: group, online: false });
      }
    } catch (error) {
      // Its lease stays until it expires; the upkeep of some instance then reports it.
      this.logger.warn(`Cannot record a disconnection of ${this.noun} ${id}: ${message(error)}`);
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
