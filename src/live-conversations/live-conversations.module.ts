import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { BotsModule } from '../bots/bots.module';
import { BotTargetRegistry } from '../common/auth/bot-target.registry';
import { OperatorProfilesModule } from '../operator-profiles/operator-profiles.module';
import { RequestsModule } from '../requests/requests.module';
import { RequestsService } from '../requests/requests.service';
import { LiveConversationEntity } from './live-conversation.entity';
import { BotsService } from '../bots/bots.service';
import { AutoReleaseSweeper } from './auto-release.sweeper';
import {
  ControlChangeResolver,
  ConversationEventLiveConversationResolver,
  LiveConversationsResolver,
  RequestLiveConversationResolver,
} from './live-conversations.resolver';
import { LiveConversationsService } from './live-conversations.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([LiveConversationEntity]),
    AccountsModule,
    BotsModule,
    RequestsModule,
    OperatorProfilesModule,
  ],
  providers: [
    LiveConversationsService,
    LiveConversationsResolver,
    RequestLiveConversationResolver,
    ConversationEventLiveConversationResolver,
    ControlChangeResolver,
    AutoReleaseSweeper,
  ],
  exports: [LiveConversationsService],
})
export class LiveConversationsModule implements OnModuleInit {
  constructor(
    private readonly liveConversations: LiveConversationsService,
    private readonly requests: RequestsService,
    private readonly targets: BotTargetRegistry,
    private readonly bots: BotsService,
  ) {}

  onModuleInit(): void {
    this.targets.register('liveConversation', async (id) => {
      const botId = await this.liveConversations.botIdOf(id);
      return botId ? { botId } : null;
    });
    // Closing a request ends its live conversation in the same transaction.
    this.requests.onClosing((tx, request, closedBy) =>
      this.liveConversations.endOnClose(tx, request, closedBy),
    );
    // Removing the agent in control of a conversation gives it back to the bot, in the same
    // transaction.
    this.bots.onMemberRemoving((tx, botId, accountId, removedBy) =>
      this.liveConversations.endOnMemberRemoved(tx, botId, accountId, removedBy),
    );
  }
}
