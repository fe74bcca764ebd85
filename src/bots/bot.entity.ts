import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { StoryEntity } from './story.entity';

@Entity('bots')
@Unique('bots_widget_key_key', ['widgetKey'])
@Unique('bots_engine_key_hash_key', ['engineKeyHash'])
@Check('bots_auto_release_minutes_check', `"auto_release_minutes" BETWEEN 1 AND 1440`)
export class BotEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'bots_pkey' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** Canonical IANA name of the support team's calendar zone. */
  @Column({ type: 'text' })
  timeZone: string;

  /** Public: a chat widget presents it to open end-user sessions. */
  @Column({ type: 'text' })
  widgetKey: string;

  /** SHA-256 (hex) of the current bot engine key; the key itself is shown once and never stored. */
  @Column({ type: 'text', nullable: true })
  engineKeyHash: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  engineKeyRotatedAt: Date | null;

  /** Origins (scheme://host[:port]) whose pages may use the widget key; empty: any. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  allowedOrigins: string[];

  /** The story played when a request opens; none: opening a request posts nothing. */
  @Column({ type: 'uuid', nullable: true })
  entryStoryId: string | null;

  /**
   * Minutes without a message from the agent in control or the end user after which a live
   * conversation goes back to the bot; null: never.
   */
  @Column({ type: 'integer', nullable: true })
  autoReleaseMinutes: number | null;

  @ManyToOne(() => StoryEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'entry_story_id', foreignKeyConstraintName: 'bots_entry_story_id_fkey' })
  entryStory?: StoryEntity | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
