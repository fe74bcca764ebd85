import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AvatarsController } from './avatars.controller';
import { OperatorProfilesService } from './operator-profiles.service';

@Module({
  imports: [AccountsModule],
  controllers: [AvatarsController],
  providers: [OperatorProfilesService],
  exports: [OperatorProfilesService],
})
export class OperatorProfilesModule {}
