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

registerEnumType(LiveConversationStatus, {
  name: 'LiveConversationStatus',
  description: 'Whether a person still has control.',
  valuesMap: {
    ACTIVE: { description: 'The agent has control now.' },
    ENDED: { description: 'Control went back to the bot, or the request was closed.' },
  },
});
registerEnumType(LiveConversationScope, {
  name: 'LiveConversationScope',
  description: 'Whose live conversations to list.',
  valuesMap: {
    MINE: { description: "The caller's own." },
    ALL: { description: "Every agent's." },
  },
});
registerEnumType(LiveConversationChangeType, {
  name: 'LiveConversationChangeType',
  description: 'How a live conversation changed.',
  valuesMap: {
    STARTED: { description: 'An agent took control.' },
    ENDED: { description: 'Control went back to the bot.' },
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
@ObjectType('LiveConversation', {
  description:
    'A takeover: one agent in control of one user request, from takeControl until control goes back to the bot.',
})
export class LiveConversationModel implements LiveConversationPayload {
  @Field(() => ID, { description: 'Stable id of the live conversation.' })
  id: string;

  requestId: string;
  botId: string;
  agentId: string;

  @Field(() => OperatorIdentityModel, {
    description: 'How the end user sees the agent, frozen when control was taken.',
  })
  operator: OperatorIdentityModel;

  @Field(() => LiveConversationStatus, { description: 'ACTIVE while the agent has control.' })
  status: LiveConversationStatus;

  @Field(() => GraphQLISODateTime, { description: 'When control was taken.' })
  startedAt: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When control went back to the bot; null while ACTIVE.',
  })
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

@ObjectType('LiveConversationEdge', {
  description: 'A live conversation in a page of live conversations.',
})
export class LiveConversationEdge {
  @Field({ description: 'Opaque position of this live conversation, for after or before.' })
  cursor: string;

  @Field(() => LiveConversationModel, { description: 'The live conversation.' })
  node: LiveConversationModel;
}

@ObjectType('LiveConversationConnection', {
  description: 'A page of live conversations (Relay connection), newest first.',
})
export class LiveConversationConnection {
  @Field(() => [LiveConversationEdge], {
    description: 'The live conversations of this page, in order.',
  })
  edges: LiveConversationEdge[];

  @Field(() => PageInfo, { description: 'Cursors and whether more pages exist either way.' })
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'How many live conversations match in all, across every page.' })
  totalCount: number;
}

@ObjectType('LiveConversationChange', {
  description:
    'A live conversation of a bot that started or ended, as liveConversationsChanged delivers it.',
})
export class LiveConversationChangeModel {
  @Field(() => LiveConversationChangeType, { description: 'Whether it started or ended.' })
  type: LiveConversationChangeType;

  @Field(() => LiveConversationModel, { description: 'The live conversation after the change.' })
  liveConversation: LiveConversationModel;
}
