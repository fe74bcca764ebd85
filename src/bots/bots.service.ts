import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { EntityManager, In, Repository } from 'typeorm';
import { AccountEntity } from '../accounts/account.entity';
import { AccountsService } from '../accounts/accounts.service';
import { BOT_ENGINE_KEY_PREFIX } from '../common/auth/authenticator';
import { BotAccessDirectory } from '../common/auth/bot-access.directory';
import { BotRole } from '../common/auth/bot-role';
import { BoundedCache } from '../common/cache/bounded-cache';
import { Clock } from '../common/clock/clock';
import { Transaction, Transactions } from '../common/database/transactions';
import { PubSubPort, RESYNC } from '../common/pubsub/pubsub';
import { Topics } from '../common/pubsub/topics';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { isUniqueViolation } from '../common/errors/database-errors';
import { canonicalTimeZone } from '../common/validation/time-zone';
import { normalizeOrigin } from '../common/validation/origin';
import { isUuid } from '../common/validation/uuid';
import { BotEntity } from './bot.entity';
import { BotMemberEntity } from './bot-member.entity';
import { CreateBotInput, UpdateBotInput } from './dto/bot.inputs';

export interface Membership {
  bot: BotEntity;
  role: BotRole;
}

export interface Member {
  account: AccountEntity;
  role: BotRole;
}

const ROLE_CACHE_SIZE = 100_000;
/** A role is re-read after 45 to 60 s, in case a change's notice did not arrive. */
const ROLE_CACHE_LIFETIME_MS = 60_000;
const ROLE_CACHE_JITTER = 0.25;

const ROLE_ORDER: Record<BotRole, number> = {
  [BotRole.ADMINISTRATOR]: 0,
  [BotRole.SUPPORT_AGENT]: 1,
};

export type TimeZoneChangeListener = (botId: string) => Promise<void>;

/**
 * Runs inside the transaction that removes a member (the bot's row locked), before the
 * membership is deleted: `removedBy` is the ADMINISTRATOR who removes them.
 */
export type MemberRemovingListener = (
  tx: Transaction,
  botId: string,
  accountId: string,
  removedBy: string | null,
) => Promise<void>;

/**
 * Runs inside the transaction that changes a bot's automatic release delay (null: off), so that
 * the deadlines of the conversations under control follow it.
 */
export type AutoReleaseChangeListener = (
  manager: EntityManager,
  botId: string,
  minutes: number | null,
) => Promise<void>;

/** Bots, their members and roles, and their widget and bot engine keys. */
@Injectable()
export class BotsService implements BotAccessDirectory, OnModuleInit, OnModuleDestroy {
  private readonly timeZoneListeners: TimeZoneChangeListener[] = [];
  private readonly membershipListeners: ((botId: string) => Promise<void>)[] = [];
  private readonly memberRemovingListeners: MemberRemovingListener[] = [];
  private readonly autoReleaseListeners: AutoReleaseChangeListener[] = [];
  private readonly roles = new BoundedCache<string, BotRole>(
    ROLE_CACHE_SIZE,
    ROLE_CACHE_LIFETIME_MS,
    ROLE_CACHE_JITTER,
  );
  private stopListening?: () => void;
  constructor(
    private readonly transactions: Transactions,
    @InjectRepository(BotEntity) private readonly bots: Repository<BotEntity>,
    @InjectRepository(BotMemberEntity) private readonly members: Repository<BotMemberEntity>,
    private readonly accounts: AccountsService,
    private readonly clock: Clock,
    private readonly pubsub: PubSubPort,
  ) {}

  /** Creates a bot; its creator becomes its first ADMINISTRATOR. */
  async create(accountId: string, input: CreateBotInput): Promise<Membership> {
    const bot = await this.transactions.run(async ({ manager }) => {
      const created = await manager.save(
        manager.create(BotEntity, {
          name: input.name,
          timeZone: canonicalTimeZone(input.timeZone) ?? input.timeZone,
          widgetKey: `wk_${randomBytes(18).toString('base64url')}`,
          engineKeyHash: null,
          engineKeyRotatedAt: null,
        }),
      );
      await manager.insert(BotMemberEntity, {
        botId: created.id,
        accountId,
        role: BotRole.ADMINISTRATOR,
      });
      return created;
    });
    return { bot, role: BotRole.ADMINISTRATOR };
  }

  /** Lets another module react, after commit, when a bot's time zone changes (its calendar moves). */
  onTimeZoneChanged(listener: TimeZoneChangeListener): void {
    this.timeZoneListeners.push(listener);
  }

  /** Called (with the bot's id) after a member is added, removed or changes role. */
  onMembershipChanged(listener: (botId: string) => Promise<void>): void {
    this.membershipListeners.push(listener);
  }

  async update(botId: string, input: UpdateBotInput): Promise<BotEntity> {
    const before = await this.get(botId);
    const changes: Partial<BotEntity> = {};
    if (input.name !== undefined) {
      changes.name = input.name;
    }
    if (input.timeZone !== undefined) {
      changes.timeZone = canonicalTimeZone(input.timeZone) ?? input.timeZone;
    }
    if (input.allowedOrigins !== undefined && input.allowedOrigins !== null) {
      changes.allowedOrigins = [
        ...new Set(input.allowedOrigins.map((origin) => normalizeOrigin(origin) as string)),
      ];
    }
    if (input.autoReleaseMinutes !== undefined && input.autoReleaseMinutes !== null) {
      // 0 turns it off.
      changes.autoReleaseMinutes = input.autoReleaseMinutes === 0 ? null : input.autoReleaseMinutes;
    }
    if (Object.keys(changes).length > 0) {
      await this.transactions.run(async ({ manager }) => {
        await manager.update(BotEntity, { id: botId }, changes);
        if (
          changes.autoReleaseMinutes !== undefined &&
          changes.autoReleaseMinutes !== before.autoReleaseMinutes
        ) {
          for (const listener of this.autoReleaseListeners) {
            await listener(manager, botId, changes.autoReleaseMinutes);
          }
        }
      });
    }
    if (changes.timeZone !== undefined && changes.timeZone !== before.timeZone) {
      await Promise.all(this.timeZoneListeners.map((listener) => listener(botId)));
    }
    return this.get(botId);
  }

  /** Lets another module act in the transaction that removes a member (end what they held). */
  onMemberRemoving(listener: MemberRemovingListener): void {
    this.memberRemovingListeners.push(listener);
  }

  /** Lets another module act in the transaction that changes a bot's automatic release delay. */
  onAutoReleaseChanged(listener: AutoReleaseChangeListener): void {
    this.autoReleaseListeners.push(listener);
  }

  /** Locks the bot's row until the end of `manager`'s transaction: edits of one bot queue up. */
  async lockBot(manager: EntityManager, botId: string): Promise<BotEntity> {
    const bot = await manager
      .createQueryBuilder(BotEntity, 'bot')
      .where('bot.id = :botId', { botId })
      .setLock('pessimistic_write')
      .getOne();
    if (!bot) {
      throw AppError.notFound('Bot');
    }
    return bot;
  }

  async get(botId: string): Promise<BotEntity> {
    const bot = await this.bots.findOneBy({ id: botId });
    if (!bot) {
      throw AppError.notFound('Bot');
    }
    return bot;
  }

  async byIds(ids: readonly string[]): Promise<(BotEntity | null)[]> {
    const rows = await this.bots.findBy({ id: In([...ids]) });
    return ids.map((id) => rows.find((row) => row.id === id) ?? null);
  }

  async findByWidgetKey(widgetKey: string): Promise<BotEntity | null> {
    return this.bots.findOneBy({ widgetKey });
  }

  /** The bots an account is a member of, oldest first, with its role on each. */
  async listFor(accountId: string): Promise<Membership[]> {
    const rows = await this.members.find({
      where: { accountId },
      relations: { bot: true },
      order: { bot: { createdAt: 'ASC' } },
    });
    return rows.map((row) => ({ bot: row.bot as BotEntity, role: row.role }));
  }

  /** The ids of the bots an account is a member of (one query on the account's index). */
  async botIdsOf(accountId: string): Promise<string[]> {
    const rows = await this.members.find({ select: { botId: true }, where: { accountId } });
    return rows.map((row) => row.botId);
  }

  /** The account ids of several bots' members, in one query (no accounts loaded). */
  async memberAccountIdsOf(botIds: readonly string[]): Promise<string[][]> {
    const rows = await this.members.find({
      select: { botId: true, accountId: true },
      where: { botId: In([...botIds]) },
    });
    const byBot = new Map<string, string[]>(botIds.map((botId) => [botId, []]));
    for (const row of rows) {
      byBot.get(row.botId)?.push(row.accountId);
    }
    return botIds.map((botId) => byBot.get(botId) ?? []);
  }

  /** Members of several bots in two queries, administrators first, then by joining time. */
  async membersOf(botIds: readonly string[]): Promise<Member[][]> {
    const rows = await this.members.find({
      where: { botId: In([...botIds]) },
      order: { createdAt: 'ASC' },
    });
    const accounts = new Map(
      (await this.accounts.findByIds([...new Set(rows.map((r) => r.accountId))])).map((a) => [
        a.id,
        a,
      ]),
    );
    return botIds.map((botId) =>
      rows
        .filter((row) => row.botId === botId)
        .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role])
        .map((row) => ({ account: accounts.get(row.accountId) as AccountEntity, role: row.role })),
    );
  }

  async addMember(botId: string, email: string, role: BotRole): Promise<Member> {
    const account = await this.accounts.findByEmail(email);
    if (!account) {
      throw new AppError(ErrorCode.NOT_FOUND, 'No account has this email', {
        field: 'email',
      });
    }
    try {
      await this.members.insert({ botId, accountId: account.id, role });
    } catch (error) {
      if (isUniqueViolation(error, 'bot_members_pkey')) {
        throw AppError.conflict('This account is already a member of the bot', { field: 'email' });
      }
      throw error;
    }
    await this.membershipChanged(botId, account.id);
    return { account, role };
  }

  /** Changes a member's role; demoting the last ADMINISTRATOR is refused (CONFLICT). */
  async changeRole(botId: string, accountId: string, role: BotRole): Promise<Member> {
    await this.withAdministratorsLocked(botId, async ({ manager, afterCommit }) => {
      const member = await this.memberIn(manager, botId, accountId);
      if (member.role === BotRole.ADMINISTRATOR && role !== BotRole.ADMINISTRATOR) {
        await this.assertAnotherAdministrator(manager, botId);
      }
      await manager.update(BotMemberEntity, { botId, accountId }, { role });
      afterCommit(() => this.membershipChanged(botId, accountId));
    });
    const [account] = await this.accounts.findByIds([accountId]);
    return { account, role };
  }

  /**
   * Removes a member; removing the last ADMINISTRATOR is refused (CONFLICT). Whatever the member
   * held ends in the same transaction (the live conversations they controlled go back to the
   * bot). `removedBy` is the ADMINISTRATOR who removes them.
   */
  async removeMember(
    botId: string,
    accountId: string,
    removedBy: string | null = null,
  ): Promise<void> {
    await this.withAdministratorsLocked(botId, async (tx) => {
      const { manager, afterCommit } = tx;
      const member = await this.memberIn(manager, botId, accountId);
      if (member.role === BotRole.ADMINISTRATOR) {
        await this.assertAnotherAdministrator(manager, botId);
      }
      for (const listener of this.memberRemovingListeners) {
        await listener(tx, botId, accountId, removedBy);
      }
      await manager.delete(BotMemberEntity, { botId, accountId });
      afterCommit(() => this.membershipChanged(botId, accountId));
      afterCommit(() =>
        this.pubsub.publish(Topics.membershipRevoked(botId, accountId), { botId, accountId }),
      );
    });
  }

  /**
   * Issues a new bot engine key and revokes the previous one. Only a SHA-256 of the key is
   * stored: a 256-bit random secret needs no slow hash, and lookups stay one indexed query.
   */
  async rotateEngineKey(botId: string): Promise<string> {
    const key = `${BOT_ENGINE_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.bots.update(
      { id: botId },
      { engineKeyHash: hashEngineKey(key), engineKeyRotatedAt: this.clock.now() },
    );
    return key;
  }

  /**
   * Asked by the access guard for nearly every operation and subscription, so answered from a
   * cache: every change of a membership evicts its entry at once, on every instance listening
   * to the pub/sub (`membershipChanged`); the lifetime bounds what any missed eviction costs.
   */
  roleOf(botId: string, accountId: string): Promise<BotRole | null> {
    return this.roles.getOrLoad(`${botId}:${accountId}`, async () => {
      const rows: { role: BotRole }[] = await this.members.query(
        'SELECT role FROM bot_members WHERE bot_id = $1 AND account_id = $2',
        [botId, accountId],
      );
      return rows[0]?.role ?? null;
    });
  }

  /** Evicts a membership from the role cache on every instance, after its change committed. */
  private async membershipChanged(botId: string, accountId: string): Promise<void> {
    this.roles.delete(`${botId}:${accountId}`);
    await Promise.all([
      this.pubsub.publish(Topics.membershipChanged(), { botId, accountId }),
      ...this.membershipListeners.map((listener) => listener(botId)),
    ]);
  }

  onModuleInit(): void {
    const changes = this.pubsub.subscribeWithResync<{ botId: string; accountId: string }>(
      Topics.membershipChanged(),
    );
    this.stopListening = () => void changes.return?.();
    void (async () => {
      for await (const change of changes) {
        if (change === RESYNC) {
          // Evictions may have been lost while the pub/sub was away.
          this.roles.clear();
        } else {
          this.roles.delete(`${change.botId}:${change.accountId}`);
        }
      }
    })();
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  /** For end-user connections: the origins the bot's widget key may be used from (empty: any). */
  async allowedOriginsOf(botId: string): Promise<string[]> {
    const bot = await this.bots.findOne({ select: { allowedOrigins: true }, where: { id: botId } });
    return bot?.allowedOrigins ?? [];
  }

  async botOfEngineKey(key: string): Promise<string | null> {
    const bot = await this.bots.findOne({
      select: { id: true },
      where: { engineKeyHash: hashEngineKey(key) },
    });
    return bot?.id ?? null;
  }

  /**
   * Runs `work` with the bot row locked, so that two concurrent demotions or removals cannot
   * both see "another administrator remains" and leave the bot with none.
   */
  private async withAdministratorsLocked(
    botId: string,
    work: (tx: Transaction) => Promise<void>,
  ): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.lockBot(tx.manager, botId);
      await work(tx);
    });
  }

  private async memberIn(
    manager: EntityManager,
    botId: string,
    accountId: string,
  ): Promise<BotMemberEntity> {
    const member = isUuid(accountId)
      ? await manager.findOneBy(BotMemberEntity, { botId, accountId })
      : null;
    if (!member) {
      throw new AppError(ErrorCode.NOT_FOUND, 'This account is not a member of the bot', {
        field: 'accountId',
      });
    }
    return member;
  }

  private async assertAnotherAdministrator(manager: EntityManager, botId: string): Promise<void> {
    const administrators = await manager.countBy(BotMemberEntity, {
      botId,
      role: BotRole.ADMINISTRATOR,
    });
    if (administrators <= 1) {
      throw AppError.conflict('A bot keeps at least one ADMINISTRATOR');
    }
  }
}

function hashEngineKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
