import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SupportTeamState } from '../common/support-team-state';
import { BotEntity } from '../bots/bot.entity';
import { EndUserEntity } from './end-user.entity';
import { ControlMode, RequestStatus } from './request-enums';

/** A conversation an end user opened with a bot; its messages are numbered by `lastSeq`. */
@Entity('user_requests')
@Index('user_requests_bot_id_activity_idx', ['botId', 'lastActivityAt', 'id'])
@Index('user_requests_end_user_id_idx', ['endUserId'])
// supportStatus { waitingRequests }: OPEN requests queued for a human that nobody controls.
@Index('user_requests_waiting_idx', ['botId'], {
  where: `"status" = 'OPEN' AND "awaiting_human" AND "active_live_conversation_id" IS NULL`,
})
@Index('user_requests_auto_release_at_idx', ['autoReleaseAt'], {
  where: `"auto_release_at" IS NOT NULL`,
})
export class UserRequestEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'user_requests_pkey' })
  id: string;

  @Column({ type: 'uuid' })
  botId: string;

  @Column({ type: 'uuid' })
  endUserId: string;

  @Column({
    type: 'enum',
    enum: RequestStatus,
    enumName: 'request_status',
    default: RequestStatus.OPEN,
  })
  status: RequestStatus;

  @Column({ type: 'enum', enum: ControlMode, enumName: 'control_mode', default: ControlMode.BOT })
  controlMode: ControlMode;

  /** Queued for an asynchronous human takeover by a REQUEST_HUMAN story step. */
  @Column({ type: 'boolean', default: false })
  awaitingHuman: boolean;

  /** The live conversation in control while `controlMode` is HUMAN; null while the bot has it. */
  @Column({ type: 'uuid', nullable: true })
  activeLiveConversationId: string | null;

  /**
   * While a person has control and the bot has an automatic release delay: when control goes
   * back to the bot unless the agent or the end user writes first (each such message moves it).
   */
  @Column({ type: 'timestamptz', nullable: true })
  autoReleaseAt: Date | null;

  @Column({ type: 'enum', enum: SupportTeamState, enumName: 'support_team_state' })
  supportStatusAtCreation: SupportTeamState;

  /** The seq of the last message; the next message takes lastSeq + 1 in its own transaction. */
  @Column({ type: 'integer', default: 0 })
  lastSeq: number;

  /** Written from the service clock (millisecond precision), so cursors compare exactly. */
  @Column({ type: 'timestamptz' })
  lastActivityAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  /** From the service clock, like every instant the service writes. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @ManyToOne(() => BotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bot_id', foreignKeyConstraintName: 'user_requests_bot_id_fkey' })
  bot?: BotEntity;

  @ManyToOne(() => EndUserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'end_user_id', foreignKeyConstraintName: 'user_requests_end_user_id_fkey' })
  endUser?: EndUserEntity;
}
