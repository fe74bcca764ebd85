import { Injectable } from '@nestjs/common';

/**
 * The kinds of presence, each in a store of its own: end users (grouped by their bot) and
 * accounts (Administrators and Support Agents, all in the one group `ACCOUNTS_GROUP`, as an
 * account's memberships can change while it is connected).
 */
export type PresenceNamespace = 'presence' | 'account-presence';

/** The group of every account in the account presence store. */
export const ACCOUNTS_GROUP = 'accounts';

/**
 * The store of account presence: a second `PresenceStore` (same contract, own namespace), bound
 * by the adapters module beside the end users' one.
 */
export const ACCOUNT_PRESENCE_STORE = Symbol('AccountPresenceStore');

/**
 * A change of presence that this instance is the one to report. In the account store
 * `endUserId` holds the account id and `botId` the group.
 */
export interface PresenceTransition {
  endUserId: string;
  botId: string;
  online: boolean;
}

/**
 * Where presence is shared: which end users have an open graphql-ws connection on SOME
 * instance. Each instance counts its own connections (PresenceService) and tells the store only
 * when an end user's first connection here opens or its last one closes; the store answers
 * whether that changed the end user's presence everywhere, so that each change is reported by
 * exactly one instance.
 */
export abstract class PresenceStore {
  /** This instance holds a connection of the end user now; true when it just came online. */
  abstract connected(endUserId: string, botId: string): Promise<boolean>;
  /** This instance holds none any more; true when the end user just went offline. */
  abstract disconnected(endUserId: string, botId: string): Promise<boolean>;
  abstract isOnline(endUserIds: readonly string[]): Promise<boolean[]>;
  /** The online end users of one bot (for the "Online" view of requests). */
  abstract onlineOf(botId: string): Promise<string[]>;
  /**
   * How often `maintain` must run, in milliseconds; null when the store needs no upkeep. */
  abstract readonly upkeepIntervalMs: number | null;
  /**
   * Periodic upkeep: refreshes this instance's entries (`held`, every end user it holds a
   * connection of) and expires those of instances that stopped refreshing theirs. Returns the
   * changes this instance is the one to report.
   */
  abstract maintain(held: ReadonlyMap<string, string>): Promise<PresenceTransition[]>;
  /** Calls `listener` when the store is reachable again after an outage (upkeep is due). */
  abstract onReconnect(listener: () => void): void;
}

/** Presence in this process: right for a single instance (no `REDIS_URL`). */
@Injectable()
export class InProcessPresenceStore extends PresenceStore {
  readonly upkeepIntervalMs = null;
  private readonly online = new Map<string, string>();

  connected(endUserId: string, botId: string): Promise<boolean> {
    const changed = !this.online.has(endUserId);
    this.online.set(endUserId, botId);
    return Promise.resolve(changed);
  }

  disconnected(endUserId: string): Promise<boolean> {
    return Promise.resolve(this.online.delete(endUserId));
  }

  isOnline(endUserIds: readonly string[]): Promise<boolean[]> {
    return Promise.resolve(endUserIds.map((id) => this.online.has(id)));
  }

  onlineOf(botId: string): Promise<string[]> {
    return Promise.resolve(
      [...this.online].filter(([, bot]) => bot === botId).map(([endUserId]) => endUserId),
    );
  }

  maintain(): Promise<PresenceTransition[]> {
    return Promise.resolve([]);
  }

  /** Never away. */
  onReconnect(): void {}
}
