import { Field, GraphQLISODateTime, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ControlChangeKind } from '../control-history';
import { LiveConversationModel } from './live-conversation.model';

registerEnumType(ControlChangeKind, {
  name: 'ControlChangeKind',
  description: 'What happened to the control of a request.',
  valuesMap: {
    TAKEN: { description: 'A member took control from the bot (takeControl).' },
    TRANSFERRED: { description: 'The agent in control handed it to another member.' },
    RELEASED: { description: 'Control went back to the bot (releaseControl).' },
    AUTO_RELEASED: {
      description: "Control went back to the bot after the bot's autoReleaseMinutes of silence.",
    },
    REQUEST_CLOSED: { description: 'The request was closed while under control.' },
    MEMBER_REMOVED: {
      description: 'The agent in control was removed from the bot; control went back to the bot.',
    },
  },
});

/** One change of control; `from`, `to` and `by` are resolved from the ids. */
@ObjectType('ControlChange', {
  description:
    "One change of control of a request, derived from its live conversations (each one's start, end, endReason, endedBy and transferredTo).",
})
export class ControlChangeModel {
  @Field(() => GraphQLISODateTime, { description: 'When control changed.' })
  at: Date;

  @Field(() => ControlChangeKind, { description: 'What happened.' })
  kind: ControlChangeKind;

  fromId: string | null;
  toId: string | null;
  byId: string | null;

  @Field(() => LiveConversationModel, {
    description: 'TAKEN, TRANSFERRED: the live conversation that started; else the one that ended.',
  })
  liveConversation: LiveConversationModel;
}
