import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { Language } from '../../common/i18n/language';
import { OperatorIdentityModel } from './operator-identity.model';

@ObjectType('OperatorProfile', {
  description: 'How one member appears to end users when taking over a conversation of one bot.',
})
export class OperatorProfileModel {
  @Field(() => ID, { description: 'The bot.' })
  botId: string;

  @Field(() => String, {
    nullable: true,
    description: 'The display name as saved; null when not set.',
  })
  displayName: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Absolute URL of the avatar as saved; null when no avatar was uploaded.',
  })
  avatarUrl: string | null;

  @Field(() => OperatorIdentityModel, {
    description: 'What a new takeover shows: displayName or account name; avatar or placeholder.',
  })
  effective: OperatorIdentityModel;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the profile last changed; null while never set.',
  })
  updatedAt: Date | null;
}

@ObjectType('OperatorPreview', {
  description:
    'What visitors would see of an operator in one language; see previewOperatorProfile.',
})
export class OperatorPreviewModel {
  @Field(() => Language, { description: 'The language of the texts.' })
  language: Language;

  @Field(() => OperatorIdentityModel, {
    description: 'The name and image beside the operator messages.',
  })
  header: OperatorIdentityModel;

  @Field({ description: 'The notice posted when the operator takes control.' })
  joinedNotice: string;

  @Field({ description: 'The notice posted when the operator hands control back.' })
  leftNotice: string;

  @Field({ description: 'The banner shown while a person has control.' })
  banner: string;
}
