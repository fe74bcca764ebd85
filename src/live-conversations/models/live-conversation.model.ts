import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfo } from '../../common/pagination/cursor';
import { OperatorIdentityModel } from '../../operator-profiles/models/operator-identity.model';
import { LiveConversationPayload } from '../../requests/models/user-request.model';
import { LiveConversationEntity, LiveConversationStatus } from '../live-conversation.entity';

export enum LiveConversationScope {
  MINE = 'MINE',
  ALL = 'ALL',
}

export enum LiveConversationChangeType {
  STARTED = 'STARTED',
  ENDED = 'ENDED',
}

registerEnumType(LiveConversationStatus, { name: 'LiveConversationStatus' });
registerEnumType(LiveConversationScope, {
  name: 'LiveConversationScope',
  valuesMap: { ALL: { description: "Every agent's." } },
});
registerEnumType(LiveConversationChangeType, { name: 'LiveConversationChangeType' });

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
