import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { BotEntity } from '../bots/bot.entity';
import { WebhookEventType } from './webhook-event-type';

/**
 * The outbox: one committed change, written in the transaction that made it, only when at least
 * one enabled webhook of the bot subscribed to its type. Its deliveries fan it out per webhook.
 */
@Entity('webhook_events')
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

  @ManyToOne(() => BotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bot_id', foreignKeyConstraintName: 'webhook_events_bot_id_fkey' })
  bot?: BotEntity;
}
