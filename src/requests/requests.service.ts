import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { AvailabilityService } from '../availability/availability.service';
import { StoriesService } from '../bots/stories.service';
import { BoundedCache } from '../common/cache/bounded-cache';
import { Clock } from '../common/clock/clock';
import { AfterCommit, Transaction, Transactions } from '../common/database/transactions';
import { DEFAULT_LOCALE, Language, languageOf } from '../common/i18n/language';
import { messageText } from '../common/validation/message-text';
import { AppError } from '../common/errors/app-error';
import { pageSize } from '../common/pagination/cursor';
import { Page, PageArgs, newestFirstPage, pageWindow } from '../common/pagination/keyset';
import { isUuid } from '../common/validation/uuid';
import { bannerFor, ConversationStreams } from './conversation-streams';
import { RequestFilter } from './dto/requests.inputs';
import { EndUserEntity } from './end-user.entity';
import { EndUsersService } from './end-users.service';
import { AppendedMessage, MessageLogService, NewMessage } from './message-log.service';
import { MessageEntity } from './message.entity';
import {
  BotEventType,
  ConversationEventModel,
  ConversationEventType,
  LiveConversationPayload,
  UserRequestChangeType,
} from './models/user-request.model';
import { ControlMode, MessageAuthor, RequestStatus, SystemNotice } from './request-enums';
import { UserRequestEntity } from './user-request.entity';
import { WebhookEventType } from '../webhooks/webhook-event-type';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { liveConversationData, requestData } from '../webhooks/webhook-payloads';

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

/** A request as read with its row locked: inside `withRequestLocked` or a closing listener. */
export type LockedRequest = UserRequestEntity;

/**
 * Runs inside the transaction that closes a request, with its row locked; queues what it
 * publishes with `tx.afterCommit`.
 */
export type ClosingListener = (
  tx: Transaction,
  request: LockedRequest,
  closedBy: string | null,
) => Promise<void>;

/**
 * A change of control of a request and the notice that tells the end user: how the
 * live-conversations module hands control over at takeover, release, and when a request closes
 * under control. Requests keeps its own rows and publications; the caller says what changed.
 */
export interface ControlSwitch {
  /** HUMAN when a person takes control, BOT when the bot resumes. */
  mode: ControlMode;
  notice: SystemNotice;
  /** The notice's text in the end user's language. */
  text: (language: Language) => string;
  /** The agent the notice is about. */
  agentId: string;
  /** The operator as the end user sees them, kept with the notice. */
  operator: { displayName: string; avatarPath: string };
  /** The live conversation the change starts or ends, carried by the conversation's event. */
  liveConversation: LiveConversationPayload;
  /**
   * The caller's own publication (the lists of live conversations), after the conversation heard
   * the change and before the bot engine does.
   */
  alsoPublish: AfterCommit;
}

/**
 * A handover of control from one person to another (see `transferControl`): the request stays
 * HUMAN throughout, and the end user reads who left and who joined, each under their own name.
 */
export interface ControlTransfer {
  /** The AGENT_LEFT notice of the agent who hands over. */
  left: NoticeOf;
  /** The AGENT_JOINED notice of the agent who takes over. */
  joined: NoticeOf;
  /** The new live conversation, carried by CONTROL_TRANSFERRED. */
  liveConversation: LiveConversationPayload;
  /** The live conversation that had control until now (ended by the caller). */
  previousLiveConversationId: string;
  /** The caller's own publication (the lists of live conversations), after the conversation's. */
  alsoPublish: AfterCommit;
}

/** A notice about one agent, with its text in the end user's language and the agent's snapshot. */
export interface NoticeOf {
  text: (language: Language) => string;
  agentId: string;
  operator: { displayName: string; avatarPath: string };
}

/** A message of the agent in control of a request (see `postAsAgent`). */
export interface AgentMessage {
  requestId: string;
  agentId: string;
  /** The operator as the end user sees them: the live conversation's snapshot. */
  operator: { displayName: string; avatarPath: string };
  text: string;
  clientMessageId: string | null | undefined;
  /** The agent's live conversation: the send is NOT_IN_CONTROL unless it has control. */
  liveConversationId: string;
}

/** User requests: opening one (and playing the entry story), messages, closing, listing. */
@Injectable()
export class RequestsService {
  private readonly closingListeners: ClosingListener[] = [];
  private readonly locations = new BoundedCache<string, { botId: string; endUserId: string }>(
    LOCATION_CACHE_SIZE,
  );

  constructor(
    private readonly transactions: Transactions,
    @InjectRepository(UserRequestEntity) private readonly requests: Repository<UserRequestEntity>,
    private readonly messageLog: MessageLogService,
    private readonly streams: ConversationStreams,
    private readonly endUsers: EndUsersService,
    private readonly stories: StoriesService,
    private readonly availability: AvailabilityService,
    private readonly clock: Clock,
    private readonly outbox: WebhookOutbox,
  ) {}

  /**
   * Opens a request for the end user, recording the support status of this instant, and plays
   * the bot's entry story in the same transaction: its messages are the request's first ones.
   */
  async open(endUserId: string, botId: string): Promise<UserRequestEntity> {
    const { state } = await this.availability.status(botId);
    const actions = await this.stories.playEntryStory(botId, state);
    return this.transactions.run(async (tx) => {
      const { manager, afterCommit } = tx;
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
      await this.outbox.record(tx, {
        botId,
        type: WebhookEventType.REQUEST_OPENED,
        data: { request: requestData(created) },
        occurredAt: now,
      });
      const appended: AppendedMessage[] = [];
      for (const action of actions) {
        if (action.kind === 'SEND_MESSAGE') {
          appended.push(
            await this.messageLog.appendIn(tx, {
              requestId: created.id,
              author: MessageAuthor.BOT,
              text: action.text,
            }),
          );
        }
      }
      const request = appended.at(-1)?.request ?? created;
      afterCommit(() => this.streams.requestChanged(request, UserRequestChangeType.OPENED));
      afterCommit(() => this.streams.botEvent(request, BotEventType.REQUEST_OPENED));
      if (request.awaitingHuman) {
        afterCommit(() => this.availability.waitingRequestsChanged(botId));
      }
      for (const message of appended) {
        afterCommit(() => this.streams.messagePosted(message));
      }
      return request;
    });
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
      // One indexed read: the request's mode and last seq with its end user's locale.
      const rows: { control_mode: ControlMode; last_seq: number; locale: string }[] =
        await this.requests.query(
          `SELECT r.control_mode, r.last_seq, e.locale
             FROM user_requests r JOIN end_users e ON e.id = r.end_user_id
            WHERE r.id = $1`,
          [requestId],
        );
      const row = rows[0];
      if (!row) {
        throw AppError.notFound('Request');
      }
      return { controlMode: row.control_mode, endUserLocale: row.locale, lastSeq: row.last_seq };
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

  /**
   * An agent's message, in the request's log like any other; published once committed (a retried
   * clientMessageId answers the first message, unpublished).
   */
  async postAsAgent(input: AgentMessage): Promise<MessageEntity> {
    return this.post({
      requestId: input.requestId,
      author: MessageAuthor.AGENT,
      text: checkText(input.text),
      clientMessageId: checkClientMessageId(input.clientMessageId),
      agentId: input.agentId,
      operator: input.operator,
      requireLiveConversationId: input.liveConversationId,
    });
  }

  /** Lets another module act in the transaction that closes a request (end its live conversation). */
  onClosing(listener: ClosingListener): void {
    this.closingListeners.push(listener);
  }

  /**
   * Closes the request (a second close answers the closed request as it is). `closedBy` is the
   * member who closes it; null when its end user does.
   */
  async close(requestId: string, closedBy: string | null = null): Promise<UserRequestEntity> {
    return this.withRequestLocked(requestId, async (tx, locked) => {
      if (locked.status === RequestStatus.CLOSED) {
        return locked;
      }
      for (const listener of this.closingListeners) {
        await listener(tx, locked, closedBy);
      }
      const now = this.clock.now();
      await tx.manager.update(
        UserRequestEntity,
        { id: requestId },
        { status: RequestStatus.CLOSED, closedAt: now, lastActivityAt: now, awaitingHuman: false },
      );
      const closed = await tx.manager.findOneByOrFail(UserRequestEntity, { id: requestId });
      await this.outbox.record(tx, {
        botId: closed.botId,
        type: WebhookEventType.REQUEST_CLOSED,
        data: { request: requestData(closed) },
        occurredAt: now,
      });
      tx.afterCommit(() => this.streams.requestChanged(closed, UserRequestChangeType.CLOSED));
      if (locked.awaitingHuman) {
        tx.afterCommit(() => this.availability.waitingRequestsChanged(locked.botId));
      }
      return closed;
    });
  }

  /**
   * Runs `work` in one transaction with the request's row locked: every change of control of one
   * request (takeover, release, close, agent sends) queues on that lock. Everything in `work`
   * goes through `tx.manager`: the embedded database has a single connection, which the
   * transaction holds.
   */
  withRequestLocked<T>(
    requestId: string,
    work: (tx: Transaction, request: LockedRequest) => Promise<T>,
  ): Promise<T> {
    return this.transactions.run(async (tx) =>
      work(tx, await this.lockForUpdate(tx.manager, requestId)),
    );
  }

  /**
   * Locks a request's row in a transaction the caller already runs (removing a member ends the
   * live conversations it held, each with its request locked); NOT_FOUND when there is none.
   */
  lockIn(tx: Transaction, requestId: string): Promise<LockedRequest> {
    return this.lockForUpdate(tx.manager, requestId);
  }

  /**
   * Requests whose automatic release is due at `now`, earliest deadline first (read from the
   * partial index on `auto_release_at`: only requests under control with a deadline are in it).
   */
  async dueForAutoRelease(now: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.requests.query(
      `SELECT id FROM user_requests
        WHERE auto_release_at IS NOT NULL AND auto_release_at <= $1
        ORDER BY auto_release_at
        LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Runs `work` with the request locked if, and only if, its automatic release is still due at
   * `now`: the conditional UPDATE that clears the deadline decides it in the database (it waits
   * for the row's lock and re-checks the deadline a message may have moved meanwhile), so of
   * several instances sweeping at once exactly one gets the request. Null when it was not due.
   */
  claimAutoRelease<T>(
    requestId: string,
    now: Date,
    work: (tx: Transaction, request: LockedRequest) => Promise<T>,
  ): Promise<T | null> {
    return this.transactions.run(async (tx) => {
      const [claimed]: [{ id: string }[], number] = await tx.manager.query(
        `UPDATE user_requests SET auto_release_at = NULL
          WHERE id = $1 AND auto_release_at <= $2 AND status = 'OPEN' AND control_mode = 'HUMAN'
      RETURNING id`,
        [requestId, now],
      );
      if (claimed.length === 0) {
        return null;
      }
      return work(tx, await tx.manager.findOneByOrFail(UserRequestEntity, { id: requestId }));
    });
  }

  /**
   * In the transaction that changes a bot's automatic release delay: the requests under control
   * get the new deadline, counted from their last activity (the takeover or transfer, or the last
   * message of the agent or the end user); none when the delay is turned off.
   */
  async rescheduleAutoRelease(
    manager: EntityManager,
    botId: string,
    minutes: number | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE user_requests
          SET auto_release_at = CASE WHEN $2::int IS NULL THEN NULL
                                     ELSE last_activity_at + make_interval(mins => $2::int) END
        WHERE bot_id = $1 AND status = 'OPEN' AND control_mode = 'HUMAN'`,
      [botId, minutes],
    );
  }

  /**
   * Within `withRequestLocked` (or a closing listener): control passes to `change.mode` and its
   * notice is appended, in the caller's transaction. HUMAN clears `awaitingHuman`: the queued
   * request has been taken. After commit the conversation hears the change then its notice, the
   * caller's `alsoPublish` runs, and the bot engine hears of the change last.
   */
  async switchControl(
    tx: Transaction,
    request: LockedRequest,
    change: ControlSwitch,
  ): Promise<void> {
    const { manager } = tx;
    await manager.update(
      UserRequestEntity,
      { id: request.id },
      change.mode === ControlMode.HUMAN
        ? {
            controlMode: change.mode,
            awaitingHuman: false,
            activeLiveConversationId: change.liveConversation.id,
          }
        : { controlMode: change.mode, activeLiveConversationId: null },
    );
    const endUser = await manager.findOneBy(EndUserEntity, { id: request.endUserId });
    const taken = change.mode === ControlMode.HUMAN;
    const { liveConversation } = change;
    await this.recordControlChange(tx, request, change);
    const notice = await this.messageLog.appendIn(tx, {
      requestId: request.id,
      author: MessageAuthor.SYSTEM,
      notice: change.notice,
      text: change.text(languageOf(endUser?.locale ?? DEFAULT_LOCALE) as Language),
      agentId: change.agentId,
      operator: change.operator,
    });
    if (taken && request.awaitingHuman) {
      // The queued request has been taken: one fewer waiting.
      tx.afterCommit(() => this.availability.waitingRequestsChanged(request.botId));
    }
    tx.afterCommit(async () => {
      await this.streams.conversationEvent(request.id, {
        type: taken ? ConversationEventType.CONTROL_TAKEN : ConversationEventType.CONTROL_RELEASED,
        liveConversationPayload: liveConversation,
        banner: bannerFor(notice.request.controlMode, notice.endUserLocale),
        at: taken
          ? liveConversation.startedAt
          : (liveConversation.endedAt ?? notice.message.createdAt),
      });
      await this.streams.messagePosted(notice);
    });
    tx.afterCommit(change.alsoPublish);
    tx.afterCommit(() =>
      this.streams.botEvent(
        notice.request,
        taken ? BotEventType.CONTROL_TAKEN : BotEventType.CONTROL_RELEASED,
      ),
    );
  }

  /**
   * The webhook event of a takeover or a release, in its transaction: CONTROL_TAKEN or
   * CONTROL_RELEASED (a transfer records CONTROL_TRANSFERRED in `transferControl`).
   */
  private async recordControlChange(
    tx: Transaction,
    request: LockedRequest,
    change: ControlSwitch,
  ): Promise<void> {
    const { liveConversation } = change;
    const taken = change.mode === ControlMode.HUMAN;
    await this.outbox.record(tx, {
      botId: request.botId,
      type: taken ? WebhookEventType.CONTROL_TAKEN : WebhookEventType.CONTROL_RELEASED,
      data: { requestId: request.id, liveConversation: liveConversationData(liveConversation) },
      occurredAt: taken
        ? liveConversation.startedAt
        : (liveConversation.endedAt ?? this.clock.now()),
    });
  }

  /**
   * Within `withRequestLocked`: control passes from one person to another without the bot ever
   * having it. The request stays HUMAN with the new live conversation in control, and the
   * AGENT_LEFT then AGENT_JOINED notices are appended (their deadline of automatic release starts
   * again). After commit the conversation hears CONTROL_TRANSFERRED then both notices, and the
   * caller's `alsoPublish` runs; the bot engine hears nothing: it never had control back.
   */
  async transferControl(
    tx: Transaction,
    request: LockedRequest,
    transfer: ControlTransfer,
  ): Promise<void> {
    const { manager } = tx;
    await manager.update(
      UserRequestEntity,
      { id: request.id },
      { activeLiveConversationId: transfer.liveConversation.id },
    );
    await this.outbox.record(tx, {
      botId: request.botId,
      type: WebhookEventType.CONTROL_TRANSFERRED,
      data: {
        requestId: request.id,
        liveConversation: liveConversationData(transfer.liveConversation),
        previousLiveConversationId: transfer.previousLiveConversationId,
      },
      occurredAt: transfer.liveConversation.startedAt,
    });
    const endUser = await manager.findOneBy(EndUserEntity, { id: request.endUserId });
    const language = languageOf(endUser?.locale ?? DEFAULT_LOCALE) as Language;
    const notices: AppendedMessage[] = [];
    for (const [notice, about] of [
      [SystemNotice.AGENT_LEFT, transfer.left],
      [SystemNotice.AGENT_JOINED, transfer.joined],
    ] as const) {
      notices.push(
        await this.messageLog.appendIn(tx, {
          requestId: request.id,
          author: MessageAuthor.SYSTEM,
          notice,
          text: about.text(language),
          agentId: about.agentId,
          operator: about.operator,
        }),
      );
    }
    const last = notices[notices.length - 1];
    tx.afterCommit(async () => {
      await this.streams.conversationEvent(request.id, {
        type: ConversationEventType.CONTROL_TRANSFERRED,
        liveConversationPayload: transfer.liveConversation,
        banner: bannerFor(last.request.controlMode, last.endUserLocale),
        at: transfer.liveConversation.startedAt,
      });
      for (const notice of notices) {
        await this.streams.messagePosted(notice);
      }
    });
    tx.afterCommit(transfer.alsoPublish);
  }

  /** Locks the request's row until the end of `manager`'s transaction. */
  private async lockForUpdate(
    manager: EntityManager,
    requestId: string,
  ): Promise<UserRequestEntity> {
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
    paging: PageArgs,
  ): Promise<RequestPage> {
    const window = pageWindow(paging, 50, 200);
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
    return newestFirstPage(query, 'r', 'last_activity_at', (row) => row.lastActivityAt, window);
  }

  private async post(input: NewMessage): Promise<MessageEntity> {
    const appended = await this.messageLog.append(input, (posted) =>
      this.streams.messagePosted(posted),
    );
    return appended.message;
  }
}
