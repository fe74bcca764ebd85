import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SupportTeamState } from '../../common/support-team-state';
import { PageInfo } from '../../common/pagination/cursor';
import { ControlMode, RequestStatus } from '../request-enums';
import { UserRequestEntity } from '../user-request.entity';
import { MessageModel } from './message.model';

/** Fields of UserRequest; `bot`, `endUser`, `banner` and `messages` are resolved. */
@ObjectType('UserRequest')
export class UserRequestModel {
  @Field(() => ID)
  id: string;

  botId: string;
  endUserId: string;

  @Field(() => RequestStatus)
  status: RequestStatus;

  @Field(() => ControlMode)
  controlMode: ControlMode;

  @Field()
  awaitingHuman: boolean;

  @Field(() => SupportTeamState)
  supportStatusAtCreation: SupportTeamState;

  @Field(() => GraphQLISODateTime)
  createdAt: Date;

  @Field(() => GraphQLISODateTime)
  lastActivityAt: Date;

  /** The seq of the last message, for clients resuming `conversationEvents(afterSeq)`. */
  @Field(() => Int, { description: 'The seq of the last message; 0 when there is none.' })
  lastSeq: number;

  static from(entity: UserRequestEntity): UserRequestModel {
    return Object.assign(new UserRequestModel(), {
      id: entity.id,
      botId: entity.botId,
      endUserId: entity.endUserId,
      status: entity.status,
      controlMode: entity.controlMode,
      awaitingHuman: entity.awaitingHuman,
      supportStatusAtCreation: entity.supportStatusAtCreation,
      createdAt: entity.createdAt,
      lastActivityAt: entity.lastActivityAt,
      lastSeq: entity.lastSeq,
    });
  }
}

@ObjectType('UserRequestEdge')
export class UserRequestEdge {
  @Field()
  cursor: string;

  @Field(() => UserRequestModel)
  node: UserRequestModel;
}

@ObjectType('UserRequestConnection')
export class UserRequestConnection {
  @Field(() => [UserRequestEdge])
  edges: UserRequestEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int)
  totalCount: number;
}

export enum ConversationEventType {
  MESSAGE_POSTED = 'MESSAGE_POSTED',
  CONTROL_TAKEN = 'CONTROL_TAKEN',
  CONTROL_RELEASED = 'CONTROL_RELEASED',
  CONTROL_TRANSFERRED = 'CONTROL_TRANSFERRED',
  END_USER_PRESENCE_CHANGED = 'END_USER_PRESENCE_CHANGED',
}

export enum UserRequestChangeType {
  OPENED = 'OPENED',
  UPDATED = 'UPDATED',
  CLOSED = 'CLOSED',
}

export enum BotEventType {
  REQUEST_OPENED = 'REQUEST_OPENED',
  USER_MESSAGE = 'USER_MESSAGE',
  CONTROL_TAKEN = 'CONTROL_TAKEN',
  CONTROL_RELEASED = 'CONTROL_RELEASED',
}

registerEnumType(ConversationEventType, {
  name: 'ConversationEventType',
  valuesMap: {
    CONTROL_TRANSFERRED: {
      description:
        'Another agent has control: `liveConversation` is the new one. The bot stays paused throughout, and the AGENT_LEFT and AGENT_JOINED notices follow as MESSAGE_POSTED.',
    },
  },
});
registerEnumType(UserRequestChangeType, {
  name: 'UserRequestChangeType',
  valuesMap: { UPDATED: { description: 'New message, control or presence change.' } },
});
registerEnumType(BotEventType, {
  name: 'BotEventType',
  valuesMap: {
    USER_MESSAGE: { description: 'Only while the bot has control.' },
    CONTROL_TAKEN: { description: 'The bot is paused.' },
    CONTROL_RELEASED: { description: 'The bot resumes.' },
  },
});

/**
 * What a CONTROL_TAKEN or CONTROL_RELEASED event carries about its live conversation: built by
 * the live-conversations module (its `LiveConversation` model implements this), which resolves
 * the event's `liveConversation` field from it. Declared here by its shape, so that requests
 * does not depend on the module that depends on it.
 */
export interface LiveConversationPayload {
  id: string;
  requestId: string;
  botId: string;
  agentId: string;
  operator: { displayName: string; avatarUrl: string };
  status: string;
  startedAt: Date;
  endedAt: Date | null;
}

/** Built once per event at publication: resolving it for many subscribers costs no query. */
@ObjectType('ConversationEvent')
export class ConversationEventModel {
  @Field(() => ConversationEventType)
  type: ConversationEventType;

  @Field(() => ID)
  requestId: string;

  @Field(() => MessageModel, {
    nullable: true,
    description: 'MESSAGE_POSTED (system notices included).',
  })
  message: MessageModel | null;

  @Field(() => Boolean, { nullable: true, description: 'END_USER_PRESENCE_CHANGED' })
  endUserOnline: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: "The end user's banner after this event; null while the bot has control.",
  })
  banner: string | null;

  @Field(() => GraphQLISODateTime)
  at: Date;

  /** CONTROL_TAKEN, CONTROL_RELEASED: the live conversation; CONTROL_TRANSFERRED: the new one. */
  liveConversationPayload?: LiveConversationPayload;
}

@ObjectType('UserRequestChange')
export class UserRequestChangeModel {
  @Field(() => UserRequestChangeType)
  type: UserRequestChangeType;

  @Field(() => UserRequestModel)
  request: UserRequestModel;
}

@ObjectType('BotEvent')
export class BotEventModel {
  @Field(() => BotEventType)
  type: BotEventType;

  @Field(() => UserRequestModel)
  request: UserRequestModel;

  @Field(() => MessageModel, { nullable: true })
  message: MessageModel | null;
}
