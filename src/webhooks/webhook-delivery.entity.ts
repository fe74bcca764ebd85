import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookEventEntity } from './webhook-event.entity';
import { WebhookDeliveryStatus, WebhookEventType } from './webhook-event-type';
import { WebhookEntity } from './webhook.entity';

/**
 * One event for one webhook, with its attempts. A PENDING delivery is due when `nextAttemptAt`
 * has passed; claiming it moves `nextAttemptAt` to the end of a lease, so no other instance
 * takes it while it is attempted, and a dead instance's claim expires by itself. The first
 * attempt of an event's deliveries is made before the row exists: the row is written with its
 * outcome (the event's deadline is that attempt's lease).
 */
@Entity('webhook_deliveries')
@Index('webhook_deliveries_due_idx', ['webhookId', 'nextAttemptAt'], {
  where: `"status" = 'PENDING'`,
})
@Index('webhook_deliveries_webhook_id_created_idx', ['webhookId', 'createdAt', 'id'])
/** One delivery per event and webhook: a row written twice (a late writer) is written once. */
@Index('webhook_deliveries_event_webhook_key', ['eventId', 'webhookId'], { unique: true })
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'webhook_deliveries_pkey' })
  id: string;

  @Column({ type: 'uuid' })
  webhookId: string;

  @Column({ type: 'uuid' })
  eventId: string;

  /** The event's type, copied for the log's filters without a join. */
  @Column({ type: 'enum', enum: WebhookEventType, enumName: 'webhook_event_type' })
  eventType: WebhookEventType;

  @Column({
    type: 'enum',
    enum: WebhookDeliveryStatus,
    enumName: 'webhook_delivery_status',
    default: WebhookDeliveryStatus.PENDING,
  })
  status: WebhookDeliveryStatus;

  /** Attempts started so far, redeliveries included; also the claim's token. */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** `attempts` when the retry schedule last started (0, or when it was redelivered). */
  @Column({ type: 'integer', default: 0 })
  scheduleStart: number;

  @Column({ type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  /** PENDING: when it is next due (or when the current attempt's lease ends); else null. */
  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @ManyToOne(() => WebhookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'webhook_id',
    foreignKeyConstraintName: 'webhook_deliveries_webhook_id_fkey',
  })
  webhook?: WebhookEntity;

  /**
   * Not a foreign key: deliveries are written from their event's row, and an event is pruned only
   * once it has none left (see the migration WriteWebhookDeliveriesWithFirstAttempts).
   */
  @ManyToOne(() => WebhookEventEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'event_id' })
  event?: WebhookEventEntity;
}
