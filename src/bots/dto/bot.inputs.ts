import { Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Trim } from '../../common/validation/transforms';
import { IsIanaTimeZone } from '../../common/validation/time-zone';
import { IsOriginList } from '../../common/validation/origin';

/** Origins a widget key may be used from, at most. */
export const MAX_ALLOWED_ORIGINS = 50;

/** The longest automatic release delay: a day. */
export const MAX_AUTO_RELEASE_MINUTES = 1440;
const AUTO_RELEASE_RULE = {
  message: `autoReleaseMinutes must be 1 to ${MAX_AUTO_RELEASE_MINUTES}, or 0 to turn it off`,
};

const NAME_RULE = { message: 'name must be 1 to 100 characters' };

@InputType({ description: 'A new bot.' })
export class CreateBotInput {
  @Field({ description: 'Name shown to the support team, 1 to 100 characters once trimmed.' })
  @Trim()
  @IsString()
  @Length(1, 100, NAME_RULE)
  name: string;

  @Field({
    description:
      'IANA zone of the support team\'s weekly calendar, e.g. "Europe/Paris"; BAD_USER_INPUT for an unknown zone.',
  })
  @Trim()
  @IsIanaTimeZone()
  timeZone: string;
}

@InputType({ description: 'Changes to a bot: only the fields given change.' })
export class UpdateBotInput {
  @Field({ nullable: true, description: 'New name, 1 to 100 characters once trimmed.' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100, NAME_RULE)
  name?: string;

  @Field({
    nullable: true,
    description:
      'New IANA time zone; the weekly schedule keeps its wall-clock times and is read in the new zone.',
  })
  @IsOptional()
  @Trim()
  @IsIanaTimeZone()
  timeZone?: string;

  @Field(() => [String], {
    nullable: true,
    description:
      'Replaces the web origins whose pages may use the widget key, each "scheme://host[:port]" with no path; at most 50; empty: any origin.',
  })
  @IsOptional()
  @IsOriginList(MAX_ALLOWED_ORIGINS)
  allowedOrigins?: string[];

  @Field(() => Int, {
    nullable: true,
    description:
      'Minutes without a message from the agent in control or the end user after which control goes back to the bot: 1 to 1440; 0 turns it off; absent or null leaves it. Applies at once to the conversations under control, counted from their last such message (or the takeover or transfer). Else BAD_USER_INPUT.',
  })
  @IsOptional()
  @IsInt(AUTO_RELEASE_RULE)
  @Min(0, AUTO_RELEASE_RULE)
  @Max(MAX_AUTO_RELEASE_MINUTES, AUTO_RELEASE_RULE)
  autoReleaseMinutes?: number | null;
}
