import { Field, GraphQLISODateTime, ObjectType } from '@nestjs/graphql';
import { AccountModel } from './account.model';

@ObjectType('AuthPayload', {
  description: 'What `register` and `login` answer: an account token and the account it is for.',
})
export class AuthPayloadModel {
  @Field({ description: 'Send as `Authorization: Bearer <accessToken>`.' })
  accessToken: string;

  @Field(() => GraphQLISODateTime, { description: 'When the access token stops being accepted.' })
  expiresAt: Date;

  @Field(() => AccountModel, { description: 'The account the token signs in.' })
  account: AccountModel;
}
