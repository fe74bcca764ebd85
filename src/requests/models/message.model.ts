import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { OperatorIdentityModel } from '../../operator-profiles/models/operator-identity.model';
import { MessageEntity } from '../message.entity';
import { MessageAuthor, SystemNotice } from '../request-enums';

@ObjectType('Message', {
  description: 'One message of a user request, from the end user, the bot, an agent or the system.',
})
export class MessageModel {
  @Field(() => ID, { description: 'Stable id of the message.' })
  id: string;

  @Field(() => ID, { description: 'The user request it belongs to.' })
  requestId: string;

  @Field(() => Int, {
    description: '1, 2, 3, ... per request, no gaps: the one order everybody sees.',
  })
  seq: number;

  @Field(() => MessageAuthor, { description: 'Who wrote it.' })
  author: MessageAuthor;

  @Field({
    description: "The message text; system notices are rendered in the end user's language.",
  })
  text: string;

  @Field(() => SystemNotice, {
    nullable: true,
    description: 'SYSTEM messages: which notice this is; null for every other author.',
  })
  notice: SystemNotice | null;

  @Field(() => String, {
    nullable: true,
    description: "The sender's idempotency key, if it gave one.",
  })
  clientMessageId: string | null;

  @Field(() => GraphQLISODateTime, { description: 'When it was posted.' })
  createdAt: Date;

  @Field(() => OperatorIdentityModel, {
    nullable: true,
    description: 'On AGENT messages and agent notices: the operator as the end user saw them then.',
  })
  operator: OperatorIdentityModel | null;

  /** `publicUrl` is the base of the operator's avatar URL. */
  static from(entity: MessageEntity, publicUrl: string): MessageModel {
    return Object.assign(new MessageModel(), {
      id: entity.id,
      requestId: entity.requestId,
      seq: entity.seq,
      author: entity.author,
      text: entity.text,
      notice: entity.notice,
      clientMessageId: entity.clientMessageId,
      createdAt: entity.createdAt,
      operator:
        entity.operatorDisplayName && entity.operatorAvatarPath
          ? OperatorIdentityModel.of(
              entity.operatorDisplayName,
              entity.operatorAvatarPath,
              publicUrl,
            )
          : null,
    });
  }
}
