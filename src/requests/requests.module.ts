import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AvailabilityModule } from '../availability/availability.module';
import { BotsModule } from '../bots/bots.module';
import { BotTargetRegistry } from '../common/auth/bot-target.registry';
import { ConnectionHooks } from '../common/graphql/connection-hooks';
import { ConversationStreams } from './conversation-streams';
import { EndUserEntity } from './end-user.entity';
import { EndUsersService } from './end-users.service';
import { MessageLogService } from './message-log.service';
import { MessageEntity } from './message.entity';
import { InProcessPresenceStore, PresenceStore } from './presence';
import { EndUsersResolver, RequestsResolver } from './requests.resolver';
import { RequestsService } from './requests.service';
import { UserRequestEntity } from './user-request.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([EndUserEntity, UserRequestEntity, MessageEntity]),
    BotsModule,
    AvailabilityModule,
  ],
  providers: [
    RequestsService,
    EndUsersService,
    MessageLogService,
    ConversationStreams,
    RequestsResolver,
    EndUsersResolver,
    { provide: PresenceStore, useClass: InProcessPresenceStore },
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
    private readonly hooks: ConnectionHooks,
  ) {}

  onModuleInit(): void {
    this.targets.register('request', (id) => this.requests.locate(id));
    // An end user is online while one of its graphql-ws connections is open.
    this.hooks.onOpen(async (principal) => {
      if (principal.kind === 'endUser') {
        await this.presenceChanged(principal.endUserId, true, () =>
          this.endUsers.connectionOpened(principal.endUserId, principal.botId),
        );
      }
    });
    this.hooks.onClose(async (principal) => {
      if (principal.kind === 'endUser') {
        await this.presenceChanged(principal.endUserId, false, () =>
          this.endUsers.connectionClosed(principal.endUserId),
        );
      }
    });
  }

  private async presenceChanged(
    endUserId: string,
    online: boolean,
    record: () => ReturnType<EndUsersService['connectionOpened']>,
  ): Promise<void> {
    try {
      const endUser = await record();
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
