import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { EndUserEntity } from '../end-user.entity';
import { Language, languageOf } from '../../common/i18n/language';

@ObjectType('EndUser')
export class EndUserModel {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  externalId: string | null;

  @Field(() => String, { nullable: true })
  displayName: string | null;

  @Field({ description: 'Browser language as given, e.g. "fr-CA".' })
  locale: string;

  @Field(() => Language, { description: 'FR when the browser language is French, else EN.' })
  language: Language;

  /** Resolved live from presence (`online` field). */
  botId: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastSeenAt: Date | null;

  static from(entity: EndUserEntity): EndUserModel {
    return Object.assign(new EndUserModel(), {
      id: entity.id,
      botId: entity.botId,
      externalId: entity.externalId,
      displayName: entity.displayName,
      locale: entity.locale,
      language: languageOf(entity.locale) as Language,
      lastSeenAt: entity.lastSeenAt,
    });
  }
}

@ObjectType('EndUserSession')
export class EndUserSessionModel {
  @Field({
    description: 'Send as `Authorization: Bearer <token>`; over graphql-ws at connection_init.',
  })
  token: string;

  @Field(() => GraphQLISODateTime)
  expiresAt: Date;

  @Field(() => EndUserModel)
  endUser: EndUserModel;
}
