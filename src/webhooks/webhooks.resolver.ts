import {
  Args,
  Context,
  ID,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { BotModel, assertMemberView } from '../bots/models/bot.model';
import { Access, administratorsOf, target } from '../common/auth/access';
import { BotRole } from '../common/auth/bot-role';
import { AppError } from '../common/errors/app-error';
import { GraphQLContext } from '../common/graphql/graphql-context';
import { loaderFor } from '../common/graphql/loaders';
import { PageInfo } from '../common/pagination/cursor';
import { WebhookInput } from './dto/webhook.input';
import {
  WebhookDeliveryConnection,
  WebhookDeliveryModel,
  WebhookModel,
  WebhookWithSecretModel,
} from './models/webhook.model';
import { WebhookDeliveryStatus } from './webhook-event-type';
import { WebhookEntity } from './webhook.entity';
import { WebhooksService } from './webhooks.service';

const theWebhook = target('webhook', 'id');

function withSecret(created: { webhook: WebhookEntity; secret: string }): WebhookWithSecretModel {
  return Object.assign(new WebhookWithSecretModel(), {
    webhook: WebhookModel.from(created.webhook),
    secret: created.secret,
  });
}

@Resolver(() => WebhookModel)
export class WebhooksResolver {
  constructor(private readonly webhooks: WebhooksService) {}

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => WebhookWithSecretModel, {
    description:
      'ADMINISTRATOR of the bot. Registers a webhook; its signing secret is in the answer and never shown again. BAD_USER_INPUT (input.url, input.events) saves nothing; NOT_FOUND for a bot the caller is no member of; FORBIDDEN for a SUPPORT_AGENT.',
  })
  async createWebhook(
    @Args('botId', { type: () => ID, description: 'The bot whose events are delivered.' })
    botId: string,
    @Args('input', { description: 'The URL and event types.' }) input: WebhookInput,
  ): Promise<WebhookWithSecretModel> {
    return withSecret(await this.webhooks.create(botId, input));
  }

  @Access(administratorsOf(theWebhook))
  @Mutation(() => WebhookModel, {
    description:
      'ADMINISTRATOR of its bot. Replaces the URL and event types; enabled, when given, turns delivery on or off. Same validation as createWebhook. NOT_FOUND, FORBIDDEN as for createWebhook.',
  })
  async updateWebhook(
    @Args('id', { type: () => ID, description: 'The webhook.' }) id: string,
    @Args('input', { description: 'The new URL and event types.' }) input: WebhookInput,
  ): Promise<WebhookModel> {
    return WebhookModel.from(await this.webhooks.update(id, input));
  }

  @Access(administratorsOf(theWebhook))
  @Mutation(() => ID, {
    description:
      'ADMINISTRATOR of its bot. Deletes the webhook and its delivery log: nothing more is sent to it, queued deliveries included. Answers its id.',
  })
  async deleteWebhook(
    @Args('id', { type: () => ID, description: 'The webhook.' }) id: string,
  ): Promise<string> {
    return this.webhooks.delete(id);
  }

  @Access(administratorsOf(theWebhook))
  @Mutation(() => WebhookWithSecretModel, {
    description:
      'ADMINISTRATOR of its bot. A new signing secret, shown only in the answer; the old one stops signing at once (every attempt that starts from now on, retries included, uses the new one).',
  })
  async rotateWebhookSecret(
    @Args('id', { type: () => ID, description: 'The webhook.' }) id: string,
  ): Promise<WebhookWithSecretModel> {
    return withSecret(await this.webhooks.rotateSecret(id));
  }

  @Access(administratorsOf(target('webhookDelivery', 'id')))
  @Mutation(() => WebhookDeliveryModel, {
    description:
      "ADMINISTRATOR of its webhook's bot. Queues the delivery again, due now, whatever its status, with the same event (same event id) and a fresh retry schedule; its attempt count goes on.",
  })
  async redeliverWebhookDelivery(
    @Args('id', { type: () => ID, description: 'The delivery.' }) id: string,
  ): Promise<WebhookDeliveryModel> {
    return WebhookDeliveryModel.from(await this.webhooks.redeliver(id));
  }

  @Access(administratorsOf(target('webhook', 'webhookId')))
  @Query(() => WebhookDeliveryConnection, {
    description:
      "ADMINISTRATOR of its bot. A webhook's delivery log, newest first. SUCCEEDED deliveries are kept 30 days.",
  })
  async webhookDeliveries(
    @Args('webhookId', { type: () => ID, description: 'The webhook.' }) webhookId: string,
    @Args('status', {
      type: () => WebhookDeliveryStatus,
      nullable: true,
      description: 'Only deliveries with this status; all when omitted.',
    })
    status: WebhookDeliveryStatus | null,
    @Args('first', {
      type: () => Int,
      nullable: true,
      defaultValue: 50,
      description: 'Page size, 1 to 200 (BAD_USER_INPUT on first otherwise).',
    })
    first: number | null,
    @Args('after', {
      type: () => String,
      nullable: true,
      description: 'The endCursor of the previous page.',
    })
    after: string | null,
  ): Promise<WebhookDeliveryConnection> {
    const page = await this.webhooks.deliveriesOf(webhookId, status, first, after);
    return {
      edges: page.edges.map((edge) => ({
        cursor: edge.cursor,
        node: WebhookDeliveryModel.from(edge.node),
      })),
      pageInfo: PageInfo.of(page),
      totalCount: page.totalCount,
    };
  }
}

/** Bot.webhooks, batched over every bot of the answer. */
@Resolver(() => BotModel)
export class BotWebhooksResolver {
  constructor(private readonly webhooks: WebhooksService) {}

  @ResolveField('webhooks', () => [WebhookModel], {
    description:
      "ADMINISTRATOR only (FORBIDDEN for other members): the bot's webhooks, oldest first.",
  })
  async webhooksOfBot(
    @Parent() bot: BotModel,
    @Context() ctx: GraphQLContext,
  ): Promise<WebhookModel[]> {
    if (assertMemberView(bot) !== BotRole.ADMINISTRATOR) {
      throw AppError.forbidden('Only ADMINISTRATORs of the bot may read its webhooks');
    }
    const loader = loaderFor(ctx, 'Bot.webhooks', (ids: readonly string[]) =>
      this.webhooks.listForEach(ids),
    );
    return (await loader.load(bot.id)).map((webhook) => WebhookModel.from(webhook));
  }
}
