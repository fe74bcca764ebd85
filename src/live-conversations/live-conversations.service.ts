import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { BotsService } from '../bots/bots.service';
import { BotRole } from '../common/auth/bot-role';
import { BoundedCache } from '../common/cache/bounded-cache';
import { Clock } from '../common/clock/clock';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { isUniqueViolation } from '../common/errors/database-errors';
import { decodeCursor, pageSize } from '../common/pagination/cursor';
import { Page, newestFirstPage } from '../common/pagination/keyset';
import { PubSubPort } from '../common/pubsub/pubsub';
import { Topics } from '../common/pubsub/topics';
import { isUuid } from '../common/validation/uuid';
import { AppConfig } from '../config/app-config';
import { OperatorProfilesService } from '../operator-profiles/operator-profiles.service';
import { bannerFor, ConversationStreams } from '../requests/conversation-streams';
import { languageOf } from '../requests/language';
import { AppendedMessage, MessageLogService } from '../requests/message-log.service';
import { BotEventType, ConversationEventType } from '../requests/models/user-request.model';
import { joinedNotice, leftNotice } from '../requests/notices';
import {
  ControlMode,
  Language,
  MessageAuthor,
  RequestStatus,
  SystemNotice,
} from '../requests/request-enums';
import { checkClientMessageId, checkText, RequestsService } from '../requests/requests.service';
import { UserRequestEntity } from '../requests/user-request.entity';
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
  operatorDisplayName: string;
  operatorAvatarPath: string;
}

const FACTS_CACHE_SIZE = 20_000;

export type LiveConversationPage = Page<LiveConversationEntity>;

/** What a change of control did, published once it is committed. */
interface ControlChange {
  liveConversation: LiveConversationEntity;
  notice: AppendedMessage;
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
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(LiveConversationEntity)
    private readonly liveConversations: Repository<LiveConversationEntity>,
    private readonly requests: RequestsService,
    private readonly messageLog: MessageLogService,
    private readonly streams: ConversationStreams,
    private readonly profiles: OperatorProfilesService,
    private readonly bots: BotsService,
    private readonly pubsub: PubSubPort,
    private readonly clock: Clock,
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
    const [identity, locale] = await Promise.all([
      this.profiles.identityFor(request.botId, agentId),
      this.requests.endUserLocale(request.endUserId),
    ]);
    const language = languageOf(locale) as Language;

    let change: ControlChange | LiveConversationEntity;
    try {
      change = await this.dataSource.transaction(async (manager) => {
        const locked = await this.requests.lockForUpdate(manager, requestId);
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
        await this.requests.setControlMode(manager, requestId, ControlMode.HUMAN);
        const notice = await this.messageLog.appendIn(manager, {
          requestId,
          author: MessageAuthor.SYSTEM,
          notice: SystemNotice.AGENT_JOINED,
          text: joinedNotice(language, identity.named ? identity.displayName : null),
          agentId,
          operator: { displayName: identity.displayName, avatarPath: identity.avatarPath },
        });
        return { liveConversation, notice };
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
    if (change instanceof LiveConversationEntity) {
      return change;
    }
    await this.publishControlChange(change, ConversationEventType.CONTROL_TAKEN);
    return change.liveConversation;
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
  ): Promise<AppendedMessage> {
    const facts = await this.factsOf(liveConversationId);
    if (!facts) {
      throw AppError.notFound('Live conversation');
    }
    const appended = await this.messageLog.append({
      requestId: facts.requestId,
      author: MessageAuthor.AGENT,
      text: checkText(text),
      clientMessageId: checkClientMessageId(clientMessageId),
      agentId,
      operator: { displayName: facts.operatorDisplayName, avatarPath: facts.operatorAvatarPath },
      // Checked with the request locked: a release committed before this send is seen.
      whileLocked: async (manager) => {
        const [current]: { status: LiveConversationStatus; agent_id: string }[] =
          await manager.query('SELECT status, agent_id FROM live_conversations WHERE id = $1', [
            liveConversationId,
          ]);
        if (current?.status !== LiveConversationStatus.ACTIVE || current.agent_id !== agentId) {
          throw notInControl();
        }
      },
    });
    if (appended.created) {
      await this.streams.messagePosted(appended);
    }
    return appended;
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
    const locale = await this.endUserLocaleOf(liveConversation.requestId);
    const change = await this.dataSource.transaction(async (manager) => {
      await this.requests.lockForUpdate(manager, liveConversation.requestId);
      return this.endIn(manager, liveConversation.id, locale);
    });
    if (!change) {
      throw notInControl();
    }
    await this.publishControlChange(change, ConversationEventType.CONTROL_RELEASED);
    return change.liveConversation;
  }

  /** Inside the transaction closing a request: its live conversation ends with it. */
  async endOnClose(
    manager: EntityManager,
    request: UserRequestEntity,
    endUserLocale: string,
  ): Promise<(() => Promise<void>) | void> {
    const active = await manager.findOneBy(LiveConversationEntity, {
      requestId: request.id,
      status: LiveConversationStatus.ACTIVE,
    });
    if (!active) {
      return;
    }
    const change = await this.endIn(manager, active.id, endUserLocale);
    if (change) {
      return () => this.publishControlChange(change, ConversationEventType.CONTROL_RELEASED);
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
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<LiveConversationPage> {
    const size = pageSize(first, 50, 200);
    const position = after ? decodeCursor(after) : null;
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
      return { edges: [], hasNextPage: false, endCursor: null, totalCount: 0 };
    }
    const query = this.liveConversations
      .createQueryBuilder('lc')
      .where('lc.status = :active', { active: LiveConversationStatus.ACTIVE })
      .andWhere('lc.bot_id IN (:...botIds)', { botIds });
    if (scope === LiveConversationScope.MINE) {
      query.andWhere('lc.agent_id = :accountId', { accountId });
    }
    return newestFirstPage(query, 'lc', 'started_at', (row) => row.startedAt, size, position);
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

  private async endUserLocaleOf(requestId: string): Promise<string> {
    const request = await this.requests.get(requestId);
    return this.requests.endUserLocale(request.endUserId);
  }

  /**
   * Ends an ACTIVE live conversation in the caller's transaction (request row already locked):
   * the AGENT_LEFT notice with its snapshot, and the bot back in control. Null when it had ended.
   */
  private async endIn(
    manager: EntityManager,
    id: string,
    locale: string,
  ): Promise<ControlChange | null> {
    const now = this.clock.now();
    const ended = await manager.update(
      LiveConversationEntity,
      { id, status: LiveConversationStatus.ACTIVE },
      { status: LiveConversationStatus.ENDED, endedAt: now },
    );
    if (!ended.affected) {
      return null;
    }
    const liveConversation = await manager.findOneByOrFail(LiveConversationEntity, { id });
    await this.requests.setControlMode(manager, liveConversation.requestId, ControlMode.BOT);
    const notice = await this.messageLog.appendIn(manager, {
      requestId: liveConversation.requestId,
      author: MessageAuthor.SYSTEM,
      notice: SystemNotice.AGENT_LEFT,
      text: leftNotice(
        languageOf(locale) as Language,
        liveConversation.operatorNamed ? liveConversation.operatorDisplayName : null,
      ),
      agentId: liveConversation.agentId,
      operator: {
        displayName: liveConversation.operatorDisplayName,
        avatarPath: liveConversation.operatorAvatarPath,
      },
    });
    return { liveConversation, notice };
  }

  /** After commit: the conversation hears the control change then its notice; lists and the engine follow. */
  private async publishControlChange(
    change: ControlChange,
    type: ConversationEventType,
  ): Promise<void> {
    const { liveConversation, notice } = change;
    const model = this.toModel(liveConversation);
    await this.streams.conversationEvent(liveConversation.requestId, {
      type,
      liveConversationPayload: model,
      banner: bannerFor(notice.request.controlMode, notice.endUserLocale),
      at:
        type === ConversationEventType.CONTROL_TAKEN
          ? liveConversation.startedAt
          : (liveConversation.endedAt ?? notice.message.createdAt),
    });
    await this.streams.messagePosted(notice);
    await this.pubsub.publish(
      Topics.liveConversations(liveConversation.botId),
      Object.assign(new LiveConversationChangeModel(), {
        type:
          type === ConversationEventType.CONTROL_TAKEN
            ? LiveConversationChangeType.STARTED
            : LiveConversationChangeType.ENDED,
        liveConversation: model,
      }),
    );
    await this.streams.botEvent(
      notice.request,
      type === ConversationEventType.CONTROL_TAKEN
        ? BotEventType.CONTROL_TAKEN
        : BotEventType.CONTROL_RELEASED,
    );
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
