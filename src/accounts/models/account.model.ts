import { Field, ID, ObjectType } from '@nestjs/graphql';
import { AccountEntity } from '../account.entity';

@ObjectType('Account', {
  description:
    'A person who signs in: an ADMINISTRATOR or SUPPORT_AGENT of one or more bots, through per-bot memberships.',
})
export class AccountModel {
  @Field(() => ID, { description: 'Stable id of the account.' })
  id: string;

  @Field({ description: 'Email the account signs in with, stored lower-case; unique.' })
  email: string;

  @Field({ description: 'Account name; the operator display name falls back to it.' })
  name: string;

  static from(entity: AccountEntity): AccountModel {
    return Object.assign(new AccountModel(), {
      id: entity.id,
      email: entity.email,
      name: entity.name,
    });
  }
}
