import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, MoreThan, Repository } from 'typeorm';
import { SupportTeamState } from '../common/support-team-state';
import { Clock } from '../common/clock/clock';
import { Transactions } from '../common/database/transactions';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { isUniqueViolation } from '../common/errors/database-errors';
import { isUuid } from '../common/validation/uuid';
import { MessageEntity } from './message.entity';
import { ControlMode, MessageAuthor, RequestStatus, SystemNotice } from './request-enums';
import { UserRequestEntity } from './user-request.entity';

export interface NewMessage {
  requestId: string;
  author: MessageAuthor;
  text: string;
  clientMessageId?: string | null;
  notice?: SystemNotice | null;
  /** Refuses with BOT_PAUSED when the request is not in this mode (the bot engine's sends). */
  requireControlMode?: ControlMode;
  /** The agent who writes (AGENT messages). */
  agentId?: string | null;
  /** The operator as the end user sees them (AGENT messages and agent notices). */
  operator?: { displayName: string; avatarPath: string } | null;
  /**
   * Runs once the request row is locked, before the insert: a last check that sees every
   * change committed before this append (e.g. that the sender is still in control).
   */
  whileLocked?: (manager: EntityManager) => Promise<void>;
}

export interface AppendedMessage {
  message: MessageEntity;
  /** The request as it is after the append (its lastSeq and lastActivityAt moved). */
  request: UserRequestEntity;
  /** The end user's locale, for texts rendered in their language (the banner). */
  endUserLocale: string;
  /** False when a retried `clientMessageId` returned the message sent the first time. */
  created: boolean;
}

const CLIENT_MESSAGE_KEY = 'messages_request_id_author_client_message_id_key';

interface LockedRequestRow {
  id: string;
  bot_id: string;
  end_user_id: string;
  status: RequestStatus;
  control_mode: ControlMode;
  awaiting_human: boolean;
  support_status_at_creation: SupportTeamState;
  last_seq: number;
  last_activity_at: Date;
  closed_at: Date | null;
  created_at: Date;
  locale: string;
}

/**
 * The message log of requests: the one place messages are written. Each message takes the
 * request's next `seq` in the inserting transaction: the UPDATE that bumps `last_seq` locks the
 * request row, so concurrent senders queue on it and seqs have no gaps (a failed insert rolls the
 * bump back). A retried `clientMessageId` of the same author returns the first message.
 */
@Injectable()
export class MessageLogService {
  constructor(
    private readonly transactions: Transactions,
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    private readonly clock: Clock,
  ) {}

  /**
   * Optimistic about idempotency: the send goes straight to its transaction, and only when it
   * fails (the clientMessageId's unique key, or a refusal such as a request closed since the
   * first attempt) is the first message with that clientMessageId looked up and returned.
   * `published` runs once a new message committed (not for a retry answered with the first).
   */
  async append(
    input: NewMessage,
    published: (appended: AppendedMessage) => Promise<void>,
  ): Promise<AppendedMessage> {
    try {
      return await this.transactions.run(async ({ manager, afterCommit }) => {
        const appended = await this.appendIn(manager, input);
        afterCommit(() => published(appended));
        return appended;
      });
    } catch (error) {
      const retried = isUniqueViolation(error, CLIENT_MESSAGE_KEY) || error instanceof AppError;
      const first = retried ? await this.findRetry(input) : null;
      if (first) {
        return first;
      }
      throw error;
    }
  }

  /** Appends inside the caller's transaction (e.g. with a takeover's notice). */
  async appendIn(manager: EntityManager, input: NewMessage): Promise<AppendedMessage> {
    const now = this.clock.now();
    const [rows]: [LockedRequestRow[], number] = await manager.query(
      `UPDATE user_requests r
          SET last_seq = r.last_seq + 1, last_activity_at = $2
         FROM end_users e
        WHERE r.id = $1 AND e.id = r.end_user_id
    RETURNING r.*, e.locale`,
      [input.requestId, now],
    );
    const row = rows[0];
    if (!row) {
      throw AppError.notFound('Request');
    }
    if (row.status === RequestStatus.CLOSED) {
      throw new AppError(ErrorCode.REQUEST_CLOSED, 'This request is closed');
    }
    if (input.requireControlMode && row.control_mode !== input.requireControlMode) {
      throw new AppError(
        ErrorCode.BOT_PAUSED,
        'An agent has control of this request: the bot is paused',
      );
    }
    await input.whileLocked?.(manager);
    const message: MessageEntity = {
      id: randomUUID(),
      requestId: input.requestId,
      seq: row.last_seq,
      author: input.author,
      text: input.text,
      notice: input.notice ?? null,
      clientMessageId: input.clientMessageId ?? null,
      agentId: input.agentId ?? null,
      operatorDisplayName: input.operator?.displayName ?? null,
      operatorAvatarPath: input.operator?.avatarPath ?? null,
      createdAt: now,
    };
    await manager.insert(MessageEntity, message);
    return { message, request: toRequest(row), endUserLocale: row.locale, created: true };
  }

  /** Every message of a request with a seq greater than `afterSeq`, ascending (a replay). */
  after(requestId: string, afterSeq: number): Promise<MessageEntity[]> {
    return this.messages.find({
      where: { requestId, seq: MoreThan(afterSeq) },
      order: { seq: 'ASC' },
    });
  }

  /**
   * The messages after `afterSeq` of several requests in one query, at most `limit` each,
   * ascending (for `UserRequest.messages` over a list of requests).
   */
  async afterForEach(
    requestIds: readonly string[],
    afterSeq: number,
    limit: number,
  ): Promise<MessageEntity[][]> {
    const ranked = this.messages
      .createQueryBuilder('m')
      .select('m.id', 'id')
      .addSelect('ROW_NUMBER() OVER (PARTITION BY m.request_id ORDER BY m.seq)', 'rank')
      .where('m.request_id IN (:...requestIds)', { requestIds })
      .andWhere('m.seq > :afterSeq', { afterSeq });
    const rows = await this.messages
      .createQueryBuilder('message')
      .innerJoin(`(${ranked.getQuery()})`, 'ranked', 'ranked.id = message.id')
      .setParameters(ranked.getParameters())
      .where('ranked.rank <= :limit', { limit })
      .orderBy('message.seq', 'ASC')
      .getMany();
    return requestIds.map((id) => rows.filter((row) => row.requestId === id));
  }

  private async findRetry(input: NewMessage): Promise<AppendedMessage | null> {
    if (!input.clientMessageId || !isUuid(input.requestId)) {
      return null;
    }
    const first = await this.messages.findOne({
      where: {
        requestId: input.requestId,
        author: input.author,
        clientMessageId: input.clientMessageId,
      },
      relations: { request: { endUser: true } },
    });
    if (!first) {
      return null;
    }
    if (first.text !== input.text) {
      throw AppError.conflict('This clientMessageId was already used for another text', {
        field: 'clientMessageId',
      });
    }
    const request = first.request as UserRequestEntity;
    const endUserLocale = request.endUser?.locale ?? 'en';
    delete first.request;
    return { message: first, request, endUserLocale, created: false };
  }
}

function toRequest(row: LockedRequestRow): UserRequestEntity {
  return Object.assign(new UserRequestEntity(), {
    id: row.id,
    botId: row.bot_id,
    endUserId: row.end_user_id,
    status: row.status,
    controlMode: row.control_mode,
    awaitingHuman: row.awaiting_human,
    supportStatusAtCreation: row.support_status_at_creation,
    lastSeq: row.last_seq,
    lastActivityAt: row.last_activity_at,
    closedAt: row.closed_at,
    createdAt: row.created_at,
  });
}
