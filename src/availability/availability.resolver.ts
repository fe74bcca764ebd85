import {
  Args,
  Context,
  ID,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { BotModel, assertMemberView } from '../bots/models/bot.model';
import {
  Access,
  administratorsOf,
  botEngineOf,
  endUsersOf,
  operatorsOf,
  target,
} from '../common/auth/access';
import { Clock } from '../common/clock/clock';
import { GraphQLContext } from '../common/graphql/graphql-context';
import { loaderFor } from '../common/graphql/loaders';
import {
  toOverrideModel,
  toSlotModel,
  toStatusModel,
  toUnavailabilityModel,
} from './availability.mapping';
import { AvailabilityService } from './availability.service';
import { AvailabilityOverrideInput } from './dto/availability-override.input';
import { AvailabilitySlotInput } from './dto/availability-slot.input';
import {
  AvailabilityOverrideModel,
  AvailabilitySlotModel,
  SupportStatusModel,
  TemporaryUnavailabilityModel,
} from './models/availability.models';
import { SupportStatusScheduler } from './support-status.scheduler';
import { TeamPresenceService } from './team-presence.service';

@Resolver(() => SupportStatusModel)
export class AvailabilityResolver {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly scheduler: SupportStatusScheduler,
    private readonly team: TeamPresenceService,
    private readonly clock: Clock,
  ) {}

  @Access(
    operatorsOf(target('bot', 'botId')),
    endUsersOf(target('bot', 'botId')),
    botEngineOf(target('bot', 'botId')),
  )
  @Query(() => SupportStatusModel, {
    description:
      "Whether the bot's support team is available now. For its members, its end users (end-user token) and its bot engine key; NOT_FOUND for those of other bots.",
  })
  async supportStatus(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
  ): Promise<SupportStatusModel> {
    return toStatusModel(await this.availability.status(botId), this.clock.now());
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => AvailabilitySlotModel, {
    description:
      'Adds a slot to the weekly schedule; two slots of one day may touch but not overlap (BAD_USER_INPUT on input). ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts.',
  })
  async addAvailabilitySlot(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @Args('input', { description: 'The slot.' }) input: AvailabilitySlotInput,
  ): Promise<AvailabilitySlotModel> {
    return toSlotModel(await this.availability.addSlot(botId, input));
  }

  @Access(administratorsOf(target('availabilitySlot', 'id')))
  @Mutation(() => AvailabilitySlotModel, {
    description:
      'Moves or resizes a slot; it may not overlap another slot of its day (BAD_USER_INPUT). ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts.',
  })
  async updateAvailabilitySlot(
    @Args('id', { type: () => ID, description: 'The slot.' }) id: string,
    @Args('input', { description: 'Its new day and times.' }) input: AvailabilitySlotInput,
  ): Promise<AvailabilitySlotModel> {
    return toSlotModel(await this.availability.updateSlot(id, input));
  }

  @Access(administratorsOf(target('availabilitySlot', 'id')))
  @Mutation(() => ID, {
    description:
      'Removes a slot and answers its id. ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts.',
  })
  removeAvailabilitySlot(
    @Args('id', { type: () => ID, description: 'The slot.' }) id: string,
  ): Promise<string> {
    return this.availability.removeSlot(id);
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => [AvailabilitySlotModel], {
    description:
      'Replaces the whole weekly schedule in one step and answers it, ordered by weekday then start time; an empty list leaves the team always OFFLINE outside temporary changes. BAD_USER_INPUT names the first bad or overlapping slot (e.g. slots.2). ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts.',
  })
  async replaceWeeklySchedule(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @Args('slots', {
      type: () => [AvailabilitySlotInput],
      description: 'Every slot of the new schedule; none may overlap another of its day.',
    })
    slots: AvailabilitySlotInput[],
  ): Promise<AvailabilitySlotModel[]> {
    return (await this.availability.replaceWeeklySchedule(botId, slots)).map(toSlotModel);
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => TemporaryUnavailabilityModel, {
    description:
      "Makes the support team OFFLINE from now for hours and minutes, replacing any active one; it cannot run past the end of today in the bot's time zone (BAD_USER_INPUT). ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts.",
  })
  async activateTemporaryUnavailability(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @Args('hours', { type: () => Int, description: 'Whole hours, 0 or more.' }) hours: number,
    @Args('minutes', {
      type: () => Int,
      description: 'Minutes from 0 to 59; hours and minutes together make at least one minute.',
    })
    minutes: number,
  ): Promise<TemporaryUnavailabilityModel> {
    const created = await this.availability.activateTemporaryUnavailability(botId, hours, minutes);
    return toUnavailabilityModel(created, this.clock.now());
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => SupportStatusModel, {
    description:
      'Ends the active temporary unavailability now, if any, and answers the support status that follows. ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts.',
  })
  async endTemporaryUnavailability(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
  ): Promise<SupportStatusModel> {
    await this.availability.endTemporaryUnavailability(botId);
    return toStatusModel(await this.availability.status(botId), this.clock.now());
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => AvailabilityOverrideModel, {
    description:
      'ADMINISTRATOR. Sets the hours of one date in the bot\'s time zone, replacing that date\'s override if it has one (its id is kept). BAD_USER_INPUT, with extensions.field naming the input field and nothing saved: a date that is not a real calendar date, before today or more than 731 days ahead; a time not "HH:MM"; a range not ending after it starts; two ranges that overlap (extensions.overlapsRangeIndex); a label over 100 characters. NOT_FOUND for non-members, FORBIDDEN for Support Agents.',
  })
  async setAvailabilityOverride(
    @Args('botId', { type: () => ID, description: 'The bot whose date it is.' }) botId: string,
    @Args('input', { description: 'The date, its label and its ranges (none: closed).' })
    input: AvailabilityOverrideInput,
  ): Promise<AvailabilityOverrideModel> {
    return toOverrideModel(await this.availability.setOverride(botId, input));
  }

  @Access(administratorsOf(target('availabilityOverride', 'id')))
  @Mutation(() => ID, {
    description:
      'ADMINISTRATOR. Removes an override: its date follows the weekly template again. Returns the id. NOT_FOUND for an unknown id or a non-member, FORBIDDEN for Support Agents.',
  })
  removeAvailabilityOverride(
    @Args('id', { type: () => ID, description: 'The override to remove.' }) id: string,
  ): Promise<string> {
    return this.availability.removeOverride(id);
  }

  @ResolveField(() => Int, {
    description:
      'Members of the bot (either role) online now: with at least one graphql-ws connection open with their account token, on any instance. Never cached.',
  })
  async agentsOnline(
    @Parent() status: SupportStatusModel,
    @Context() ctx: GraphQLContext,
  ): Promise<number> {
    if (status.counts) {
      return status.counts.agentsOnline;
    }
    return loaderFor(ctx, 'SupportStatus.agentsOnline', (ids: readonly string[]) =>
      this.team.agentsOnlineOf(ids),
    ).load(status.botId);
  }

  @ResolveField(() => Int, {
    description:
      'OPEN requests queued for a human (awaiting one) that nobody has taken control of yet. Never cached.',
  })
  async waitingRequests(
    @Parent() status: SupportStatusModel,
    @Context() ctx: GraphQLContext,
  ): Promise<number> {
    if (status.counts) {
      return status.counts.waitingRequests;
    }
    return loaderFor(ctx, 'SupportStatus.waitingRequests', (ids: readonly string[]) =>
      this.team.waitingRequestsOf(ids),
    ).load(status.botId);
  }

  @Access(
    operatorsOf(target('bot', 'botId')),
    endUsersOf(target('bot', 'botId')),
    botEngineOf(target('bot', 'botId')),
  )
  @Subscription(() => SupportStatusModel, {
    description:
      'The support status of a bot each time it changes. Fires at slot and override edges, at the local midnight that starts or ends an override date, when a temporary unavailability starts or ends, and on edits (schedule, overrides, time zone, unavailability). Also when agentsOnline or waitingRequests change: at most once a second per bot, changes in between told together. Same callers as supportStatus.',
    resolve: (status: SupportStatusModel) => status,
  })
  supportStatusChanged(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
  ): AsyncIterableIterator<SupportStatusModel> {
    return this.scheduler.subscribe(botId);
  }
}

/** The availability fields of Bot, batched per operation over every bot in the answer. */
@Resolver(() => BotModel)
export class BotAvailabilityResolver {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly clock: Clock,
  ) {}

  @ResolveField(() => [AvailabilitySlotModel], {
    description:
      'The weekly schedule, ordered by weekday, then start time. Members only: FORBIDDEN for anyone else.',
  })
  async weeklySchedule(
    @Parent() bot: BotModel,
    @Context() ctx: GraphQLContext,
  ): Promise<AvailabilitySlotModel[]> {
    assertMemberView(bot);
    return (await this.slots(ctx).load(bot.id)).map(toSlotModel);
  }

  @ResolveField(() => TemporaryUnavailabilityModel, {
    nullable: true,
    description:
      'The active temporary unavailability; null when there is none. Members only: FORBIDDEN for anyone else.',
  })
  async temporaryUnavailability(
    @Parent() bot: BotModel,
    @Context() ctx: GraphQLContext,
  ): Promise<TemporaryUnavailabilityModel | null> {
    assertMemberView(bot);
    const active = await this.unavailabilities(ctx).load(bot.id);
    return active ? toUnavailabilityModel(active, this.clock.now()) : null;
  }

  @ResolveField(() => [AvailabilityOverrideModel], {
    description:
      'Members. The overrides dated from `from` to `to` inclusive, ascending by date. BAD_USER_INPUT (extensions.field `from` or `to`) for a bound that is not a "YYYY-MM-DD" calendar date, or `to` before `from`.',
  })
  async availabilityOverrides(
    @Parent() bot: BotModel,
    @Context() ctx: GraphQLContext,
    @Args('from', {
      nullable: true,
      type: () => String,
      description: '"YYYY-MM-DD", the first date (the bot\'s time zone); default: today.',
    })
    from: string | null,
    @Args('to', {
      nullable: true,
      type: () => String,
      description: '"YYYY-MM-DD", the last date; default: today + 365 days.',
    })
    to: string | null,
  ): Promise<AvailabilityOverrideModel[]> {
    assertMemberView(bot);
    const span = this.availability.overrideSpan(bot.timeZone, from, to);
    const loader = loaderFor(ctx, 'Bot.availabilityOverrides', (keys: readonly string[]) =>
      this.availability.overridesBetween(
        keys.map((key) => {
          const [botId, start, end] = key.split('|');
          return { botId, from: start, to: end };
        }),
      ),
    );
    return (await loader.load(`${bot.id}|${span.from}|${span.to}`)).map(toOverrideModel);
  }

  @ResolveField(() => SupportStatusModel, {
    description: 'Whether the support team is available now, as the supportStatus query answers.',
  })
  async supportStatus(
    @Parent() bot: BotModel,
    @Context() ctx: GraphQLContext,
  ): Promise<SupportStatusModel> {
    const status = await this.availability.statusOf(bot, async () => {
      const [slots, overrides, unavailability] = await Promise.all([
        this.slots(ctx).load(bot.id),
        this.overridesAhead(ctx).load(bot.id),
        this.unavailabilities(ctx).load(bot.id),
      ]);
      return { slots, overrides, unavailability };
    });
    return toStatusModel(status, this.clock.now());
  }

  private overridesAhead(ctx: GraphQLContext) {
    return loaderFor(ctx, 'Bot.supportStatus.overrides', (ids: readonly string[]) =>
      this.availability.overridesAheadOf(ids),
    );
  }

  private slots(ctx: GraphQLContext) {
    return loaderFor(ctx, 'Bot.weeklySchedule', (ids: readonly string[]) =>
      this.availability.slotsOf(ids),
    );
  }

  private unavailabilities(ctx: GraphQLContext) {
    return loaderFor(ctx, 'Bot.temporaryUnavailability', (ids: readonly string[]) =>
      this.availability.activeUnavailabilityOf(ids),
    );
  }
}
