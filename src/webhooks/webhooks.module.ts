import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BotTargetRegistry } from '../common/auth/bot-target.registry';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEventEntity } from './webhook-event.entity';
import { WebhookOutbox } from './webhook-outbox';
import { WebhookEntity } from './webhook.entity';
import { BotWebhooksResolver, WebhooksResolver } from './webhooks.resolver';
import { WebhooksService } from './webhooks.service';

/**
 * Signed webhooks (OPERATIONS.md, "Webhooks"): management and the delivery log for a bot's
 * ADMINISTRATORs, the outbox other modules record their changes in, and the dispatcher that
 * delivers them from every instance.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEntity, WebhookEventEntity, WebhookDeliveryEntity])],
  providers: [
    WebhooksService,
    WebhookDispatcher,
    WebhookOutbox,
    WebhooksResolver,
    BotWebhooksResolver,
  ],
  exports: [WebhookOutbox],
})
export class WebhooksModule implements OnModuleInit {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly targets: BotTargetRegistry,
  ) {}

  onModuleInit(): void {
    this.targets.register('webhook', (id) => this.webhooks.locate(id));
    this.targets.register('webhookDelivery', (id) => this.webhooks.locateDelivery(id));
  }
}
