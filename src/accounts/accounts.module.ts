import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEntity } from './account.entity';
import { AccountsResolver } from './accounts.resolver';
import { AccountsService } from './accounts.service';
import { PasswordHasher } from './password-hasher';

@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity])],
  providers: [AccountsService, AccountsResolver, PasswordHasher],
  exports: [AccountsService],
})
export class AccountsModule {}
