import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
} from '@nestjs/common';
import { ConnectionHooks } from '../common/graphql/connection-hooks';
import { PresenceTracker } from './presence-tracker';
import {
  ACCOUNTS_GROUP,
  ACCOUNT_PRESENCE_STORE,
  PresenceStore,
  PresenceTransition,
} from './presence.store';

export type PresenceListener = (change: PresenceTransition) => Promise<void>;

/** An account (Administrator or Support Agent) came online or went offline. */
export interface AccountPresenceTransition {
  accountId: string;
  online: boolean;
}

export type AccountPresenceListener = (change: AccountPresenceTransition) => Promise<void>;

/**
 * Live presence from graphql-ws connections, each kind in its own shared store:
 * - end users: online while at least one connection authenticated as that end user is open on
 *   any instance (the requests module publishes each change);
 * - accounts: online while at least one connection authenticated with that account's token is
 *   open on any instance (`BotMember.online`, `SupportStatus.agentsOnline`).
 * Each change is reported once in the whole deployment, by the instance the store assigns it to
 * (see PresenceTracker for the guarantees: leases, upkeep, outages, shutdown).
 */
@Injectable()
export class PresenceService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Presence');
  private readonly listeners: PresenceListener[] = [];
  private readonly accountListeners: AccountPresenceListener[] = [];
  private readonly endUsers: PresenceTracker;
  private readonly accounts: PresenceTracker;

  constructor(
    store: PresenceStore,
    @Inject(ACCOUNT_PRESENCE_STORE) accountStore: PresenceStore,
    private readonly hooks: ConnectionHooks,
  ) {
    this.endUsers = new PresenceTracker(store, this.logger, 'end user', (change) =>
      this.tell(this.listeners, change, `end user ${change.endUserId}`),
    );
    this.accounts = new PresenceTracker(accountStore, this.logger, 'account', (change) =>
      this.tell(
        this.accountListeners,
        { accountId: change.endUserId, online: change.online },
        `account ${change.endUserId}`,
      ),
    );
  }

  onModuleInit(): void {
    this.hooks.onOpen(async (principal) => {
      if (principal.kind === 'endUser') {
        await this.endUsers.opened(principal.endUserId, principal.botId);
      } else if (principal.kind === 'account') {
        await this.accounts.opened(principal.accountId, ACCOUNTS_GROUP);
      }
    });
    this.hooks.onClose(async (principal) => {
      if (principal.kind === 'endUser') {
        await this.endUsers.closed(principal.endUserId);
      } else if (principal.kind === 'account') {
        await this.accounts.closed(principal.accountId);
      }
    });
    this.endUsers.start();
    this.accounts.start();
  }

  /** Called with every change of an end user's presence this instance is the one to report. */
  onChange(listener: PresenceListener): void {
    this.listeners.push(listener);
  }

  /** Called with every change of an account's presence this instance is the one to report. */
  onAccountChange(listener: AccountPresenceListener): void {
    this.accountListeners.push(listener);
  }

  isOnline(endUserIds: readonly string[]): Promise<boolean[]> {
    return this.endUsers.isOnline(endUserIds);
  }

  onlineOf(botId: string): Promise<string[]> {
    return this.endUsers.onlineOf(botId);
  }

  /** Whether each account has a graphql-ws connection open on some instance now. */
  accountsOnline(accountIds: readonly string[]): Promise<boolean[]> {
    return this.accounts.isOnline(accountIds);
  }

  /** Runs both stores' upkeep now (also on a timer). */
  async maintain(): Promise<void> {
    await Promise.all([this.endUsers.maintain(), this.accounts.maintain()]);
  }

  /** A stopping instance gives its subjects up at once rather than letting their leases expire. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.endUsers.stop(), this.accounts.stop()]);
  }

  private async tell<T>(
    listeners: readonly ((change: T) => Promise<void>)[],
    change: T,
    subject: string,
  ): Promise<void> {
    for (const listener of listeners) {
      try {
        await listener(change);
      } catch (error) {
        this.logger.error(`Cannot report the presence of ${subject}`, (error as Error).stack);
      }
    }
  }
}
