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
  valuesMap: {
    SEND_MESSAGE: { description: 'The bot says `text`.' },
    JUMP_TO: {
      description:
        'Go to targetStoryId when every condition holds (no conditions: always); else next step.',
    },
    REQUEST_HUMAN: {
      description: 'Queue the request for an asynchronous human takeover (awaitingHuman = true).',
    },
  },
});

@InputType('JumpConditionInput')
export class JumpConditionInput {
  @Field(() => SupportTeamState)
  @IsEnum(SupportTeamState)
  supportTeam: SupportTeamState;
}

@InputType('StoryStepInput')
export class StoryStepInput {
  @Field(() => StoryStepKindEnum)
  @IsEnum(StoryStepKindEnum)
  kind: StoryStepKindEnum;

  /** Kind-specific rules (required, length) are the stories service's. */
  @Field(() => String, { nullable: true, description: 'SEND_MESSAGE: what the bot says.' })
  @IsOptional()
  @IsString()
  text?: string | null;

  @Field(() => ID, { nullable: true, description: 'JUMP_TO: a story of the same bot.' })
  @IsOptional()
  @IsString()
  targetStoryId?: string | null;

  @Field(() => [JumpConditionInput], { nullable: true, description: 'JUMP_TO: all must hold.' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => JumpConditionInput)
  conditions?: JumpConditionInput[] | null;
}

/** Steps are checked by the stories service (kind-specific rules, targets of the same bot). */
@InputType('StoryInput')
export class StoryInput {
  @Field()
  @Trim()
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name: string;

  @Field(() => [StoryStepInput])
  @IsArray()
  @ArrayMaxSize(200, { message: 'a story has at most 200 steps' })
  @ValidateNested({ each: true })
  @Type(() => StoryStepInput)
  steps: StoryStepInput[];
}
