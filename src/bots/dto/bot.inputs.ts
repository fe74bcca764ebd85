import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, Length } from 'class-validator';
import { Trim } from '../../common/validation/transforms';
import { IsIanaTimeZone } from '../../common/validation/time-zone';

const NAME_RULE = { message: 'name must be 1 to 100 characters' };

@InputType()
export class CreateBotInput {
  @Field()
  @Trim()
  @IsString()
  @Length(1, 100, NAME_RULE)
  name: string;

  @Field({ description: 'IANA zone of the support team\'s weekly calendar, e.g. "Europe/Paris".' })
  @Trim()
  @IsIanaTimeZone()
  timeZone: string;
}

@InputType()
export class UpdateBotInput {
  @Field({ nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100, NAME_RULE)
  name?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Trim()
  @IsIanaTimeZone()
  timeZone?: string;
}
