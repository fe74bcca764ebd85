import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { BotEntity } from '../bots/bot.entity';
import { TimeRange } from './weekly-schedule';

/**
 * The hours of one local date of a bot, replacing its weekday's slots for that whole date: no
 * ranges means closed all day (a holiday). One per bot and date: setting it again replaces it.
 */
@Entity('availability_overrides')
@Index('availability_overrides_bot_id_date_key', ['botId', 'date'], { unique: true })
export class AvailabilityOverrideEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'availability_overrides_pkey' })
  id: string;

  @Column({ type: 'uuid' })
  botId: string;

  /** "yyyy-MM-dd", a date in the bot's time zone (PostgreSQL `date`, read back as that text). */
  @Column({ type: 'date' })
  date: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  label: string | null;

  /** Wall-clock minutes of the date, ascending, none overlapping; empty: closed all day. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  ranges: TimeRange[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => BotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bot_id', foreignKeyConstraintName: 'availability_overrides_bot_id_fkey' })
  bot?: BotEntity;
}
