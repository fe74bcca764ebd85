import { Field, InputType } from '@nestjs/graphql';
import {
  IsOptional,
  IsString,
  MaxLength,
  ValidationOptions,
  registerDecorator,
} from 'class-validator';
import { Trim } from '../../common/validation/transforms';
import { parseLocalDate } from '../weekly-schedule';

/** Characters of an override's label, at most. */
export const MAX_OVERRIDE_LABEL_LENGTH = 100;

/** A real calendar date written "YYYY-MM-DD" ("2026-02-30" is not one). */
export function IsLocalDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isLocalDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be a calendar date written "YYYY-MM-DD"`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseLocalDate(value) !== null,
      },
    });
}

/**
 * One range of hours of a date as clients write it. The times are checked by the service
 * (`parseClockTime`, as for weekly slots), so each error names its path in the list.
 */
@InputType('TimeRangeInput', {
  description: "A range of wall-clock hours of one date, in the bot's time zone.",
})
export class TimeRangeInput {
  @Field({ description: '"HH:MM", 00:00..23:59.' })
  startTime: string;

  @Field({ description: '"HH:MM", after startTime; "24:00" means end of day.' })
  endTime: string;
}

@InputType('AvailabilityOverrideInput', {
  description:
    "The hours of one date in the bot's time zone, replacing the weekday's slots for that whole date.",
})
export class AvailabilityOverrideInput {
  @Field({
    description:
      '"YYYY-MM-DD", a real calendar date in the bot\'s time zone: today or later, at most 731 days ahead.',
  })
  @IsLocalDate()
  date: string;

  @Field(() => String, {
    nullable: true,
    description:
      'What the date is, e.g. "Christmas Day"; trimmed, at most 100 characters; empty or null: no label.',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(MAX_OVERRIDE_LABEL_LENGTH, {
    message: `label must be at most ${MAX_OVERRIDE_LABEL_LENGTH} characters`,
  })
  label?: string | null;

  @Field(() => [TimeRangeInput], {
    description:
      'The hours the team is available that date, in any order; empty: closed all day. No two may overlap (touching, 09:00-10:00 and 10:00-11:00, is fine).',
  })
  ranges: TimeRangeInput[];
}
