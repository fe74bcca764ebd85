import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfo } from '../../common/pagination/cursor';
import { OperatorIdentityModel } from '../../operator-profiles/models/operator-identity.model';
import { LiveConversationPayload } from '../../requests/models/user-request.model';
import {
  LiveConversationEndReason,
  LiveConversationEntity,
  LiveConversationStatus,
} from '../live-conversation.entity';

export enum LiveConversationScope {
  MINE = 'MINE',
  ALL = 'ALL',
}

export enum LiveConversationChangeType {
  STARTED = 'STARTED',
  ENDED = 'ENDED',
  TRANSFERRED = 'TRANSFERRED',
}

registerEnumType(LiveConversationStatus, { name: 'LiveConversationStatus' });
registerEnumType(LiveConversationScope, {
  name: 'LiveConversationScope',
  valuesMap: { ALL: { description: "Every agent's." } },
});
registerEnumType(LiveConversationChangeType, {
  name: 'LiveConversationChangeType',
  valuesMap: {
    TRANSFERRED: {
      description:
        'The live conversation ended by a transfer to another member; a STARTED for the new one follows.',
    },
  },
});
registerEnumType(LiveConversationEndReason, {
  name: 'LiveConversationEndReason',
  description: 'Why a live conversation ended.',
  valuesMap: {
    RELEASED: { description: 'releaseControl, by the agent in control or an ADMINISTRATOR.' },
    TRANSFERRED: { description: 'transferControl handed the conversation to another member.' },
    AUTO_RELEASED: {
      description:
        "Nobody wrote (neither the agent in control nor the end user) for the bot's autoReleaseMinutes: control went back to the bot.",
    },
    REQUEST_CLOSED: { description: 'The request was closed (closeRequest) while under control.' },
    MEMBER_REMOVED: {
      description: 'The agent in control was removed from the bot; control went back to the bot.',
    },
  },
});

/** `request` and `agent` are resolved from the ids. */
@ObjectType('LiveConversation')
export class LiveConversationModel implements LiveConversationPayload {
  @Field(() => ID)
  id: string;

  requestId: string;
  botId: string;
  agentId: string;

  @Field(() => OperatorIdentityModel)
  operator: OperatorIdentityModel;

  @Field(() => LiveConversationStatus)
  status: LiveConversationStatus;

  @Field(() => GraphQLISODateTime)
  startedAt: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  endedAt: Date | null;

  @Field(() => LiveConversationEndReason, {
    nullable: true,
    description: 'Why it ended; null while ACTIVE.',
  })
  endReason: LiveConversationEndReason | null;

  /** Resolves `endedBy`. */
  endedById: string | null;

  /** Resolves `transferredTo`. */
  transferredToId: string | null;

  static from(entity: LiveConversationEntity, publicUrl: string): LiveConversationModel {
    return Object.assign(new LiveConversationModel(), {
      id: entity.id,
      requestId: entity.requestId,
      botId: entity.botId,
      agentId: entity.agentId,
      operator: OperatorIdentityModel.of(
        entity.operatorDisplayName,
        entity.operatorAvatarPath,
        publicUrl,
      ),
      status: entity.status,
      startedAt: entity.startedAt,
      endedAt: entity.endedAt,
      endReason: entity.endReason ?? null,
      endedById: entity.endedById ?? null,
      transferredToId: entity.transferredToId ?? null,
    });
  }
}

@ObjectType('LiveConversationEdge')
export class LiveConversationEdge {
  @Field()
  cursor: string;

  @Field(() => LiveConversationModel)
  node: LiveConversationModel;
}

@ObjectType('LiveConversationConnection')
export class LiveConversationConnection {
  @Field(() => [LiveConversationEdge])
  edges: LiveConversationEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int)
  totalCount: number;
}

@ObjectType('LiveConversationChange')
export class LiveConversationChangeModel {
  @Field(() => LiveConversationChangeType)
  type: LiveConversationChangeType;

  @Field(() => LiveConversationModel)
  liveConversation: LiveConversationModel;
}
