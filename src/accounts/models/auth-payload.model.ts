import { Field, GraphQLISODateTime, ObjectType } from '@nestjs/graphql';
import { AccountModel } from './account.model';

@ObjectType('AuthPayload')
export class AuthPayloadModel {
  @Field({ description: 'Send as `Authorization: Bearer <accessToken>`.' })
  accessToken: string;

  @Field(() => GraphQLISODateTime, { description: 'When the access token stops being accepted.' })
  expiresAt: Date;

  @Field(() => AccountModel)
  account: AccountModel;
}
