import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SupportTeamState } from '../../common/support-team-state';
import { Weekday } from '../weekly-schedule';

export enum SupportStatusReason {
  IN_AVAILABILITY_SLOT = 'IN_AVAILABILITY_SLOT',
  OUTSIDE_AVAILABILITY_SLOTS = 'OUTSIDE_AVAILABILITY_SLOTS',
  TEMPORARILY_UNAVAILABLE = 'TEMPORARILY_UNAVAILABLE',
}

registerEnumType(Weekday, { name: 'Weekday' });
registerEnumType(SupportStatusReason, { name: 'SupportStatusReason' });

@ObjectType('AvailabilitySlot', {
  description:
    "One repeating slot of the weekly template, in the bot's time zone (wall-clock time).",
})
export class AvailabilitySlotModel {
  @Field(() => ID)
  id: string;

  @Field(() => Weekday)
  weekday: Weekday;

  @Field({ description: '"HH:MM", 00:00..23:59' })
  startTime: string;

  @Field({ description: '"HH:MM", after startTime; "24:00" means end of day' })
  endTime: string;
}

@ObjectType('TemporaryUnavailability')
export class TemporaryUnavailabilityModel {
  @Field(() => GraphQLISODateTime)
  startsAt: Date;

  @Field(() => GraphQLISODateTime, {
    description: "Never later than the end of the current day in the bot's time zone.",
  })
  endsAt: Date;

  @Field(() => Int)
  remainingSeconds: number;
}

@ObjectType('TimeRange', {
  description: "A range of wall-clock hours of one date, in the bot's time zone.",
})
export class TimeRangeModel {
  @Field({ description: '"HH:MM", 00:00..23:59' })
  startTime: string;

  @Field({ description: '"HH:MM", after startTime; "24:00" means end of day' })
  endTime: string;
}

@ObjectType('AvailabilityOverride', {
  description:
    "A date in the bot's time zone whose hours replace the weekly template for that whole date: no ranges means closed all day (a holiday), ranges mean those hours instead of the weekday's slots. A temporary unavailability still wins over it.",
})
export class AvailabilityOverrideModel {
  @Field(() => ID, { description: 'Kept when the override of its date is set again.' })
  id: string;

  @Field(() => ID, { description: 'The bot whose date it is.' })
  botId: string;

  @Field({ description: '"YYYY-MM-DD" in the bot\'s time zone.' })
  date: string;

  @Field(() => String, {
    nullable: true,
    description: 'e.g. "Christmas Day"; at most 100 characters; null when none was given.',
  })
  label: string | null;

  @Field(() => [TimeRangeModel], {
    description: 'Ascending, none overlapping; empty: closed all day.',
  })
  ranges: TimeRangeModel[];
}

/** Live counts of a support status; filled by the pusher, else resolved when asked for. */
export interface SupportStatusCounts {
  agentsOnline: number;
  waitingRequests: number;
}

@ObjectType('SupportStatus')
export class SupportStatusModel {
  @Field(() => ID)
  botId: string;

  @Field(() => SupportTeamState)
  state: SupportTeamState;

  @Field(() => SupportStatusReason)
  reason: SupportStatusReason;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Next instant the state flips; null when it never will.',
  })
  changesAt: Date | null;

  @Field(() => TemporaryUnavailabilityModel, { nullable: true })
  temporaryUnavailability: TemporaryUnavailabilityModel | null;

  @Field(() => AvailabilityOverrideModel, {
    nullable: true,
    description:
      "The override of the bot's current local date, if there is one (the state and reason then follow its ranges rather than the weekday's slots).",
  })
  override: AvailabilityOverrideModel | null;

  /** Counts already computed for a pushed status (agentsOnline, waitingRequests resolve them). */
  counts?: SupportStatusCounts;
}
