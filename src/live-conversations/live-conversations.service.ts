import { Metrics } from '../observability/metrics';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { BotsService } from '../bots/bots.service';
import { BotRole } from '../common/auth/bot-role';
import { BoundedCache } from '../common/cache/bounded-cache';
import { Clock } from '../common/clock/clock';
import { Transaction } from '../common/database/transactions';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { isUniqueViolation } from '../common/errors/database-errors';
import { Language } from '../common/i18n/language';
import { joinedNotice, leftNotice } from '../common/i18n/notices';
import { Page, PageArgs, newestFirstPage, pageWindow } from '../common/pagination/keyset';
import { PubSubPort } from '../common/pubsub/pubsub';
import { Topics } from '../common/pubsub/topics';
import { isUuid } from '../common/validation/uuid';
import { AppConfig } from '../config/app-config';
import { OperatorSnapshot } from '../operator-profiles/operator-identity';
import { OperatorProfilesService } from '../operator-profiles/operator-profiles.service';
import { MessageEntity } from '../requests/message.entity';
import { ControlMode, RequestStatus, SystemNotice } from '../requests/request-enums';
import { LockedRequest, RequestsService } from '../requests/requests.service';
import {
  LiveConversationEndReason,
  LiveConversationEntity,
  LiveConversationStatus,
} from './live-conversation.entity';
import {
  LiveConversationChangeModel,
  LiveConversationChangeType,
  LiveConversationModel,
  LiveConversationScope,
} from './models/live-conversation.model';
import { ControlChangeModel } from './models/control-change.model';
import { controlHistory } from './control-history';

const ONE_ACTIVE_KEY = 'live_conversations_one_active_per_request_key';

/** What never changes about a live conversation: cached, so the hot path does not re-read it. */
interface LiveConversationFacts {
  requestId: string;
  botId: string;
  agentId: string;
  operatorDisplayName: string;
  operatorAvatarPath: string;
}

const FACTS_CACHE_SIZE = 20_000;

export type LiveConversationPage = Page<LiveConversationEntity>;

/**
 * How a live conversation ends: the one description every ending goes through (`endControl`).
 * A TRANSFERRED ending names the agent who takes over; every other ending gives control back to
 * the bot.
 */
export type Ending =
  | {
      reason: LiveConversationEndReason.TRANSFERRED;
      /** The member who hands the conversation over (the agent in control, or an ADMINISTRATOR). */
      endedBy: string;
      /** The agent who takes over, with the operator identity their live conversation keeps. */
      to: { agentId: string; identity: OperatorSnapshot };
    }
  | {
      reason: Exclude<LiveConversationEndReason, LiveConversationEndReason.TRANSFERRED>;
      /** The member who ended it; null when automatic, or when the end user closed the request. */
      endedBy: string | null;
    };

/** What `endControl` changed: the live conversation ended and, for a transfer, the one started. */
export interface EndedControl {
  ended: LiveConversationEntity;
  started: LiveConversationEntity | null;
}

/**
 * Take control, agent messages and release. The request row lock orders every change of control
 * of one request (takeover, release, close, agent sends); the partial unique index on ACTIVE
 * live conversations is the last word when takeovers race.
 */
@Injectable()
export class LiveConversationsService {
  private readonly facts = new BoundedCache<string, LiveConversationFacts>(FACTS_CACHE_SIZE);

  constructor(
    @InjectRepository(LiveConversationEntity)
    private readonly liveConversations: Repository<LiveConversationEntity>,
    private readonly requests: RequestsService,
    private readonly profiles: OperatorProfilesService,
    private readonly bots: BotsService,
    private readonly pubsub: PubSubPort,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  /**
   * The agent takes control of the request, whatever the support team's availability. A retry
   * by the agent already in control returns its live conversation, with no second notice.
   */
  async takeControl(requestId: string, agentId: string): Promise<LiveConversationEntity> {
    const request = await this.requests.get(requestId);
    const current = await this.activeOf(requestId);
    if (current?.agentId === agentId) {
      return current;
    }
    if (!(await this.requests.isEndUserOnline(request.endUserId))) {
      throw new AppError(ErrorCode.END_USER_OFFLINE, 'The end user is not online');
    }
    if (current) {
      throw alreadyUnderControl(current);
    }
    if (request.status === RequestStatus.CLOSED) {
      throw requestClosed();
    }
    const identity = await this.profiles.identityFor(request.botId, agentId);
    try {
      return await this.requests.withRequestLocked(requestId, async (tx, locked) => {
        const { manager } = tx;
        if (locked.status === RequestStatus.CLOSED) {
          throw requestClosed();
        }
        const active = await manager.findOneBy(LiveConversationEntity, {
          requestId,
          status: LiveConversationStatus.ACTIVE,
        });
        if (active) {
          if (active.agentId === agentId) {
            return active;
          }
          throw alreadyUnderControl(active);
        }
        const liveConversation = await manager.save(
          manager.create(LiveConversationEntity, {
            requestId,
            botId: locked.botId,
            agentId,
            operatorDisplayName: identity.displayName,
            operatorNamed: identity.named,
            operatorAvatarPath: identity.avatarPath,
            status: LiveConversationStatus.ACTIVE,
            startedAt: this.clock.now(),
            endedAt: null,
          }),
        );
        await this.requests.switchControl(tx, locked, {
          mode: ControlMode.HUMAN,
          notice: SystemNotice.AGENT_JOINED,
          text: (language) => joinedNotice(language, identity.named ? identity.displayName : null),
          agentId,
          operator: { displayName: identity.displayName, avatarPath: identity.avatarPath },
          ...this.announced(liveConversation, LiveConversationChangeType.STARTED),
        });
        tx.afterCommit(() => Promise.resolve(this.metrics.takeover()));
        return liveConversation;
      });
    } catch (error) {
      if (isUniqueViolation(error, ONE_ACTIVE_KEY)) {
        const winner = await this.activeOf(requestId);
        if (winner) {
          throw alreadyUnderControl(winner);
        }
      }
      throw error;
    }
  }

  /**
   * A message of the agent in control (NOT_IN_CONTROL for anyone else, or once it ended). The hot
   * path: the live conversation's fixed facts come from a cache, and its status is checked once,
   * inside the message's transaction, with the request row locked.
   */
  async sendAgentMessage(
    liveConversationId: string,
    agentId: string,
    text: string,
    clientMessageId: string | null | undefined,
  ): Promise<MessageEntity> {
    const facts = await this.factsOf(liveConversationId);
    if (!facts) {
      throw AppError.notFound('Live conversation');
    }
    if (facts.agentId !== agentId) {
      throw notInControl();
    }
    return this.requests.postAsAgent({
      requestId: facts.requestId,
      text,
      clientMessageId,
      agentId,
      operator: { displayName: facts.operatorDisplayName, avatarPath: facts.operatorAvatarPath },
      // Checked on the request's locked row, in the send's own statement.
      liveConversationId,
    });
  }

  /** By the agent in control or an ADMINISTRATOR of the bot; the bot resumes. */
  async release(
    liveConversationId: string,
    callerId: string,
    callerRole: BotRole,
  ): Promise<LiveConversationEntity> {
    const liveConversation = await this.get(liveConversationId);
    if (liveConversation.agentId !== callerId && callerRole !== BotRole.ADMINISTRATOR) {
      throw AppError.forbidden('Only the agent in control or an ADMINISTRATOR may release control');
    }
    const ended = await this.requests.withRequestLocked(liveConversation.requestId, (tx, request) =>
      this.endControl(tx, request, liveConversation.id, {
        reason: LiveConversationEndReason.RELEASED,
        endedBy: callerId,
      }),
    );
    if (!ended) {
      throw notInControl();
    }
    return ended.ended;
  }

  /**
   * Hands control to another member (either role) without the bot regaining it: by the agent in
   * control or an ADMINISTRATOR (another SUPPORT_AGENT: FORBIDDEN); the target must be a member
   * (NOT_FOUND) other than the agent in control (BAD_USER_INPUT). The end user need not be
   * online. Returns the target's new live conversation; of concurrent transfers and releases one
   * wins, the others are NOT_IN_CONTROL (the request lock orders them).
   */
  async transfer(
    liveConversationId: string,
    callerId: string,
    callerRole: BotRole,
    toAccountId: string,
  ): Promise<LiveConversationEntity> {
    const liveConversation = await this.get(liveConversationId);
    if (liveConversation.agentId !== callerId && callerRole !== BotRole.ADMINISTRATOR) {
      throw AppError.forbidden(
        'Only the agent in control or an ADMINISTRATOR may transfer control',
      );
    }
    if (!isUuid(toAccountId) || !(await this.bots.roleOf(liveConversation.botId, toAccountId))) {
      throw new AppError(ErrorCode.NOT_FOUND, 'This account is not a member of the bot', {
        field: 'toAccountId',
      });
    }
    if (toAccountId === liveConversation.agentId) {
      throw AppError.badInput('toAccountId', 'This agent already has control');
    }
    const identity = await this.profiles.identityFor(liveConversation.botId, toAccountId);
    const changed = await this.requests.withRequestLocked(
      liveConversation.requestId,
      (tx, request) =>
        this.endControl(tx, request, liveConversation.id, {
          reason: LiveConversationEndReason.TRANSFERRED,
          endedBy: callerId,
          to: { agentId: toAccountId, identity },
        }),
    );
    if (!changed?.started) {
      throw notInControl();
    }
    return changed.started;
  }

  /**
   * The automatic release of one request whose deadline a sweep found passed: exactly as a
   * release, with AUTO_RELEASED and nobody as `endedBy`. The database decides whether it is still
   * due (a message may have postponed it, another instance may have released it): false if not.
   */
  async autoRelease(requestId: string, now: Date): Promise<boolean> {
    const ended = await this.requests.claimAutoRelease(requestId, now, async (tx, request) => {
      if (!request.activeLiveConversationId) {
        return null;
      }
      return this.endControl(tx, request, request.activeLiveConversationId, {
        reason: LiveConversationEndReason.AUTO_RELEASED,
        endedBy: null,
      });
    });
    return Boolean(ended);
  }

  /** Inside the transaction closing a request: its live conversation ends with it. */
  async endOnClose(
    tx: Transaction,
    request: LockedRequest,
    closedBy: string | null,
  ): Promise<void> {
    const active = await tx.manager.findOneBy(LiveConversationEntity, {
      requestId: request.id,
      status: LiveConversationStatus.ACTIVE,
    });
    if (active) {
      await this.endControl(tx, request, active.id, {
        reason: LiveConversationEndReason.REQUEST_CLOSED,
        endedBy: closedBy,
      });
    }
  }

  /**
   * Inside the transaction removing `agentId` from the bot (the bot's row locked): each live
   * conversation the agent holds there goes back to the bot, MEMBER_REMOVED by `removedBy`.
   */
  async endOnMemberRemoved(
    tx: Transaction,
    botId: string,
    agentId: string,
    removedBy: string | null,
  ): Promise<void> {
    const held = await tx.manager.find(LiveConversationEntity, {
      where: { botId, agentId, status: LiveConversationStatus.ACTIVE },
      order: { requestId: 'ASC' },
    });
    for (const liveConversation of held) {
      const request = await this.requests.lockIn(tx, liveConversation.requestId);
      await this.endControl(tx, request, liveConversation.id, {
        reason: LiveConversationEndReason.MEMBER_REMOVED,
        endedBy: removedBy,
      });
    }
  }

  async get(id: string): Promise<LiveConversationEntity> {
    const liveConversation = isUuid(id) ? await this.liveConversations.findOneBy({ id }) : null;
    if (!liveConversation) {
      throw AppError.notFound('Live conversation');
    }
    return liveConversation;
  }

  async botIdOf(id: string): Promise<string | null> {
    return (await this.factsOf(id))?.botId ?? null;
  }

  /** The fixed facts of a live conversation; null when there is none with this id. */
  private factsOf(id: string): Promise<LiveConversationFacts | null> {
    return this.facts.getOrLoad(id, async () => {
      const row = isUuid(id)
        ? await this.liveConversations.findOne({
            select: {
              requestId: true,
              botId: true,
              operatorDisplayName: true,
              operatorAvatarPath: true,
              agentId: true,
            },
            where: { id },
          })
        : null;
      return row
        ? {
            requestId: row.requestId,
            botId: row.botId,
            operatorDisplayName: row.operatorDisplayName,
            operatorAvatarPath: row.operatorAvatarPath,
            agentId: row.agentId,
          }
        : null;
    });
  }

  async byIds(ids: readonly string[]): Promise<(LiveConversationEntity | null)[]> {
    const rows = await this.liveConversations.findBy({ id: In([...ids]) });
    return ids.map((id) => rows.find((row) => row.id === id) ?? null);
  }

  /**
   * The control history of each request, oldest first, derived from its live conversations (one
   * query for all of them, on the index by request and start).
   */
  async controlHistoriesOf(requestIds: readonly string[]): Promise<ControlChangeModel[][]> {
    const rows = await this.liveConversations.find({
      where: { requestId: In([...requestIds]) },
      order: { startedAt: 'ASC' },
    });
    return requestIds.map((requestId) =>
      controlHistory(rows.filter((row) => row.requestId === requestId)).map((change) =>
        Object.assign(new ControlChangeModel(), {
          at: change.at,
          kind: change.kind,
          fromId: change.fromId,
          toId: change.toId,
          byId: change.byId,
          liveConversation: this.toModel(change.liveConversation),
        }),
      ),
    );
  }

  /** The ACTIVE live conversation of each request (null where none), in one query. */
  async activeOfRequests(
    requestIds: readonly string[],
  ): Promise<(LiveConversationEntity | null)[]> {
    const rows = await this.liveConversations.findBy({
      requestId: In([...requestIds]),
      status: LiveConversationStatus.ACTIVE,
    });
    return requestIds.map((id) => rows.find((row) => row.requestId === id) ?? null);
  }

  /**
   * ACTIVE live conversations, newest first: of one bot, or of every bot of the caller; the
   * caller's own (MINE) or every agent's (ALL).
   */
  async list(
    accountId: string,
    botId: string | null,
    scope: LiveConversationScope,
    paging: PageArgs,
  ): Promise<LiveConversationPage> {
    const window = pageWindow(paging, 50, 200);
    let botIds: string[];
    if (botId !== null) {
      if (!isUuid(botId) || !(await this.bots.roleOf(botId, accountId))) {
        throw AppError.notFound('Bot');
      }
      botIds = [botId];
    } else {
      botIds = (await this.bots.listFor(accountId)).map(({ bot }) => bot.id);
    }
    if (botIds.length === 0) {
      return {
        edges: [],
        hasNextPage: false,
        hasPreviousPage: false,
        startCursor: null,
        endCursor: null,
        totalCount: 0,
      };
    }
    const query = this.liveConversations
      .createQueryBuilder('lc')
      .where('lc.status = :active', { active: LiveConversationStatus.ACTIVE })
      .andWhere('lc.bot_id IN (:...botIds)', { botIds });
    if (scope === LiveConversationScope.MINE) {
      query.andWhere('lc.agent_id = :accountId', { accountId });
    }
    return newestFirstPage(query, 'lc', 'started_at', (row) => row.startedAt, window);
  }

  changes(botId: string): AsyncIterableIterator<LiveConversationChangeModel> {
    return this.pubsub.subscribe(Topics.liveConversations(botId));
  }

  toModel(entity: LiveConversationEntity): LiveConversationModel {
    return LiveConversationModel.from(entity, this.config.publicUrl);
  }

  private activeOf(requestId: string): Promise<LiveConversationEntity | null> {
    return this.liveConversations.findOneBy({ requestId, status: LiveConversationStatus.ACTIVE });
  }

  /**
   * THE place where a live conversation ends, whatever the reason, in the caller's transaction
   * with the request row locked: the row records why (`endReason`), who ended it (`endedBy`) and,
   * for a transfer, the live conversation it was handed to. A transfer starts the target's live
   * conversation and the request stays HUMAN (AGENT_LEFT then AGENT_JOINED, CONTROL_TRANSFERRED,
   * TRANSFERRED then STARTED, nothing to the bot engine); every other ending gives control back to
   * the bot exactly as a release does (AGENT_LEFT, CONTROL_RELEASED, ENDED, and the bot engine
   * hears CONTROL_RELEASED). Everything is published after commit. Null when the live
   * conversation had already ended (another change of control won).
   */
  async endControl(
    tx: Transaction,
    request: LockedRequest,
    id: string,
    ending: Ending,
  ): Promise<EndedControl | null> {
    const { manager } = tx;
    const now = this.clock.now();
    const ended = await manager.update(
      LiveConversationEntity,
      { id, status: LiveConversationStatus.ACTIVE },
      {
        status: LiveConversationStatus.ENDED,
        endedAt: now,
        endReason: ending.reason,
        endedById: ending.endedBy,
      },
    );
    if (!ended.affected) {
      return null;
    }
    const liveConversation = await manager.findOneByOrFail(LiveConversationEntity, { id });
    const left = {
      text: (language: Language) =>
        leftNotice(
          language,
          liveConversation.operatorNamed ? liveConversation.operatorDisplayName : null,
        ),
      agentId: liveConversation.agentId,
      operator: {
        displayName: liveConversation.operatorDisplayName,
        avatarPath: liveConversation.operatorAvatarPath,
      },
    };
    if (ending.reason !== LiveConversationEndReason.TRANSFERRED) {
      await this.requests.switchControl(tx, request, {
        mode: ControlMode.BOT,
        notice: SystemNotice.AGENT_LEFT,
        ...left,
        ...this.announced(liveConversation, LiveConversationChangeType.ENDED),
      });
      return { ended: liveConversation, started: null };
    }
    const { agentId, identity } = ending.to;
    const started = await manager.save(
      manager.create(LiveConversationEntity, {
        requestId: request.id,
        botId: request.botId,
        agentId,
        operatorDisplayName: identity.displayName,
        operatorNamed: identity.named,
        operatorAvatarPath: identity.avatarPath,
        status: LiveConversationStatus.ACTIVE,
        startedAt: now,
        endedAt: null,
        endReason: null,
        endedById: null,
        transferredToId: null,
      }),
    );
    await manager.update(LiveConversationEntity, { id }, { transferredToId: started.id });
    liveConversation.transferredToId = started.id;
    const endedChange = this.announced(liveConversation, LiveConversationChangeType.TRANSFERRED);
    const startedChange = this.announced(started, LiveConversationChangeType.STARTED);
    await this.requests.transferControl(tx, request, {
      left,
      joined: {
        text: (language) => joinedNotice(language, identity.named ? identity.displayName : null),
        agentId,
        operator: { displayName: identity.displayName, avatarPath: identity.avatarPath },
      },
      liveConversation: startedChange.liveConversation,
      previousLiveConversationId: liveConversation.id,
      alsoPublish: async () => {
        await endedChange.alsoPublish();
        await startedChange.alsoPublish();
      },
    });
    return { ended: liveConversation, started };
  }

  /**
   * What a change of control says of the live conversation: its model on the request's
   * conversation, and the change on the bot's list of live conversations.
   */
  private announced(
    entity: LiveConversationEntity,
    type: LiveConversationChangeType,
  ): { liveConversation: LiveConversationModel; alsoPublish: () => Promise<void> } {
    const liveConversation = this.toModel(entity);
    return {
      liveConversation,
      alsoPublish: () =>
        this.pubsub.publish(
          Topics.liveConversations(entity.botId),
          Object.assign(new LiveConversationChangeModel(), { type, liveConversation }),
        ),
    };
  }
}

function alreadyUnderControl(active: LiveConversationEntity): AppError {
  return new AppError(
    ErrorCode.ALREADY_UNDER_CONTROL,
    'Another agent has control of this request',
    {
      liveConversationId: active.id,
    },
  );
}

function notInControl(): AppError {
  return new AppError(ErrorCode.NOT_IN_CONTROL, 'You are not in control of this conversation');
}

function requestClosed(): AppError {
  return new AppError(ErrorCode.REQUEST_CLOSED, 'This request is closed');
}
