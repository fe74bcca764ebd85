import { Field, ObjectType } from '@nestjs/graphql';
import { AccountModel } from '../../accounts/models/account.model';
import { BotRole } from '../../common/auth/bot-role';

@ObjectType('BotMember', { description: 'An account and its role on one bot.' })
export class BotMemberModel {
  @Field(() => AccountModel, { description: 'The member.' })
  account: AccountModel;

  @Field(() => BotRole, { description: 'What the member may do on this bot.' })
  role: BotRole;
}
