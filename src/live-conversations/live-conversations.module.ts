import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { BotsModule } from '../bots/bots.module';
import { BotTargetRegistry } from '../common/auth/bot-target.registry';
import { OperatorProfilesModule } from '../operator-profiles/operator-profiles.module';
import { RequestsModule } from '../requests/requests.module';
import { RequestsService } from '../requests/requests.service';
import { LiveConversationEntity } from './live-conversation.entity';
import {
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
  ],
  exports: [LiveConversationsService],
})
export class LiveConversationsModule implements OnModuleInit {
  constructor(
    private readonly liveConversations: LiveConversationsService,
    private readonly requests: RequestsService,
    private readonly targets: BotTargetRegistry,
  ) {}

  onModuleInit(): void {
    this.targets.register('liveConversation', async (id) => {
      const botId = await this.liveConversations.botIdOf(id);
      return botId ? { botId } : null;
    });
    // Closing a request ends its live conversation in the same transaction.
    this.requests.onClosing((tx, request) => this.liveConversations.endOnClose(tx, request));
  }
}
