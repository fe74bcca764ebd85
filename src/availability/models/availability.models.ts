import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SupportTeamState } from '../../common/support-team-state';
import { Weekday } from '../weekly-schedule';

export enum SupportStatusReason {
  IN_AVAILABILITY_SLOT = 'IN_AVAILABILITY_SLOT',
  OUTSIDE_AVAILABILITY_SLOTS = 'OUTSIDE_AVAILABILITY_SLOTS',
  TEMPORARILY_UNAVAILABLE = 'TEMPORARILY_UNAVAILABLE',
}

registerEnumType(Weekday, {
  name: 'Weekday',
  description: "A day of the week, in the bot's time zone.",
  valuesMap: {
    MONDAY: { description: 'Monday.' },
    TUESDAY: { description: 'Tuesday.' },
    WEDNESDAY: { description: 'Wednesday.' },
    THURSDAY: { description: 'Thursday.' },
    FRIDAY: { description: 'Friday.' },
    SATURDAY: { description: 'Saturday.' },
    SUNDAY: { description: 'Sunday.' },
  },
});
registerEnumType(SupportStatusReason, {
  name: 'SupportStatusReason',
  description: 'Why the support team is in its current state.',
  valuesMap: {
    IN_AVAILABILITY_SLOT: { description: 'ONLINE: now is inside a slot of the weekly schedule.' },
    OUTSIDE_AVAILABILITY_SLOTS: {
      description: 'OFFLINE: now is outside every slot of the weekly schedule.',
    },
    TEMPORARILY_UNAVAILABLE: {
      description: 'OFFLINE: a temporary unavailability is active, whatever the schedule says.',
    },
  },
});

@ObjectType('AvailabilitySlot', {
  description:
    "One repeating slot of the weekly template, in the bot's time zone (wall-clock time).",
})
export class AvailabilitySlotModel {
  @Field(() => ID, { description: 'Stable id of the slot.' })
  id: string;

  @Field(() => Weekday, { description: 'The day the slot repeats on.' })
  weekday: Weekday;

  @Field({ description: 'Start, "HH:MM" from 00:00 to 23:59, wall-clock time in the bot zone.' })
  startTime: string;

  @Field({ description: 'End, "HH:MM" after startTime; "24:00" means the end of the day.' })
  endTime: string;
}

@ObjectType('TemporaryUnavailability', {
  description:
    'A period during which the support team is OFFLINE whatever the weekly schedule says, set by an ADMINISTRATOR.',
})
export class TemporaryUnavailabilityModel {
  @Field(() => GraphQLISODateTime, { description: 'When it started.' })
  startsAt: Date;

  @Field(() => GraphQLISODateTime, {
    description:
      "When it ends; never later than the end of the day it started on, in the bot's time zone.",
  })
  endsAt: Date;

  @Field(() => Int, { description: 'Whole seconds from now until endsAt.' })
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
    description: 'For example "Christmas Day"; at most 100 characters; null when none was given.',
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

@ObjectType('SupportStatus', {
  description:
    "Whether a bot's support team is available now, why, and until when; from the weekly schedule, dated overrides and any temporary unavailability, with the team's live counts.",
})
export class SupportStatusModel {
  @Field(() => ID, { description: 'The bot.' })
  botId: string;

  @Field(() => SupportTeamState, { description: 'ONLINE or OFFLINE now.' })
  state: SupportTeamState;

  @Field(() => SupportStatusReason, { description: 'Why the team is in this state.' })
  reason: SupportStatusReason;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Next instant the state flips; null when it never will.',
  })
  changesAt: Date | null;

  @Field(() => TemporaryUnavailabilityModel, {
    nullable: true,
    description: 'The active temporary unavailability; null when there is none.',
  })
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
