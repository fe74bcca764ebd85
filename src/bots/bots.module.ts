import { Module, OnModuleInit } from '@nestjs/common';
import { BotTargetRegistry } from '../common/auth/bot-target.registry';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { BotAccessDirectory } from '../common/auth/bot-access.directory';
import { BotEntity } from './bot.entity';
import { BotMemberEntity } from './bot-member.entity';
import { BotMemberResolver, BotsResolver } from './bots.resolver';
import { BotsService } from './bots.service';
import { BotStoriesResolver, StoriesResolver } from './stories.resolver';
import { StoriesService } from './stories.service';
import { StoryEntity } from './story.entity';

@Module({
  imports: [TypeOrmModule.forFeature([BotEntity, BotMemberEntity, StoryEntity]), AccountsModule],
  providers: [
    BotsService,
    BotsResolver,
    BotMemberResolver,
    StoriesService,
    StoriesResolver,
    BotStoriesResolver,
    // The access layer's view of bots is this same service, under the port it depends on.
    { provide: BotAccessDirectory, useExisting: BotsService },
  ],
  exports: [BotsService, StoriesService, BotAccessDirectory],
})
export class BotsModule implements OnModuleInit {
  constructor(
    private readonly stories: StoriesService,
    private readonly targets: BotTargetRegistry,
  ) {}

  onModuleInit(): void {
    this.targets.register('story', async (id) => {
      const botId = await this.stories.botIdOfStory(id);
      return botId ? { botId } : null;
    });
  }
}
