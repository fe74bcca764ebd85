import { Field, ID, ObjectType } from '@nestjs/graphql';
import { SupportTeamState } from '../../common/support-team-state';
import { StoryStepKindEnum } from '../dto/story.input';
import { StoryEntity } from '../story.entity';

@ObjectType('JumpCondition', { description: '"Support team" "is online" / "is offline".' })
export class JumpConditionModel {
  @Field(() => SupportTeamState)
  supportTeam: SupportTeamState;
}

@ObjectType('StoryStep')
export class StoryStepModel {
  @Field(() => StoryStepKindEnum)
  kind: StoryStepKindEnum;

  @Field(() => String, { nullable: true })
  text: string | null;

  @Field(() => ID, { nullable: true })
  targetStoryId: string | null;

  @Field(() => [JumpConditionModel])
  conditions: JumpConditionModel[];
}

@ObjectType('Story')
export class StoryModel {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => [StoryStepModel])
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
