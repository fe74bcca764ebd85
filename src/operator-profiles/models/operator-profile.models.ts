import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { Language } from '../../common/i18n/language';
import { OperatorIdentityModel } from './operator-identity.model';

@ObjectType('OperatorProfile')
export class OperatorProfileModel {
  @Field(() => ID)
  botId: string;

  @Field(() => String, { nullable: true, description: 'As saved; null when not set.' })
  displayName: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'As saved; null when no avatar was uploaded.',
  })
  avatarUrl: string | null;

  @Field(() => OperatorIdentityModel, {
    description: 'What a new takeover shows: displayName or account name; avatar or placeholder.',
  })
  effective: OperatorIdentityModel;

  @Field(() => GraphQLISODateTime, { nullable: true })
  updatedAt: Date | null;
}

@ObjectType('OperatorPreview')
export class OperatorPreviewModel {
  @Field(() => Language)
  language: Language;

  @Field(() => OperatorIdentityModel)
  header: OperatorIdentityModel;

  @Field()
  joinedNotice: string;

  @Field()
  leftNotice: string;

  @Field()
  banner: string;
}
