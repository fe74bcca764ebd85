import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { BotEntity } from '../bots/bot.entity';

/** One visitor of one bot's chat widget; the same `externalId` is the same visitor again. */
@Entity('end_users')
@Unique('end_users_bot_id_external_id_key', ['botId', 'externalId'])
export class EndUserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'end_users_pkey' })
  id: string;

  @Column({ type: 'uuid' })
  botId: string;

  @Column({ type: 'text', nullable: true })
  externalId: string | null;

  @Column({ type: 'text', nullable: true })
  displayName: string | null;

  /** The browser language tag as chosen at the last session start, e.g. "fr-CA". */
  @Column({ type: 'text' })
  locale: string;

  /** When a connection of this end user last opened or closed. */
  @Column({ type: 'timestamptz', nullable: true })
  lastSeenAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => BotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bot_id', foreignKeyConstraintName: 'end_users_bot_id_fkey' })
  bot?: BotEntity;
}
