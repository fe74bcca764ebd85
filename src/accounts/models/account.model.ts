import { Field, ID, ObjectType } from '@nestjs/graphql';
import { AccountEntity } from '../account.entity';

@ObjectType('Account')
export class AccountModel {
  @Field(() => ID)
  id: string;

  @Field()
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
