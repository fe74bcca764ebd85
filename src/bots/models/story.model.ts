import { Field, ID, ObjectType } from '@nestjs/graphql';
import { SupportTeamState } from '../../common/support-team-state';
import { StoryStepKindEnum } from '../dto/story.input';
import { StoryEntity } from '../story.entity';

@ObjectType('JumpCondition', {
  description:
    'A condition of a JUMP_TO step: "Support team is online" or "Support team is offline", as supportStatus says when the step runs.',
})
export class JumpConditionModel {
  @Field(() => SupportTeamState, { description: 'The state the support team must be in.' })
  supportTeam: SupportTeamState;
}

@ObjectType('StoryStep', { description: 'One step of a story, played in order.' })
export class StoryStepModel {
  @Field(() => StoryStepKindEnum, { description: 'What the step does.' })
  kind: StoryStepKindEnum;

  @Field(() => String, {
    nullable: true,
    description: 'SEND_MESSAGE: what the bot says; null for the other kinds.',
  })
  text: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'JUMP_TO: the story to go to; null for the other kinds.',
  })
  targetStoryId: string | null;

  @Field(() => [JumpConditionModel], {
    description: 'JUMP_TO: conditions that must all hold for the jump; empty: always jump.',
  })
  conditions: JumpConditionModel[];
}

@ObjectType('Story', {
  description:
    'A scripted bot flow: steps that send messages, jump to other stories and ask for a human.',
})
export class StoryModel {
  @Field(() => ID, { description: 'Stable id of the story.' })
  id: string;

  @Field({ description: 'Name shown to the bot administrators.' })
  name: string;

  @Field(() => [StoryStepModel], { description: 'The steps, in the order they are played.' })
  steps: StoryStepModel[];

  static from(entity: StoryEntity): StoryModel {
    return Object.assign(new StoryModel(), {
      id: entity.id,
      name: entity.name,
      steps: entity.steps.map((step) =>
        Object.assign(new StoryStepModel(), {
          kind: step.kind as StoryStepKindEnum,
          text: step.text,
          targetStoryId: step.targetStoryId,
          conditions: step.conditions.map((c) =>
            Object.assign(new JumpConditionModel(), {
              supportTeam: c.supportTeam as SupportTeamState,
            }),
          ),
        }),
      ),
    });
  }
}
