import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AccountEntity } from '../accounts/account.entity';
import { BotEntity } from '../bots/bot.entity';
import { UserRequestEntity } from '../requests/user-request.entity';

export enum LiveConversationStatus {
  ACTIVE = 'ACTIVE',
  ENDED = 'ENDED',
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
}
