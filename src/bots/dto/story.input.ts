import { Field, ID, InputType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';
import { SupportTeamState } from '../../common/support-team-state';
import { Trim } from '../../common/validation/transforms';

export enum StoryStepKindEnum {
  SEND_MESSAGE = 'SEND_MESSAGE',
  JUMP_TO = 'JUMP_TO',
  REQUEST_HUMAN = 'REQUEST_HUMAN',
}

registerEnumType(StoryStepKindEnum, {
  name: 'StoryStepKind',
  description: 'What a story step does.',
  valuesMap: {
    SEND_MESSAGE: { description: 'The bot says `text` (a BOT message in the request).' },
    JUMP_TO: {
      description:
        'Go to targetStoryId when every condition holds (no conditions: always); else next step.',
    },
    REQUEST_HUMAN: {
      description: 'Queue the request for an asynchronous human takeover (awaitingHuman = true).',
    },
  },
});

@InputType('JumpConditionInput', {
  description: 'A condition of a JUMP_TO step on the support team state.',
})
export class JumpConditionInput {
  @Field(() => SupportTeamState, { description: 'The state the support team must be in.' })
  @IsEnum(SupportTeamState)
  supportTeam: SupportTeamState;
}

@InputType('StoryStepInput', {
  description:
    'One step. Each kind needs its own fields (text for SEND_MESSAGE, targetStoryId for JUMP_TO); BAD_USER_INPUT names a missing one.',
})
export class StoryStepInput {
  @Field(() => StoryStepKindEnum, { description: 'What the step does.' })
  @IsEnum(StoryStepKindEnum)
  kind: StoryStepKindEnum;

  /** Kind-specific rules (required, length) are the stories service's. */
  @Field(() => String, {
    nullable: true,
    description: 'SEND_MESSAGE: what the bot says (required for that kind).',
  })
  @IsOptional()
  @IsString()
  text?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'JUMP_TO: the story to go to, of the same bot (required for that kind).',
  })
  @IsOptional()
  @IsString()
  targetStoryId?: string | null;

  @Field(() => [JumpConditionInput], {
    nullable: true,
    description: 'JUMP_TO: conditions that must all hold; absent or empty: always jump.',
  })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => JumpConditionInput)
  conditions?: JumpConditionInput[] | null;
}

/** Steps are checked by the stories service (kind-specific rules, targets of the same bot). */
@InputType('StoryInput', { description: 'A whole story: its name and all its steps.' })
export class StoryInput {
  @Field({ description: 'Name of the story, 1 to 100 characters once trimmed.' })
  @Trim()
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name: string;

  @Field(() => [StoryStepInput], { description: 'The steps in order, at most 200.' })
  @IsArray()
  @ArrayMaxSize(200, { message: 'a story has at most 200 steps' })
  @ValidateNested({ each: true })
  @Type(() => StoryStepInput)
  steps: StoryStepInput[];
}
