import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { BotRole } from '../../common/auth/bot-role';
import { AppError } from '../../common/errors/app-error';
import { BotEntity } from '../bot.entity';

registerEnumType(BotRole, {
  name: 'BotRole',
  description:
    'What a member may do on one bot. Roles are per bot: one account may hold different roles on different bots.',
  valuesMap: {
    ADMINISTRATOR: {
      description:
        'Everything a SUPPORT_AGENT may do, and settings: the bot, its members, engine key, availability and stories. A bot keeps at least one.',
    },
    SUPPORT_AGENT: {
      description:
        'Reads the bot, its requests and live conversations, takes and releases control, and sets its own operator profile.',
    },
  },
});

@ObjectType('Bot', {
  description:
    'A chatbot whose conversations the support team can take over. Its members (see myRole) read it; an end user or the bot engine only reaches its support status.',
})
export class BotModel {
  @Field(() => ID, { description: 'Stable id of the bot.' })
  id: string;

  @Field({ description: 'Name shown to the support team, 1 to 100 characters.' })
  name: string;

  @Field({ description: 'IANA zone of the support team\'s weekly calendar, e.g. "Europe/Paris".' })
  timeZone: string;

  @Field({ description: 'Public key a chat widget uses to open end-user sessions.' })
  widgetKey: string;

  @Field(() => [String], {
    description:
      'Web origins whose pages may use this bot\'s widget key, e.g. "https://shop.example". Empty: any. Checked on startEndUserSession and on end-user graphql-ws connections that send an Origin header.',
  })
  allowedOrigins: string[];

  @Field(() => Int, {
    nullable: true,
    description:
      'Control returns to the bot after this many minutes without a message from the agent in control or the end user, counted from the takeover (or transfer) or the last such message; null: never. Set with updateBot (ADMINISTRATOR).',
  })
  autoReleaseMinutes: number | null;

  /** The caller's role; null when the caller is no member (an end user, the bot engine). */
  myRole: BotRole | null;

  @Field(() => GraphQLISODateTime, { description: 'When the bot was created.' })
  createdAt: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the current bot engine key was issued; null while the bot has none.',
  })
  botEngineKeyRotatedAt: Date | null;

  /** Internal: resolves `entryStory`. */
  entryStoryId: string | null;

  static from(entity: BotEntity, myRole: BotRole | null): BotModel {
    return Object.assign(new BotModel(), {
      id: entity.id,
      name: entity.name,
      timeZone: entity.timeZone,
      widgetKey: entity.widgetKey,
      allowedOrigins: entity.allowedOrigins,
      autoReleaseMinutes: entity.autoReleaseMinutes ?? null,
      myRole,
      createdAt: entity.createdAt,
      botEngineKeyRotatedAt: entity.engineKeyRotatedAt,
      entryStoryId: entity.entryStoryId,
    });
  }
}

/** Fields of Bot only its members may read (an end user may read a request's bot name). */
export function assertMemberView(bot: BotModel): BotRole {
  if (!bot.myRole) {
    throw AppError.forbidden('Only members of the bot may read this');
  }
  return bot.myRole;
}
