import { Metrics } from '../observability/metrics';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock/clock';
import { AppConfig } from '../config/app-config';
import { PubSubPort } from '../common/pubsub/pubsub';
import { sequencedStream } from '../common/pubsub/sequenced-stream';
import { Topics } from '../common/pubsub/topics';
import { Language, languageOf } from '../common/i18n/language';
import { AppendedMessage, MessageLogService } from './message-log.service';
import { MessageModel } from './models/message.model';
import {
  BotEventModel,
  BotEventType,
  ConversationEventModel,
  ConversationEventType,
  UserRequestChangeModel,
  UserRequestChangeType,
  UserRequestModel,
} from './models/user-request.model';
import { bannerText } from '../common/i18n/notices';
import { ControlMode, MessageAuthor } from './request-enums';
import { UserRequestEntity } from './user-request.entity';

/** The end user's banner: shown while a person has control, in the end user's language. */
export function bannerFor(controlMode: ControlMode, locale: string): string | null {
  return controlMode === ControlMode.HUMAN ? bannerText(languageOf(locale) as Language) : null;
}

/**
 * Everything published about requests, always after the change is committed: the
 * conversation stream of a request, the requests list of a bot, and the bot engine's events.
 * Payloads are complete models built once, so delivering them to many subscribers costs no query.
 */
@Injectable()
export class ConversationStreams {
  constructor(
    private readonly pubsub: PubSubPort,
    private readonly messages: MessageLogService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** A new message: on its conversation, as an update of its request, and to the bot engine. */
  async messagePosted({ message, request, endUserLocale }: AppendedMessage): Promise<void> {
    this.metrics.messagePosted(message.author);
    const model = MessageModel.from(message, this.config.publicUrl);
    await this.conversationEvent(request.id, {
      type: ConversationEventType.MESSAGE_POSTED,
      message: model,
      banner: bannerFor(request.controlMode, endUserLocale),
      at: message.createdAt,
    });
    await this.requestChanged(request, UserRequestChangeType.UPDATED);
    // The bot engine hears end users only while the bot has control.
    if (message.author === MessageAuthor.END_USER && request.controlMode === ControlMode.BOT) {
      await this.botEvent(request, BotEventType.USER_MESSAGE, model);
    }
  }

  async presenceChanged(
    request: UserRequestEntity,
    locale: string,
    online: boolean,
  ): Promise<void> {
    await this.conversationEvent(request.id, {
      type: ConversationEventType.END_USER_PRESENCE_CHANGED,
      endUserOnline: online,
      banner: bannerFor(request.controlMode, locale),
      at: this.clock.now(),
    });
    await this.requestChanged(request, UserRequestChangeType.UPDATED);
  }

  async conversationEvent(
    requestId: string,
    event: Omit<ConversationEventModel, 'requestId' | 'message' | 'endUserOnline'> &
      Partial<
        Pick<ConversationEventModel, 'message' | 'endUserOnline' | 'liveConversationPayload'>
      >,
  ): Promise<void> {
    const payload = Object.assign(new ConversationEventModel(), {
      requestId,
      message: null,
      endUserOnline: null,
      ...event,
    });
    await this.pubsub.publish(Topics.conversation(requestId), payload);
  }

  async requestChanged(request: UserRequestEntity, type: UserRequestChangeType): Promise<void> {
    const change = Object.assign(new UserRequestChangeModel(), {
      type,
      request: UserRequestModel.from(request),
    });
    await this.pubsub.publish(Topics.requests(request.botId), change);
  }

  async botEvent(
    request: UserRequestEntity,
    type: BotEventType,
    message: MessageModel | null = null,
  ): Promise<void> {
    const event = Object.assign(new BotEventModel(), {
      type,
      request: UserRequestModel.from(request),
      message,
    });
    await this.pubsub.publish(Topics.botEvents(request.botId), event);
  }

  /**
   * A request's events, with no gap and no duplicate whatever happens to the pub/sub. With
   * `afterSeq`, every MESSAGE_POSTED with a greater seq is replayed from the log first; without
   * it the stream starts after the request's last message now. Messages that a live event shows
   * missing, or that a pub/sub outage may have swallowed, are read from the log. `current` reads
   * the request's control mode, end-user locale and last seq (banners of messages read from the
   * log, and the starting point).
   */
  conversation(
    requestId: string,
    afterSeq: number | null,
    current: () => Promise<{ controlMode: ControlMode; endUserLocale: string; lastSeq: number }>,
  ): AsyncIterableIterator<ConversationEventModel> {
    const live = this.pubsub.subscribeWithResync<ConversationEventModel>(
      Topics.conversation(requestId),
    );
    const readAfter = async (seq: number): Promise<ConversationEventModel[]> => {
      const [{ controlMode, endUserLocale }, missed] = await Promise.all([
        current(),
        this.messages.after(requestId, seq),
      ]);
      const banner = bannerFor(controlMode, endUserLocale);
      return missed.map((message) =>
        Object.assign(new ConversationEventModel(), {
          type: ConversationEventType.MESSAGE_POSTED,
          requestId,
          message: MessageModel.from(message, this.config.publicUrl),
          endUserOnline: null,
          banner,
          at: message.createdAt,
        }),
      );
    };
    return sequencedStream({
      live,
      afterSeq,
      currentSeq: async () => (await current()).lastSeq,
      readAfter,
      sequenceOf: (event) =>
        event.type === ConversationEventType.MESSAGE_POSTED && event.message
          ? event.message.seq
          : null,
    });
  }

  requests(botId: string): AsyncIterableIterator<UserRequestChangeModel> {
    return this.pubsub.subscribe(Topics.requests(botId));
  }

  botEvents(botId: string): AsyncIterableIterator<BotEventModel> {
    return this.pubsub.subscribe(Topics.botEvents(botId));
  }
}
