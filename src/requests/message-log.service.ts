import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { MoreThan, Repository } from 'typeorm';
import { SupportTeamState } from '../common/support-team-state';
import { Clock } from '../common/clock/clock';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { isUniqueViolation } from '../common/errors/database-errors';
import { PreparedStatement } from '../common/database/prepared-statement';
import { Transaction } from '../common/database/transactions';
import { isUuid } from '../common/validation/uuid';
import { WebhookEventType } from '../webhooks/webhook-event-type';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { messageData } from '../webhooks/webhook-payloads';
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
  /** Refuses with NOT_IN_CONTROL unless this live conversation has control (agents' sends). */
  requireLiveConversationId?: string;
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

/**
 * The request's automatic release deadline after a message written at `$2`, as SQL over the
 * request `r` (its control mode as the statement sets it) and its bot `b`: while a person has
 * control and the bot has a delay, the delay counted from this message; else none. Every message
 * while a person has control is the agent's, the end user's, or a notice of a takeover or
 * transfer, each of which starts the count again.
 */
const AUTO_RELEASE_DEADLINE = `CASE WHEN r.control_mode = 'HUMAN' AND b.auto_release_minutes IS NOT NULL
                     THEN $2::timestamptz + make_interval(mins => b.auto_release_minutes) END`;

interface LockedRequestRow {
  id: string;
  bot_id: string;
  end_user_id: string;
  status: RequestStatus;
  control_mode: ControlMode;
  awaiting_human: boolean;
  active_live_conversation_id: string | null;
  auto_release_at: Date | null;
  support_status_at_creation: SupportTeamState;
  last_seq: number;
  last_activity_at: Date;
  closed_at: Date | null;
  created_at: Date;
  locale: string;
  /** The webhook event the send wrote to the outbox, if any (appendAlone only). */
  webhook_event_id?: string | null;
}

/**
 * The message log of requests: the one place messages are written. Each message takes the
 * request's next `seq` in the inserting transaction: the UPDATE that bumps `last_seq` locks the
 * request row, so concurrent senders queue on it and seqs have no gaps (a failed insert rolls the
 * bump back). A retried `clientMessageId` of the same author returns the first message.
 */
@Injectable()
export class MessageLogService {
  private readonly logger = new Logger('MessageLog');
  /** The send of `appendAlone`, a named statement: planned once per connection, not per send. */
  private readonly appendStatement: PreparedStatement<LockedRequestRow>;

  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    private readonly clock: Clock,
    private readonly outbox: WebhookOutbox,
  ) {
    this.appendStatement = new PreparedStatement(
      'switchboard_append_message',
      `WITH bumped AS (
         UPDATE user_requests r
            SET last_seq = r.last_seq + 1, last_activity_at = $2,
                auto_release_at = ${AUTO_RELEASE_DEADLINE}
           FROM end_users e, bots b
          WHERE r.id = $1 AND e.id = r.end_user_id AND b.id = r.bot_id AND r.status = 'OPEN'
            AND ($3::control_mode IS NULL OR r.control_mode = $3::control_mode)
            AND ($4::uuid IS NULL OR r.active_live_conversation_id = $4::uuid)
      RETURNING r.id, r.bot_id, r.end_user_id, r.status, r.control_mode, r.awaiting_human,
                r.active_live_conversation_id, r.auto_release_at, r.support_status_at_creation,
                r.last_seq, r.last_activity_at, r.closed_at, r.created_at, e.locale
       ), inserted AS (
         INSERT INTO messages (id, request_id, seq, author, text, notice, client_message_id,
                               agent_id, operator_display_name, operator_avatar_path, created_at)
         SELECT $5, bumped.id, bumped.last_seq, $6, $7, $8, $9, $10, $11, $12, $2 FROM bumped
      RETURNING seq
       ), ${this.outbox.statementCte(WebhookEventType.MESSAGE_POSTED, {
         from: 'bumped, inserted',
         botId: 'bumped.bot_id',
         data: `jsonb_set($13::jsonb, '{message,seq}', to_jsonb(inserted.seq))`,
         occurredAt: '$2::timestamptz',
       })}
       SELECT bumped.*, ${this.outbox.writtenEvent()} AS webhook_event_id
         FROM bumped, inserted`,
    );
  }

  /**
   * A send on its own, in ONE statement and one round trip: it bumps the request's `last_seq`
   * (locking its row, so concurrent senders queue and seqs have no gaps), checks on that locked
   * row that the request is open and that the sender may write (the bot only while it has
   * control, an agent only while its live conversation has it: PostgreSQL re-reads the row after
   * waiting for its lock, so a change of control committed meanwhile is seen), and inserts the
   * message; a failed insert undoes the bump. When nothing was written, one more read tells why.
   *
   * Optimistic about idempotency: only when the send fails (the clientMessageId's unique key, or
   * a refusal such as a request closed since the first attempt) is the first message with that
   * clientMessageId looked up and returned. `published` runs once a new message is committed
   * (not for a retry answered with the first).
   */
  async append(
    input: NewMessage,
    published: (appended: AppendedMessage) => Promise<void>,
  ): Promise<AppendedMessage> {
    try {
      const appended = await this.appendAlone(input);
      await published(appended).catch((error: unknown) =>
        this.logger.error(`Cannot publish message ${appended.message.id}`, String(error)),
      );
      return appended;
    } catch (error) {
      const retried = isUniqueViolation(error, CLIENT_MESSAGE_KEY) || error instanceof AppError;
      const first = retried ? await this.findRetry(input) : null;
      if (first) {
        return first;
      }
      throw error;
    }
  }

  private async appendAlone(input: NewMessage): Promise<AppendedMessage> {
    if (!isUuid(input.requestId)) {
      throw AppError.notFound('Request');
    }
    const now = this.clock.now();
    const message = newMessage(input, 0, now);
    const rows = await this.appendStatement.run(this.messages.manager.connection, [
      input.requestId,
      now,
      input.requireControlMode ?? null,
      input.requireLiveConversationId ?? null,
      message.id,
      message.author,
      message.text,
      message.notice,
      message.clientMessageId,
      message.agentId,
      message.operatorDisplayName,
      message.operatorAvatarPath,
      JSON.stringify(messageData(message)),
    ]);
    const row = rows[0];
    if (!row) {
      throw await this.refusalOf(input);
    }
    this.outbox.committed(row.webhook_event_id ?? null);
    message.seq = row.last_seq;
    return { message, request: toRequest(row), endUserLocale: row.locale, created: true };
  }

  /** Why a send wrote nothing, read after the fact (the refusals are rare; the path is not hot). */
  private async refusalOf(input: NewMessage): Promise<AppError> {
    const [request]: Pick<
      LockedRequestRow,
      'status' | 'control_mode' | 'active_live_conversation_id'
    >[] = await this.messages.query(
      'SELECT status, control_mode, active_live_conversation_id FROM user_requests WHERE id = $1',
      [input.requestId],
    );
    return (
      refusalFor(request, input) ??
      new AppError(ErrorCode.NOT_IN_CONTROL, 'You are not in control of this conversation')
    );
  }

  /**
   * Appends inside the caller's transaction (e.g. with a takeover's notice), its MESSAGE_POSTED
   * webhook event with it.
   */
  async appendIn(tx: Transaction, input: NewMessage): Promise<AppendedMessage> {
    const { manager } = tx;
    const now = this.clock.now();
    const [rows]: [LockedRequestRow[], number] = await manager.query(
      `UPDATE user_requests r
          SET last_seq = r.last_seq + 1, last_activity_at = $2,
              auto_release_at = ${AUTO_RELEASE_DEADLINE}
         FROM end_users e, bots b
        WHERE r.id = $1 AND e.id = r.end_user_id AND b.id = r.bot_id
    RETURNING r.*, e.locale`,
      [input.requestId, now],
    );
    const row = rows[0];
    const refusal = refusalFor(row, input);
    if (refusal) {
      throw refusal;
    }
    const message = newMessage(input, row.last_seq, now);
    await manager.insert(MessageEntity, message);
    await this.outbox.record(tx, {
      botId: row.bot_id,
      type: WebhookEventType.MESSAGE_POSTED,
      data: messageData(message),
      occurredAt: now,
    });
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

/** The row a new message is written as; `seq` is the request's next one. */
function newMessage(input: NewMessage, seq: number, now: Date): MessageEntity {
  return {
    id: randomUUID(),
    requestId: input.requestId,
    seq,
    author: input.author,
    text: input.text,
    notice: input.notice ?? null,
    clientMessageId: input.clientMessageId ?? null,
    agentId: input.agentId ?? null,
    operatorDisplayName: input.operator?.displayName ?? null,
    operatorAvatarPath: input.operator?.avatarPath ?? null,
    createdAt: now,
  };
}

/** Why a request refuses a message (missing, closed, paused for the bot); null if it does not. */
function refusalFor(
  request: Pick<LockedRequestRow, 'status' | 'control_mode'> | undefined,
  input: NewMessage,
): AppError | null {
  if (!request) {
    return AppError.notFound('Request');
  }
  if (request.status === RequestStatus.CLOSED) {
    return new AppError(ErrorCode.REQUEST_CLOSED, 'This request is closed');
  }
  if (input.requireControlMode && request.control_mode !== input.requireControlMode) {
    return new AppError(
      ErrorCode.BOT_PAUSED,
      'An agent has control of this request: the bot is paused',
    );
  }
  return null;
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
    activeLiveConversationId: row.active_live_conversation_id,
    autoReleaseAt: row.auto_release_at,
    lastSeq: row.last_seq,
    lastActivityAt: row.last_activity_at,
    closedAt: row.closed_at,
    createdAt: row.created_at,
  });
}
