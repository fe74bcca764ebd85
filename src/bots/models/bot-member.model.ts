import { Field, ObjectType } from '@nestjs/graphql';
import { AccountModel } from '../../accounts/models/account.model';
import { BotRole } from '../../common/auth/bot-role';

@ObjectType('BotMember')
export class BotMemberModel {
  @Field(() => AccountModel)
  account: AccountModel;

  @Field(() => BotRole)
  role: BotRole;
}
