import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { MessageEntity } from '../message.entity';
import { MessageAuthor, SystemNotice } from '../request-enums';

@ObjectType('Message')
export class MessageModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  requestId: string;

  @Field(() => Int, {
    description: '1, 2, 3, ... per request, no gaps: the one order everybody sees.',
  })
  seq: number;

  @Field(() => MessageAuthor)
  author: MessageAuthor;

  @Field({ description: "System notices are rendered in the end user's language." })
  text: string;

  @Field(() => SystemNotice, { nullable: true })
  notice: SystemNotice | null;

  @Field(() => String, {
    nullable: true,
    description: "The sender's idempotency key, if it gave one.",
  })
  clientMessageId: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt: Date;

  static from(entity: MessageEntity): MessageModel {
    return Object.assign(new MessageModel(), {
      id: entity.id,
      requestId: entity.requestId,
      seq: entity.seq,
      author: entity.author,
      text: entity.text,
      notice: entity.notice,
      clientMessageId: entity.clientMessageId,
      createdAt: entity.createdAt,
    });
  }
}
