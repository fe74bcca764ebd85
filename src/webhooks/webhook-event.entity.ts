import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { BotEntity } from '../bots/bot.entity';
import { WebhookEventType } from './webhook-event-type';

/**
 * The outbox: one committed change, written in the transaction that made it, only when at least
 * one enabled webhook of the bot subscribed to its type. Its deliveries fan it out per webhook,
 * written just after the commit (see `fanOutUntil`).
 */
@Entity('webhook_events')
@Index('webhook_events_fan_out_idx', ['fanOutUntil'], { where: `"fan_out_until" IS NOT NULL` })
export class WebhookEventEntity {
  /** The id receivers deduplicate on: the same in every attempt and every redelivery. */
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'webhook_events_pkey' })
  id: string;

  @Column({ type: 'uuid' })
  botId: string;

  @Column({ type: 'enum', enum: WebhookEventType, enumName: 'webhook_event_type' })
  type: WebhookEventType;

  /** The body's `data`, per type (OPERATIONS.md, "Webhooks"). */
  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  /** The webhooks subscribed when the change committed: its fan-out writes their deliveries. */
  @Column({ type: 'uuid', array: true, nullable: true })
  webhookIds: string[] | null;

  /**
   * Set while the event's deliveries are not written yet: the instance that committed it writes
   * them right after the commit and clears this. Past this time (that instance died first), any
   * instance writes them instead.
   */
  @Column({ type: 'timestamptz', nullable: true })
  fanOutUntil: Date | null;

  @ManyToOne(() => BotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bot_id', foreignKeyConstraintName: 'webhook_events_bot_id_fkey' })
  bot?: BotEntity;
}
