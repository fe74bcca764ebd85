import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Clock } from '../common/clock/clock';
import { AppError } from '../common/errors/app-error';
import { Page, newestFirstPage, pageWindow } from '../common/pagination/keyset';
import { isUuid } from '../common/validation/uuid';
import { AppConfig } from '../config/app-config';
import { WebhookInput } from './dto/webhook.input';
import { newWebhookSecret } from './signature';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookDeliveryStatus } from './webhook-event-type';
import { privateTargetProblem, urlShapeProblem } from './webhook-target';
import { WebhookEntity } from './webhook.entity';

export type WebhookDeliveryPage = Page<WebhookDeliveryEntity>;

/** Webhook management and the delivery log, for a bot's ADMINISTRATORs. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectRepository(WebhookEntity) private readonly webhooks: Repository<WebhookEntity>,
    @InjectRepository(WebhookDeliveryEntity)
    private readonly deliveries: Repository<WebhookDeliveryEntity>,
    private readonly dispatcher: WebhookDispatcher,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** A bot's webhooks, oldest first. */
  listFor(botId: string): Promise<WebhookEntity[]> {
    return this.webhooks.find({ where: { botId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The webhooks of several bots in one query (for `Bot.webhooks` over a list of bots). */
  async listForEach(botIds: readonly string[]): Promise<WebhookEntity[][]> {
    const rows = await this.webhooks.find({
      where: { botId: In([...botIds]) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return botIds.map((botId) => rows.filter((row) => row.botId === botId));
  }

  async create(
    botId: string,
    input: WebhookInput,
  ): Promise<{ webhook: WebhookEntity; secret: string }> {
    const checked = await this.checked(input);
    const secret = newWebhookSecret();
    const webhook = await this.webhooks.save(
      this.webhooks.create({
        botId,
        url: checked.url,
        events: checked.events,
        enabled: input.enabled ?? true,
        secret,
        createdAt: this.clock.now(),
      }),
    );
    return { webhook, secret };
  }

  async update(id: string, input: WebhookInput): Promise<WebhookEntity> {
    const webhook = await this.get(id);
    const checked = await this.checked(input);
    const enabled = input.enabled ?? webhook.enabled;
    await this.webhooks.update(
      { id: webhook.id },
      { url: checked.url, events: checked.events, enabled },
    );
    if (enabled && !webhook.enabled) {
      // Deliveries that waited while it was disabled may be due.
      this.dispatcher.wake();
    }
    return this.get(id);
  }

  /** Deletes the webhook with its delivery log; nothing more is sent to it. */
  async delete(id: string): Promise<string> {
    const webhook = await this.get(id);
    await this.webhooks.delete({ id: webhook.id });
    return webhook.id;
  }

  /** A new secret, effective for every attempt that starts from now on. */
  async rotateSecret(id: string): Promise<{ webhook: WebhookEntity; secret: string }> {
    const webhook = await this.get(id);
    const secret = newWebhookSecret();
    await this.webhooks.update({ id: webhook.id }, { secret });
    return { webhook, secret };
  }

  async get(id: string): Promise<WebhookEntity> {
    const webhook = isUuid(id) ? await this.webhooks.findOneBy({ id }) : null;
    if (!webhook) {
      throw AppError.notFound('Webhook');
    }
    return webhook;
  }

  /** The bot of a webhook, for the access guard. */
  async locate(id: string): Promise<{ botId: string } | null> {
    const webhook = await this.webhooks.findOne({ select: { botId: true }, where: { id } });
    return webhook ? { botId: webhook.botId } : null;
  }

  /** The bot of a delivery's webhook, for the access guard. */
  async locateDelivery(id: string): Promise<{ botId: string } | null> {
    const rows: { bot_id: string }[] = await this.deliveries.query(
      `SELECT w.bot_id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.id = $1`,
      [id],
    );
    return rows[0] ? { botId: rows[0].bot_id } : null;
  }

  /** A webhook's deliveries, newest first; `first` 1..200 (default 50). */
  async deliveriesOf(
    webhookId: string,
    status: WebhookDeliveryStatus | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<WebhookDeliveryPage> {
    const window = pageWindow({ first, after }, 50, 200);
    const query = this.deliveries
      .createQueryBuilder('d')
      .where('d.webhook_id = :webhookId', { webhookId });
    if (status) {
      query.andWhere('d.status = :status', { status });
    }
    return newestFirstPage(query, 'd', 'created_at', (row) => row.createdAt, window);
  }

  /**
   * Sends the delivery's event again now, whatever its status, with a fresh retry schedule. The
   * event (and its id) stays the same, so receivers that saw it already can tell.
   */
  async redeliver(id: string): Promise<WebhookDeliveryEntity> {
    const updated = isUuid(id)
      ? await this.deliveries
          .createQueryBuilder()
          .update(WebhookDeliveryEntity)
          .set({
            status: WebhookDeliveryStatus.PENDING,
            nextAttemptAt: this.clock.now(),
            scheduleStart: () => 'attempts',
          })
          .where('id = :id', { id })
          .execute()
      : null;
    if (!updated?.affected) {
      throw AppError.notFound('Webhook delivery');
    }
    this.dispatcher.wake();
    return this.deliveries.findOneByOrFail({ id });
  }

  /** The input as stored, or BAD_USER_INPUT naming the field at fault. */
  private async checked(
    input: WebhookInput,
  ): Promise<{ url: string; events: WebhookInput['events'] }> {
    const production = this.config.isProduction;
    const shape = urlShapeProblem(input.url, production);
    if (shape) {
      throw AppError.badInput('input.url', shape);
    }
    if (production && !this.config.webhooks.allowPrivateNetworks) {
      const problem = await privateTargetProblem(input.url);
      if (problem) {
        throw AppError.badInput('input.url', `url is refused: ${problem}`);
      }
    }
    return { url: input.url, events: [...new Set(input.events)] };
  }
}
