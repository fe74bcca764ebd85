import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, Length } from 'class-validator';
import { Trim } from '../../common/validation/transforms';
import { IsIanaTimeZone } from '../../common/validation/time-zone';
import { IsOriginList } from '../../common/validation/origin';

/** Origins a widget key may be used from, at most. */
export const MAX_ALLOWED_ORIGINS = 50;

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
}
