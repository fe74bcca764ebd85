import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SupportTeamState } from '../../common/support-team-state';
import { PageInfo } from '../../common/pagination/cursor';
import { ControlMode, RequestStatus } from '../request-enums';
import { UserRequestEntity } from '../user-request.entity';
import { MessageModel } from './message.model';

/** Fields of UserRequest; `bot`, `endUser`, `banner` and `messages` are resolved. */
@ObjectType('UserRequest', {
  description:
    'One conversation of an end user with a bot, which the support team may take over. Read by members of the bot and by its own end user.',
})
export class UserRequestModel {
  @Field(() => ID, { description: 'Stable id of the request.' })
  id: string;

  botId: string;
  endUserId: string;

  @Field(() => RequestStatus, { description: 'OPEN until its end user or a member closes it.' })
  status: RequestStatus;

  @Field(() => ControlMode, { description: 'Who answers the end user now: the bot or a person.' })
  controlMode: ControlMode;

  @Field({
    description: 'True once a REQUEST_HUMAN story step asked for a person to take over.',
  })
  awaitingHuman: boolean;

  @Field(() => SupportTeamState, {
    description: 'Whether the support team was available when the request was opened.',
  })
  supportStatusAtCreation: SupportTeamState;

  @Field(() => GraphQLISODateTime, { description: 'When the request was opened.' })
  createdAt: Date;

  @Field(() => GraphQLISODateTime, {
    description: 'When it last had a message or a change of control; requests are listed by it.',
  })
  lastActivityAt: Date;

  /** The seq of the last message, for clients resuming `conversationEvents(afterSeq)`. */
  @Field(() => Int, {
    description:
      'The seq of the last message; 0 when there is none. Pass it as afterSeq to conversationEvents to resume.',
  })
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

@ObjectType('UserRequestEdge', { description: 'A user request in a page of requests.' })
export class UserRequestEdge {
  @Field({ description: 'Opaque position of this request, for after or before.' })
  cursor: string;

  @Field(() => UserRequestModel, { description: 'The user request.' })
  node: UserRequestModel;
}

@ObjectType('UserRequestConnection', {
  description: 'A page of user requests (Relay connection), newest activity first.',
})
export class UserRequestConnection {
  @Field(() => [UserRequestEdge], { description: 'The requests of this page, in order.' })
  edges: UserRequestEdge[];

  @Field(() => PageInfo, { description: 'Cursors and whether more pages exist either way.' })
  pageInfo: PageInfo;

  @Field(() => Int, {
    description: 'How many requests match the filter in all, across every page.',
  })
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
  description: 'What happened in a conversation.',
  valuesMap: {
    MESSAGE_POSTED: { description: 'A message was posted (message), system notices included.' },
    CONTROL_TAKEN: { description: 'A person took control: the bot is paused (liveConversation).' },
    CONTROL_RELEASED: {
      description: 'The person handed control back to the bot (liveConversation).',
    },
    END_USER_PRESENCE_CHANGED: {
      description: 'The end user came online or went offline (endUserOnline).',
    },
    CONTROL_TRANSFERRED: {
      description:
        'Another agent has control: `liveConversation` is the new one. The bot stays paused throughout, and the AGENT_LEFT and AGENT_JOINED notices follow as MESSAGE_POSTED.',
    },
  },
});
registerEnumType(UserRequestChangeType, {
  name: 'UserRequestChangeType',
  description: 'How a user request changed.',
  valuesMap: {
    OPENED: { description: 'An end user opened it.' },
    UPDATED: { description: 'New message, control or presence change.' },
    CLOSED: { description: 'Its end user or a member closed it.' },
  },
});
registerEnumType(BotEventType, {
  name: 'BotEventType',
  description: 'What the bot engine is told about.',
  valuesMap: {
    REQUEST_OPENED: { description: 'An end user opened a request (after the entry story).' },
    USER_MESSAGE: { description: 'The end user wrote; sent only while the bot has control.' },
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
  /** Why it ended (null while active), for the webhooks. */
  endReason?: string | null;
}

/** Built once per event at publication: resolving it for many subscribers costs no query. */
@ObjectType('ConversationEvent', {
  description: 'Something that happened in one user request, as conversationEvents delivers it.',
})
export class ConversationEventModel {
  @Field(() => ConversationEventType, {
    description: 'What happened; it says which of the optional fields is set.',
  })
  type: ConversationEventType;

  @Field(() => ID, { description: 'The user request.' })
  requestId: string;

  @Field(() => MessageModel, {
    nullable: true,
    description: 'MESSAGE_POSTED: the message (system notices included); else null.',
  })
  message: MessageModel | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'END_USER_PRESENCE_CHANGED: whether the end user is now online; else null.',
  })
  endUserOnline: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: "The end user's banner after this event; null while the bot has control.",
  })
  banner: string | null;

  @Field(() => GraphQLISODateTime, { description: 'When it happened.' })
  at: Date;

  /** CONTROL_TAKEN, CONTROL_RELEASED: the live conversation; CONTROL_TRANSFERRED: the new one. */
  liveConversationPayload?: LiveConversationPayload;
}

@ObjectType('UserRequestChange', {
  description: "A change to one of a bot's user requests, as requestsChanged delivers it.",
})
export class UserRequestChangeModel {
  @Field(() => UserRequestChangeType, { description: 'How it changed.' })
  type: UserRequestChangeType;

  @Field(() => UserRequestModel, { description: 'The request after the change.' })
  request: UserRequestModel;
}

@ObjectType('BotEvent', { description: 'What the bot engine of a bot is told, by botEvents.' })
export class BotEventModel {
  @Field(() => BotEventType, { description: 'What happened.' })
  type: BotEventType;

  @Field(() => UserRequestModel, { description: 'The user request it happened in.' })
  request: UserRequestModel;

  @Field(() => MessageModel, {
    nullable: true,
    description: "USER_MESSAGE: the end user's message; else null.",
  })
  message: MessageModel | null;
}
