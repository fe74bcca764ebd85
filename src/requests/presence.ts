import { Injectable } from '@nestjs/common';

/**
 * Which end users have at least one open graphql-ws connection. Kept behind this port so that
 * several instances can share it (Redis) instead of this process's memory.
 */
export abstract class PresenceStore {
  /** Counts one more connection; true when the end user just came online. */
  abstract connected(endUserId: string, botId: string): Promise<boolean>;
  /** Counts one connection less; true when the end user just went offline. */
  abstract disconnected(endUserId: string): Promise<boolean>;
  abstract isOnline(endUserIds: readonly string[]): Promise<boolean[]>;
  /** The online end users of one bot (for the "Online" view of requests). */
  abstract onlineOf(botId: string): Promise<string[]>;
}

/** Presence in this process: right for a single instance. */
@Injectable()
export class InProcessPresenceStore extends PresenceStore {
  private readonly connections = new Map<string, { botId: string; count: number }>();

  connected(endUserId: string, botId: string): Promise<boolean> {
    const entry = this.connections.get(endUserId) ?? { botId, count: 0 };
    entry.count += 1;
    this.connections.set(endUserId, entry);
    return Promise.resolve(entry.count === 1);
  }

  disconnected(endUserId: string): Promise<boolean> {
    const entry = this.connections.get(endUserId);
    if (!entry) {
      return Promise.resolve(false);
    }
    entry.count -= 1;
    if (entry.count > 0) {
      return Promise.resolve(false);
    }
    this.connections.delete(endUserId);
    return Promise.resolve(true);
  }

  isOnline(endUserIds: readonly string[]): Promise<boolean[]> {
    return Promise.resolve(endUserIds.map((id) => this.connections.has(id)));
  }

  onlineOf(botId: string): Promise<string[]> {
    return Promise.resolve(
      [...this.connections].filter(([, entry]) => entry.botId === botId).map(([id]) => id),
    );
  }
}
