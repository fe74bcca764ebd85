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
}
