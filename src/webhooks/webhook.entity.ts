import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { BotEntity } from '../bots/bot.entity';
import { WebhookEventType } from './webhook-event-type';

/** An integrator's HTTP endpoint told about a bot's events of the chosen types. */
@Entity('webhooks')
@Index('webhooks_bot_id_idx', ['botId'])
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'webhooks_pkey' })
  id: string;

  @Column({ type: 'uuid' })
  botId: string;

  @Column({ type: 'text' })
  url: string;

  @Column({
    type: 'enum',
    enum: WebhookEventType,
    enumName: 'webhook_event_type',
    array: true,
  })
  events: WebhookEventType[];

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** Signs every delivery; kept in clear because signing needs it, shown to callers once. */
  @Column({ type: 'text' })
  secret: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => BotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bot_id', foreignKeyConstraintName: 'webhooks_bot_id_fkey' })
  bot?: BotEntity;
}
