import { Field, InputType } from '@nestjs/graphql';
import { Weekday } from '../weekly-schedule';

/**
 * A slot as clients write it. The times are checked by the service (`parseClockTime`), the same
 * way for one slot and for a whole `replaceWeeklySchedule` list, so each error names its path.
 */
@InputType('AvailabilitySlotInput')
export class AvailabilitySlotInput {
  @Field(() => Weekday)
  weekday: Weekday;

  @Field({ description: '"HH:MM", 00:00..23:59, in the bot\'s time zone.' })
  startTime: string;

  @Field({ description: '"HH:MM", after startTime; "24:00" means end of day.' })
  endTime: string;
}
