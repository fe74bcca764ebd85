import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { BotRole } from '../../common/auth/bot-role';
import { BotEntity } from '../bot.entity';

registerEnumType(BotRole, { name: 'BotRole' });

@ObjectType('Bot')
export class BotModel {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field({ description: 'IANA zone of the support team\'s weekly calendar, e.g. "Europe/Paris".' })
  timeZone: string;

  @Field({ description: 'Public key a chat widget uses to open end-user sessions.' })
  widgetKey: string;

  @Field(() => BotRole, { description: "The caller's role on this bot." })
  myRole: BotRole;

  @Field(() => GraphQLISODateTime)
  createdAt: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the current bot engine key was issued; null while the bot has none.',
  })
  botEngineKeyRotatedAt: Date | null;

  static from(entity: BotEntity, myRole: BotRole): BotModel {
    return Object.assign(new BotModel(), {
      id: entity.id,
      name: entity.name,
      timeZone: entity.timeZone,
      widgetKey: entity.widgetKey,
      myRole,
      createdAt: entity.createdAt,
      botEngineKeyRotatedAt: entity.engineKeyRotatedAt,
    });
  }
}
