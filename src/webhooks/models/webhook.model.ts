import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { PageInfo } from '../../common/pagination/cursor';
import { WebhookDeliveryEntity } from '../webhook-delivery.entity';
import { WebhookDeliveryStatus, WebhookEventType } from '../webhook-event-type';
import { WebhookEntity } from '../webhook.entity';

@ObjectType('Webhook', {
  description:
    "An integrator's HTTP endpoint, told about the bot's events of the chosen types by signed POSTs (see the delivery log, webhookDeliveries). ADMINISTRATORs of the bot only.",
})
export class WebhookModel {
  @Field(() => ID, { description: 'The webhook, for updateWebhook, deleteWebhook and its log.' })
  id: string;

  @Field(() => ID, { description: 'The bot whose events are delivered.' })
  botId: string;

  @Field({ description: 'Where every delivery is POSTed.' })
  url: string;

  @Field(() => [WebhookEventType], { description: 'The event types delivered.' })
  events: WebhookEventType[];

  @Field({
    description:
      'False: no event is recorded for it, and retries queued before wait until it is enabled again.',
  })
  enabled: boolean;

  @Field(() => GraphQLISODateTime, { description: 'When it was registered.' })
  createdAt: Date;

  static from(entity: WebhookEntity): WebhookModel {
    return Object.assign(new WebhookModel(), {
      id: entity.id,
      botId: entity.botId,
      url: entity.url,
      events: entity.events,
      enabled: entity.enabled,
      createdAt: entity.createdAt,
    });
  }
}

@ObjectType('WebhookWithSecret', {
  description:
    'A webhook with its signing secret: returned only by createWebhook and rotateWebhookSecret.',
})
export class WebhookWithSecretModel {
  @Field(() => WebhookModel, { description: 'The webhook created or re-keyed.' })
  webhook: WebhookModel;

  @Field({
    description:
      'Signs every delivery (the switchboard-signature header). Shown only here: keep it; rotate it if it is lost.',
  })
  secret: string;
}

@ObjectType('WebhookDelivery', {
  description: 'One event for one webhook, with the outcome of its attempts.',
})
export class WebhookDeliveryModel {
  @Field(() => ID, { description: 'The delivery, for redeliverWebhookDelivery.' })
  id: string;

  @Field(() => ID, { description: 'The webhook it is sent to.' })
  webhookId: string;

  @Field(() => ID, {
    description:
      'The event, the same in every attempt and redelivery (switchboard-event-id): receivers deduplicate on it.',
  })
  eventId: string;

  @Field(() => WebhookEventType, { description: 'The kind of change the event reports.' })
  eventType: WebhookEventType;

  @Field(() => WebhookDeliveryStatus, { description: 'Where the delivery stands.' })
  status: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts made so far, redeliveries included.' })
  attempts: number;

  @Field(() => Int, {
    nullable: true,
    description: 'HTTP status of the last attempt; null when it got no response (or none yet).',
  })
  lastStatusCode: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the last attempt failed (a status, a timeout, a refused target); null after a success.',
  })
  lastError: string | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description:
      'PENDING: when it is next attempted (while an attempt runs, when that attempt is given up). Null once SUCCEEDED or FAILED.',
  })
  nextAttemptAt: Date | null;

  @Field(() => GraphQLISODateTime, { description: 'When the event was queued for this webhook.' })
  createdAt: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When a receiver answered 2xx; null until then.',
  })
  deliveredAt: Date | null;

  static from(entity: WebhookDeliveryEntity): WebhookDeliveryModel {
    return Object.assign(new WebhookDeliveryModel(), {
      id: entity.id,
      webhookId: entity.webhookId,
      eventId: entity.eventId,
      eventType: entity.eventType,
      status: entity.status,
      attempts: entity.attempts,
      lastStatusCode: entity.lastStatusCode,
      lastError: entity.lastError,
      nextAttemptAt: entity.nextAttemptAt,
      createdAt: entity.createdAt,
      deliveredAt: entity.deliveredAt,
    });
  }
}

@ObjectType('WebhookDeliveryEdge', { description: 'A delivery with its place in the log.' })
export class WebhookDeliveryEdge {
  @Field({ description: 'Pass as `after` to read the deliveries after this one.' })
  cursor: string;

  @Field(() => WebhookDeliveryModel, { description: 'The delivery.' })
  node: WebhookDeliveryModel;
}

@ObjectType('WebhookDeliveryConnection', {
  description: "A page of a webhook's deliveries, newest first.",
})
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDeliveryEdge], { description: 'The deliveries of this page, newest first.' })
  edges: WebhookDeliveryEdge[];

  @Field(() => PageInfo, { description: 'Whether more deliveries follow, and where to resume.' })
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Deliveries matching the filter, over every page.' })
  totalCount: number;
}
