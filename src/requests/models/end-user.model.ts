import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { EndUserEntity } from '../end-user.entity';
import { Language, languageOf } from '../../common/i18n/language';

@ObjectType('EndUser', {
  description: "A visitor of one bot's website or app, as its chat widget introduced them.",
})
export class EndUserModel {
  @Field(() => ID, { description: 'Stable id of the end user.' })
  id: string;

  @Field(() => String, {
    nullable: true,
    description: "The site's own id of the visitor, if the widget gave one.",
  })
  externalId: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Name the widget gave for the visitor; null when it gave none.',
  })
  displayName: string | null;

  @Field({ description: 'Browser language as given, e.g. "fr-CA".' })
  locale: string;

  @Field(() => Language, { description: 'FR when the browser language is French, else EN.' })
  language: Language;

  /** Resolved live from presence (`online` field). */
  botId: string;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description:
      'When the end user last came online or went offline; null before their first connection.',
  })
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

@ObjectType('EndUserSession', {
  description: 'What startEndUserSession answers: an end-user token and the end user it is for.',
})
export class EndUserSessionModel {
  @Field({
    description: 'Send as `Authorization: Bearer <token>`; over graphql-ws at connection_init.',
  })
  token: string;

  @Field(() => GraphQLISODateTime, {
    description:
      'When the token stops being accepted (AUTH_TOKEN_TTL after issue, 12 hours by default).',
  })
  expiresAt: Date;

  @Field(() => EndUserModel, { description: 'The end user the token stands for.' })
  endUser: EndUserModel;
}
