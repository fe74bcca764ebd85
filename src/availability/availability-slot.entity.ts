import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { BotEntity } from '../bots/bot.entity';
import { Weekday } from './weekly-schedule';

/** One repeating slot of a bot's weekly template, in wall-clock minutes of the bot's zone. */
@Entity('availability_slots')
@Index('availability_slots_bot_id_weekday_start_idx', ['botId', 'weekday', 'startMinute'])
@Check(
  'availability_slots_minutes_check',
  '"start_minute" >= 0 AND "start_minute" < "end_minute" AND "end_minute" <= 1440',
)
export class AvailabilitySlotEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'availability_slots_pkey' })
  id: string;

  @Column({ type: 'uuid' })
  botId: string;

  @Column({ type: 'enum', enum: Weekday, enumName: 'weekday' })
  weekday: Weekday;

  /** Minutes since local midnight, 0..1439. */
  @Column({ type: 'smallint' })
  startMinute: number;

  /** Minutes since local midnight, 1..1440 (1440 = "24:00"). */
  @Column({ type: 'smallint' })
  endMinute: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => BotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bot_id', foreignKeyConstraintName: 'availability_slots_bot_id_fkey' })
  bot?: BotEntity;
}
