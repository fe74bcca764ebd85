import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { AvailabilityService } from '../availability/availability.service';
import { StoriesService } from '../bots/stories.service';
import { BoundedCache } from '../common/cache/bounded-cache';
import { Clock } from '../common/clock/clock';
import { messageText } from '../common/validation/message-text';
import { AppError } from '../common/errors/app-error';
import { decodeCursor, pageSize } from '../common/pagination/cursor';
import { Page, newestFirstPage } from '../common/pagination/keyset';
import { isUuid } from '../common/validation/uuid';
import { ConversationStreams } from './conversation-streams';
import { RequestFilter } from './dto/requests.inputs';
import { EndUserEntity } from './end-user.entity';
import { EndUsersService } from './end-users.service';
import { AppendedMessage, MessageLogService } from './message-log.service';
import { MessageEntity } from './message.entity';
import {
  BotEventType,
  ConversationEventModel,
  UserRequestChangeType,
} from './models/user-request.model';
import { ControlMode, MessageAuthor, RequestStatus } from './request-enums';
import { UserRequestEntity } from './user-request.entity';

const LOCATION_CACHE_SIZE = 50_000;
const MAX_CLIENT_MESSAGE_ID_LENGTH = 200;

export type RequestPage = Page<UserRequestEntity>;

/** Message text as stored: trimmed, 1 to 4,000 characters; else BAD_USER_INPUT on `text`. */
export function checkText(text: string): string {
  return messageText(text, 'text');
}

export function checkClientMessageId(clientMessageId: string | null | undefined): string | null {
  if (clientMessageId === null || clientMessageId === undefined) {
    return null;
  }
  if (clientMessageId.length === 0 || clientMessageId.length > MAX_CLIENT_MESSAGE_ID_LENGTH) {
    throw AppError.badInput(
      'clientMessageId',
      `clientMessageId must be 1 to ${MAX_CLIENT_MESSAGE_ID_LENGTH} characters`,
    );
  }
  return clientMessageId;
}

/**
 * Runs inside the transaction that closes a request, with its row locked; may return work to do
 * after commit (publications).
 */
export type ClosingListener = (
  manager: EntityManager,
  request: UserRequestEntity,
  endUserLocale: string,
) => Promise<(() => Promise<void>) | void>;

/** User requests: opening one (and playing the entry story), messages, closing, listing. */
@Injectable()
export class RequestsService {
  private readonly closingListeners: ClosingListener[] = [];
  private readonly locations = new BoundedCache<string, { botId: string; endUserId: string }>(
    LOCATION_CACHE_SIZE,
  );

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(UserRequestEntity) private readonly requests: Repository<UserRequestEntity>,
    private readonly messageLog: MessageLogService,
    private readonly streams: ConversationStreams,
    private readonly endUsers: EndUsersService,
    private readonly stories: StoriesService,
    private readonly availability: AvailabilityService,
    private readonly clock: Clock,
  ) {}

  /**
   * Opens a request for the end user, recording the support status of this instant, and plays
   * the bot's entry story in the same transaction: its messages are the request's first ones.
   */
  async open(endUserId: string, botId: string): Promise<UserRequestEntity> {
    const { state } = await this.availability.status(botId);
    const actions = await this.stories.playEntryStory(botId, state);
    const { request, posted } = await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const created = await manager.save(
        manager.create(UserRequestEntity, {
          botId,
          endUserId,
          status: RequestStatus.OPEN,
          controlMode: ControlMode.BOT,
          awaitingHuman: actions.some((action) => action.kind === 'REQUEST_HUMAN'),
          supportStatusAtCreation: state,
          lastSeq: 0,
          lastActivityAt: now,
          closedAt: null,
          createdAt: now,
        }),
      );
      const appended: AppendedMessage[] = [];
      for (const action of actions) {
        if (action.kind === 'SEND_MESSAGE') {
          appended.push(
            await this.messageLog.appendIn(manager, {
              requestId: created.id,
              author: MessageAuthor.BOT,
              text: action.text,
            }),
          );
        }
      }
      return { request: appended.at(-1)?.request ?? created, posted: appended };
    });
    await this.streams.requestChanged(request, UserRequestChangeType.OPENED);
    await this.streams.botEvent(request, BotEventType.REQUEST_OPENED);
    for (const message of posted) {
      await this.streams.messagePosted(message);
    }
    return request;
  }

  async get(requestId: string): Promise<UserRequestEntity> {
    const request = isUuid(requestId) ? await this.requests.findOneBy({ id: requestId }) : null;
    if (!request) {
      throw AppError.notFound('Request');
    }
    return request;
  }

  async byIds(ids: readonly string[]): Promise<(UserRequestEntity | null)[]> {
    const rows = await this.requests.findBy({ id: In([...ids]) });
    return ids.map((id) => rows.find((row) => row.id === id) ?? null);
  }

  /**
   * Where a request belongs, for the access guard: its bot and end user never change, so they
   * are cached (every subscription and message checks them).
   */
  locate(requestId: string): Promise<{ botId: string; endUserId: string } | null> {
    return this.locations.getOrLoad(requestId, async () => {
      const request = await this.requests.findOne({
        select: { botId: true, endUserId: true },
        where: { id: requestId },
      });
      return request ? { botId: request.botId, endUserId: request.endUserId } : null;
    });
  }

  /** A request's events for `conversationEvents`, replayed from `afterSeq` when given. */
  conversationEvents(
    requestId: string,
    afterSeq: number | null | undefined,
  ): AsyncIterableIterator<ConversationEventModel> {
    return this.streams.conversation(requestId, afterSeq ?? null, async () => {
      const request = await this.get(requestId);
      return {
        controlMode: request.controlMode,
        endUserLocale: await this.endUserLocale(request.endUserId),
        lastSeq: request.lastSeq,
      };
    });
  }

  /** The open requests of an end user (to tell their streams about its presence). */
  openRequestsOf(endUserId: string): Promise<UserRequestEntity[]> {
    return this.requests.findBy({ endUserId, status: RequestStatus.OPEN });
  }

  async postAsEndUser(
    requestId: string,
    text: string,
    clientMessageId?: string | null,
  ): Promise<MessageEntity> {
    return this.post({
      requestId,
      author: MessageAuthor.END_USER,
      text: checkText(text),
      clientMessageId: checkClientMessageId(clientMessageId),
    });
  }

  /** The bot engine's answer; refused with BOT_PAUSED while a person has control. */
  async postAsBot(
    requestId: string,
    text: string,
    clientMessageId?: string | null,
  ): Promise<MessageEntity> {
    return this.post({
      requestId,
      author: MessageAuthor.BOT,
      text: checkText(text),
      clientMessageId: checkClientMessageId(clientMessageId),
      requireControlMode: ControlMode.BOT,
    });
  }

  /** Lets another module act in the transaction that closes a request (end its live conversation). */
  onClosing(listener: ClosingListener): void {
    this.closingListeners.push(listener);
  }

  /** Closes the request (a second close answers the closed request as it is). */
  async close(requestId: string): Promise<UserRequestEntity> {
    const { closed, afterCommit } = await this.dataSource.transaction(async (manager) => {
      const locked = await this.lockForUpdate(manager, requestId);
      if (locked.status === RequestStatus.CLOSED) {
        return { closed: false, afterCommit: [] };
      }
      // Everything in this transaction goes through `manager`: the embedded database has a
      // single connection, which the transaction holds.
      const endUser = await manager.findOneBy(EndUserEntity, { id: locked.endUserId });
      const followUps: (() => Promise<void>)[] = [];
      for (const listener of this.closingListeners) {
        const followUp = await listener(manager, locked, endUser?.locale ?? 'en');
        if (followUp) {
          followUps.push(followUp);
        }
      }
      const now = this.clock.now();
      await manager.update(
        UserRequestEntity,
        { id: requestId },
        { status: RequestStatus.CLOSED, closedAt: now, lastActivityAt: now, awaitingHuman: false },
      );
      return { closed: true, afterCommit: followUps };
    });
    for (const followUp of afterCommit) {
      await followUp();
    }
    const request = await this.get(requestId);
    if (closed) {
      await this.streams.requestChanged(request, UserRequestChangeType.CLOSED);
    }
    return request;
  }

  /** Locks the request's row until the end of `manager`'s transaction. */
  async lockForUpdate(manager: EntityManager, requestId: string): Promise<UserRequestEntity> {
    const request = isUuid(requestId)
      ? await manager
          .createQueryBuilder(UserRequestEntity, 'r')
          .where('r.id = :requestId', { requestId })
          .setLock('pessimistic_write')
          .getOne()
      : null;
    if (!request) {
      throw AppError.notFound('Request');
    }
    return request;
  }

  /** HUMAN clears `awaitingHuman`: the queued request has been taken. */
  async setControlMode(
    manager: EntityManager,
    requestId: string,
    mode: ControlMode,
  ): Promise<void> {
    await manager.update(
      UserRequestEntity,
      { id: requestId },
      mode === ControlMode.HUMAN
        ? { controlMode: mode, awaitingHuman: false }
        : { controlMode: mode },
    );
  }

  async isEndUserOnline(endUserId: string): Promise<boolean> {
    const [online] = await this.endUsers.isOnline([endUserId]);
    return online;
  }

  async endUserLocale(endUserId: string): Promise<string> {
    const [endUser] = await this.endUsers.byIds([endUserId]);
    return endUser?.locale ?? 'en';
  }

  /** Messages in ascending seq; `first` 1..500 (default 100). */
  messagesForEach(
    requestIds: readonly string[],
    afterSeq: number | null | undefined,
    first: number | null | undefined,
  ): Promise<MessageEntity[][]> {
    return this.messageLog.afterForEach(requestIds, afterSeq ?? 0, pageSize(first, 100, 500));
  }

  /** A bot's requests, newest activity first, by keyset pagination. */
  async list(
    botId: string,
    filter: RequestFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<RequestPage> {
    const size = pageSize(first, 50, 200);
    const position = after ? decodeCursor(after) : null;
    const query = this.requests.createQueryBuilder('r').where('r.bot_id = :botId', { botId });
    if (filter?.status) {
      query.andWhere('r.status = :status', { status: filter.status });
    }
    if (filter?.controlMode) {
      query.andWhere('r.control_mode = :controlMode', { controlMode: filter.controlMode });
    }
    if (filter?.awaitingHuman !== undefined && filter.awaitingHuman !== null) {
      query.andWhere('r.awaiting_human = :awaitingHuman', { awaitingHuman: filter.awaitingHuman });
    }
    if (filter?.endUserOnline !== undefined && filter.endUserOnline !== null) {
      const online = await this.endUsers.onlineOf(botId);
      if (filter.endUserOnline) {
        query.andWhere(online.length ? 'r.end_user_id IN (:...online)' : 'FALSE', { online });
      } else if (online.length) {
        query.andWhere('r.end_user_id NOT IN (:...online)', { online });
      }
    }
    return newestFirstPage(
      query,
      'r',
      'last_activity_at',
      (row) => row.lastActivityAt,
      size,
      position,
    );
  }

  private async post(input: Parameters<MessageLogService['append']>[0]): Promise<MessageEntity> {
    const appended = await this.messageLog.append(input);
    if (appended.created) {
      await this.streams.messagePosted(appended);
    }
    return appended.message;
  }
}
