import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { AccountEntity } from '../accounts/account.entity';
import { BotEntity } from '../bots/bot.entity';
import { UserRequestEntity } from '../requests/user-request.entity';

export enum LiveConversationStatus {
  ACTIVE = 'ACTIVE',
  ENDED = 'ENDED',
}

/** Why a live conversation ended; null while it is ACTIVE. */
export enum LiveConversationEndReason {
  RELEASED = 'RELEASED',
  TRANSFERRED = 'TRANSFERRED',
  AUTO_RELEASED = 'AUTO_RELEASED',
  REQUEST_CLOSED = 'REQUEST_CLOSED',
  MEMBER_REMOVED = 'MEMBER_REMOVED',
}

/**
 * A person's control of a request, from takeover to release. At most one is ACTIVE per request:
 * the partial unique index makes the database the judge of simultaneous takeovers. The operator
 * identity is a snapshot taken at takeover, kept as it was for the transcript.
 */
@Entity('live_conversations')
@Index('live_conversations_one_active_per_request_key', ['requestId'], {
  unique: true,
  where: `"status" = 'ACTIVE'`,
})
@Index('live_conversations_bot_id_status_started_idx', ['botId', 'status', 'startedAt'])
@Index('live_conversations_agent_id_status_idx', ['agentId', 'status'])
@Index('live_conversations_request_id_started_idx', ['requestId', 'startedAt'])
@Check('live_conversations_end_reason_check', `("status" = 'ACTIVE') = ("end_reason" IS NULL)`)
export class LiveConversationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'live_conversations_pkey' })
  id: string;

  @Column({ type: 'uuid' })
  requestId: string;

  /** The request's bot, kept here for the lists and the access guard. */
  @Column({ type: 'uuid' })
  botId: string;

  @Column({ type: 'uuid' })
  agentId: string;

  @Column({ type: 'text' })
  operatorDisplayName: string;

  /** Whether the operator had set a display name: notices then name them, else say "Human". */
  @Column({ type: 'boolean' })
  operatorNamed: boolean;

  @Column({ type: 'text' })
  operatorAvatarPath: string;

  @Column({
    type: 'enum',
    enum: LiveConversationStatus,
    enumName: 'live_conversation_status',
    default: LiveConversationStatus.ACTIVE,
  })
  status: LiveConversationStatus;

  @Column({ type: 'timestamptz' })
  startedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({
    type: 'enum',
    enum: LiveConversationEndReason,
    enumName: 'live_conversation_end_reason',
    nullable: true,
  })
  endReason: LiveConversationEndReason | null;

  /** The member who ended it; null when automatic, or when the end user closed the request. */
  @Column({ type: 'uuid', nullable: true })
  endedById: string | null;

  /** TRANSFERRED: the live conversation it was handed to. */
  @Column({ type: 'uuid', nullable: true })
  transferredToId: string | null;

  @ManyToOne(() => UserRequestEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'request_id',
    foreignKeyConstraintName: 'live_conversations_request_id_fkey',
  })
  request?: UserRequestEntity;

  @ManyToOne(() => BotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bot_id', foreignKeyConstraintName: 'live_conversations_bot_id_fkey' })
  bot?: BotEntity;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'live_conversations_agent_id_fkey' })
  agent?: AccountEntity;

  @ManyToOne(() => AccountEntity, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'ended_by_id',
    foreignKeyConstraintName: 'live_conversations_ended_by_id_fkey',
  })
  endedBy?: AccountEntity | null;

  @ManyToOne(() => LiveConversationEntity, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'transferred_to_id',
    foreignKeyConstraintName: 'live_conversations_transferred_to_id_fkey',
  })
  transferredTo?: LiveConversationEntity | null;
}
