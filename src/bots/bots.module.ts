import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { BotAccessDirectory } from '../common/auth/bot-access.directory';
import { BotEntity } from './bot.entity';
import { BotMemberEntity } from './bot-member.entity';
import { BotsResolver } from './bots.resolver';
import { BotsService } from './bots.service';

@Module({
  imports: [TypeOrmModule.forFeature([BotEntity, BotMemberEntity]), AccountsModule],
  providers: [
    BotsService,
    BotsResolver,
    // The access layer's view of bots is this same service, under the port it depends on.
    { provide: BotAccessDirectory, useExisting: BotsService },
  ],
  exports: [BotsService, BotAccessDirectory],
})
export class BotsModule {}
