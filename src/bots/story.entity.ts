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
import { BotEntity } from './bot.entity';

export type StoryStepKind = 'SEND_MESSAGE' | 'JUMP_TO' | 'REQUEST_HUMAN';

/** A step as stored in `steps` (jsonb), already validated. */
export interface StoredStoryStep {
  kind: StoryStepKind;
  text: string | null;
  targetStoryId: string | null;
  conditions: { supportTeam: 'ONLINE' | 'OFFLINE' }[];
}

/** A scripted flow of a bot: its steps are played in order when a request opens. */
@Entity('stories')
@Index('stories_bot_id_idx', ['botId'])
export class StoryEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'stories_pkey' })
  id: string;

  @Column({ type: 'uuid' })
  botId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'jsonb' })
  steps: StoredStoryStep[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => BotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bot_id', foreignKeyConstraintName: 'stories_bot_id_fkey' })
  bot?: BotEntity;
}
