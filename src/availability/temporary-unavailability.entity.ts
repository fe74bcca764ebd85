import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { BotEntity } from '../bots/bot.entity';

/**
 * A declared absence of the whole support team, from `startsAt` to `endsAt`. Ending it early or
 * replacing it sets `endedAt`; it is active while `endedAt` is null and now < `endsAt`. Rows are
 * kept as the history of declared absences.
 */
@Entity('temporary_unavailabilities')
// Only declarations not ended early can be active: the index holds those.
@Index('temporary_unavailabilities_open_idx', ['botId', 'endsAt'], { where: '"ended_at" IS NULL' })
export class TemporaryUnavailabilityEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'temporary_unavailabilities_pkey' })
  id: string;

  @Column({ type: 'uuid' })
  botId: string;

  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'timestamptz' })
  endsAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => BotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'bot_id',
    foreignKeyConstraintName: 'temporary_unavailabilities_bot_id_fkey',
  })
  bot?: BotEntity;
}
