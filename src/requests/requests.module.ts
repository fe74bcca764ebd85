import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { PresenceService } from '../presence/presence.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AvailabilityModule } from '../availability/availability.module';
import { BotsModule } from '../bots/bots.module';
import { BotsService } from '../bots/bots.service';
import { BotTargetRegistry } from '../common/auth/bot-target.registry';
import { ConversationStreams } from './conversation-streams';
import { EndUserEntity } from './end-user.entity';
import { EndUsersService } from './end-users.service';
import { MessageLogService } from './message-log.service';
import { MessageEntity } from './message.entity';
import { EndUsersResolver, RequestsResolver } from './requests.resolver';
import { RequestsService } from './requests.service';
import { UserRequestEntity } from './user-request.entity';
import { WebhooksModule } from '../webhooks/webhooks.module';

@Module({
  imports: [
    TypeOrmModule.forFeature([EndUserEntity, UserRequestEntity, MessageEntity]),
    BotsModule,
    AvailabilityModule,
    WebhooksModule,
  ],
  providers: [
    RequestsService,
    EndUsersService,
    MessageLogService,
    ConversationStreams,
    RequestsResolver,
    EndUsersResolver,
  ],
  exports: [RequestsService, MessageLogService, ConversationStreams],
})
export class RequestsModule implements OnModuleInit {
  private readonly logger = new Logger('Presence');

  constructor(
    private readonly requests: RequestsService,
    private readonly endUsers: EndUsersService,
    private readonly streams: ConversationStreams,
    private readonly targets: BotTargetRegistry,
    private readonly presence: PresenceService,
    private readonly bots: BotsService,
  ) {}

  onModuleInit(): void {
    this.targets.register('request', (id) => this.requests.locate(id));
    // A bot's new automatic release delay applies at once to its conversations under control.
    this.bots.onAutoReleaseChanged((manager, botId, minutes) =>
      this.requests.rescheduleAutoRelease(manager, botId, minutes),
    );
    // Each change is reported by one instance only (the store decides which), published to all.
    this.presence.onChange(({ endUserId, online }) => this.presenceChanged(endUserId, online));
  }

  private async presenceChanged(endUserId: string, online: boolean): Promise<void> {
    try {
      const endUser = await this.endUsers.presenceChanged(endUserId);
      if (!endUser) {
        return;
      }
      for (const request of await this.requests.openRequestsOf(endUserId)) {
        await this.streams.presenceChanged(request, endUser.locale, online);
      }
    } catch (error) {
      this.logger.error(
        `Cannot record the presence of end user ${endUserId}`,
        (error as Error).stack,
      );
    }
  }
}
