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
import { toSlotModel, toStatusModel, toUnavailabilityModel } from './availability.mapping';
import { AvailabilityService } from './availability.service';
import { AvailabilitySlotInput } from './dto/availability-slot.input';
import {
  AvailabilitySlotModel,
  SupportStatusModel,
  TemporaryUnavailabilityModel,
} from './models/availability.models';
import { SupportStatusScheduler } from './support-status.scheduler';

@Resolver(() => SupportStatusModel)
export class AvailabilityResolver {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly scheduler: SupportStatusScheduler,
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

  @Access(
    operatorsOf(target('bot', 'botId')),
    endUsersOf(target('bot', 'botId')),
    botEngineOf(target('bot', 'botId')),
  )
  @Subscription(() => SupportStatusModel, {
    description:
      'The support status of a bot each time it changes: at slot edges, when a temporary unavailability starts or ends, and on schedule edits. Same callers as supportStatus.',
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

  @ResolveField(() => SupportStatusModel, {
    description: 'Whether the support team is available now, as the supportStatus query answers.',
  })
  async supportStatus(
    @Parent() bot: BotModel,
    @Context() ctx: GraphQLContext,
  ): Promise<SupportStatusModel> {
    const status = await this.availability.statusOf(bot, async () => {
      const [slots, unavailability] = await Promise.all([
        this.slots(ctx).load(bot.id),
        this.unavailabilities(ctx).load(bot.id),
      ]);
      return { slots, unavailability };
    });
    return toStatusModel(status, this.clock.now());
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
