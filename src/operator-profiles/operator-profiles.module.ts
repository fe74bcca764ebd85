import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { AvatarEntity } from './avatar.entity';
import { AvatarsController } from './avatars.controller';
import { OperatorProfileEntity } from './operator-profile.entity';
import { OperatorProfilesResolver } from './operator-profiles.resolver';
import { OperatorProfilesService } from './operator-profiles.service';

@Module({
  imports: [TypeOrmModule.forFeature([OperatorProfileEntity, AvatarEntity]), AccountsModule],
  controllers: [AvatarsController],
  providers: [OperatorProfilesService, OperatorProfilesResolver],
  exports: [OperatorProfilesService],
})
export class OperatorProfilesModule {}
