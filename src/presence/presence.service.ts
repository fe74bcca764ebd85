import { Injectable, Logger, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConnectionHooks } from '../common/graphql/connection-hooks';
import { PresenceStore, PresenceTransition } from './presence.store';

export type PresenceListener = (change: PresenceTransition) => Promise<void>;

/** End users per upkeep call, so one Lua script never holds Redis for long. */
const UPKEEP_BATCH = 500;

/**
 * End-user presence: online while at least one graphql-ws connection authenticated as that end
 * user is open on any instance. This instance counts its own connections, tells the shared store
 * when an end user's first one opens or last one closes, keeps its leases alive, and hands each
 * change the store assigns to it to the listeners (the requests module publishes it), so every
 * change is reported once in the whole deployment.
 *
 * While the store is unreachable (Redis down), connections are still counted here, questions
 * are answered from this instance's own connections, and the next upkeep repairs the store.
 */
@Injectable()
export class PresenceService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Presence');
  /** End users with a connection on this instance: id -> [bot, connections]. */
  private readonly held = new Map<string, { botId: string; connections: number }>();
  private readonly listeners: PresenceListener[] = [];
  private upkeep?: NodeJS.Timeout;
  private upkeepRunning = false;

  constructor(
    private readonly store: PresenceStore,
    private readonly hooks: ConnectionHooks,
  ) {}

  onModuleInit(): void {
    this.hooks.onOpen(async (principal) => {
      if (principal.kind === 'endUser') {
        await this.opened(principal.endUserId, principal.botId);
      }
    });
    this.hooks.onClose(async (principal) => {
      if (principal.kind === 'endUser') {
        await this.closed(principal.endUserId, principal.botId);
      }
    });
    if (this.store.upkeepIntervalMs !== null) {
      this.upkeep = setInterval(() => void this.maintain(), this.store.upkeepIntervalMs);
      this.upkeep.unref();
    }
  }

  /** Called with every change of presence this instance is the one to report. */
  onChange(listener: PresenceListener): void {
    this.listeners.push(listener);
  }

  async isOnline(endUserIds: readonly string[]): Promise<boolean[]> {
    try {
      return await this.store.isOnline(endUserIds);
    } catch (error) {
      this.logger.warn(
        `Presence store unreachable, answering from this instance: ${message(error)}`,
      );
      return endUserIds.map((id) => this.held.has(id));
    }
  }

  async onlineOf(botId: string): Promise<string[]> {
    try {
      return await this.store.onlineOf(botId);
    } catch (error) {
      this.logger.warn(
        `Presence store unreachable, answering from this instance: ${message(error)}`,
      );
      return [...this.held].filter(([, held]) => held.botId === botId).map(([id]) => id);
    }
  }

  /** Runs the store's upkeep now (also on a timer): refresh this instance's leases, expire others'. */
  async maintain(): Promise<void> {
    if (this.upkeepRunning) {
      return;
    }
    this.upkeepRunning = true;
    try {
      const held = [...this.held].map(([id, { botId }]) => [id, botId] as const);
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

  /** A stopping instance gives its end users up at once rather than letting their leases expire. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.upkeep);
    const held = [...this.held];
    this.held.clear();
    for (const [endUserId, { botId }] of held) {
      await this.release(endUserId, botId);
    }
  }

  private async opened(endUserId: string, botId: string): Promise<void> {
    const held = this.held.get(endUserId) ?? { botId, connections: 0 };
    held.connections += 1;
    this.held.set(endUserId, held);
    if (held.connections > 1) {
      return;
    }
    try {
      if (await this.store.connected(endUserId, botId)) {
        await this.report({ endUserId, botId, online: true });
      }
    } catch (error) {
      this.logger.warn(`Cannot record a connection of end user ${endUserId}: ${message(error)}`);
    }
  }

  private async closed(endUserId: string, botId: string): Promise<void> {
    const held = this.held.get(endUserId);
    if (!held) {
      return;
    }
    held.connections -= 1;
    if (held.connections > 0) {
      return;
    }
    this.held.delete(endUserId);
    await this.release(endUserId, botId);
  }

  private async release(endUserId: string, botId: string): Promise<void> {
    try {
      if (await this.store.disconnected(endUserId, botId)) {
        await this.report({ endUserId, botId, online: false });
      }
    } catch (error) {
      // Its lease stays until it expires; the upkeep of some instance then reports it.
      this.logger.warn(`Cannot record a disconnection of end user ${endUserId}: ${message(error)}`);
    }
  }

  private async report(change: PresenceTransition): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(change);
      } catch (error) {
        this.logger.error(
          `Cannot report the presence of end user ${change.endUserId}`,
          (error as Error).stack,
        );
      }
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
