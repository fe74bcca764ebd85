import { Field, InputType } from '@nestjs/graphql';
import { Weekday } from '../weekly-schedule';

/**
 * A slot as clients write it. The times are checked by the service (`parseClockTime`), the same
 * way for one slot and for a whole `replaceWeeklySchedule` list, so each error names its path.
 */
@InputType('AvailabilitySlotInput', {
  description:
    "One slot of the weekly schedule, in the bot's time zone. BAD_USER_INPUT names a malformed time (e.g. input.endTime).",
})
export class AvailabilitySlotInput {
  @Field(() => Weekday, { description: 'The day the slot repeats on.' })
  weekday: Weekday;

  @Field({ description: 'Start, "HH:MM" from 00:00 to 23:59, in the bot\'s time zone.' })
  startTime: string;

  @Field({
    description: 'End, "HH:MM" after startTime, at most "24:00" (the end of the day).',
  })
  endTime: string;
}
