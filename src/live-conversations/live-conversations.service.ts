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
import { joinedNotice, leftNotice } from '../common/i18n/notices';
import { Page, PageArgs, newestFirstPage, pageWindow } from '../common/pagination/keyset';
import { PubSubPort } from '../common/pubsub/pubsub';
import { Topics } from '../common/pubsub/topics';
import { isUuid } from '../common/validation/uuid';
import { AppConfig } from '../config/app-config';
import { OperatorProfilesService } from '../operator-profiles/operator-profiles.service';
import { MessageEntity } from '../requests/message.entity';
import { ControlMode, RequestStatus, SystemNotice } from '../requests/request-enums';
import { LockedRequest, RequestsService } from '../requests/requests.service';
import { LiveConversationEntity, LiveConversationStatus } from './live-conversation.entity';
import {
  LiveConversationChangeModel,
  LiveConversationChangeType,
  LiveConversationModel,
  LiveConversationScope,
} from './models/live-conversation.model';

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
      this.endIn(tx, request, liveConversation.id),
    );
    if (!ended) {
      throw notInControl();
    }
    return ended;
  }

  /** Inside the transaction closing a request: its live conversation ends with it. */
  async endOnClose(tx: Transaction, request: LockedRequest): Promise<void> {
    const active = await tx.manager.findOneBy(LiveConversationEntity, {
      requestId: request.id,
      status: LiveConversationStatus.ACTIVE,
    });
    if (active) {
      await this.endIn(tx, request, active.id);
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
   * Ends an ACTIVE live conversation in the caller's transaction (request row already locked):
   * the AGENT_LEFT notice with its snapshot, and the bot back in control. Null when it had ended.
   */
  private async endIn(
    tx: Transaction,
    request: LockedRequest,
    id: string,
  ): Promise<LiveConversationEntity | null> {
    const { manager } = tx;
    const ended = await manager.update(
      LiveConversationEntity,
      { id, status: LiveConversationStatus.ACTIVE },
      { status: LiveConversationStatus.ENDED, endedAt: this.clock.now() },
    );
    if (!ended.affected) {
      return null;
    }
    const liveConversation = await manager.findOneByOrFail(LiveConversationEntity, { id });
    await this.requests.switchControl(tx, request, {
      mode: ControlMode.BOT,
      notice: SystemNotice.AGENT_LEFT,
      text: (language) =>
        leftNotice(
          language,
          liveConversation.operatorNamed ? liveConversation.operatorDisplayName : null,
        ),
      agentId: liveConversation.agentId,
      operator: {
        displayName: liveConversation.operatorDisplayName,
        avatarPath: liveConversation.operatorAvatarPath,
      },
      ...this.announced(liveConversation, LiveConversationChangeType.ENDED),
    });
    return liveConversation;
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
