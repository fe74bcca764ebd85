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
  @Query(() => SupportStatusModel, { description: "Members, the bot's end users and its engine." })
  async supportStatus(
    @Args('botId', { type: () => ID }) botId: string,
  ): Promise<SupportStatusModel> {
    return toStatusModel(await this.availability.status(botId), this.clock.now());
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => AvailabilitySlotModel, {
    description: 'Two slots of one day may touch, not overlap.',
  })
  async addAvailabilitySlot(
    @Args('botId', { type: () => ID }) botId: string,
    @Args('input') input: AvailabilitySlotInput,
  ): Promise<AvailabilitySlotModel> {
    return toSlotModel(await this.availability.addSlot(botId, input));
  }

  @Access(administratorsOf(target('availabilitySlot', 'id')))
  @Mutation(() => AvailabilitySlotModel, { description: 'Moves or extends a slot.' })
  async updateAvailabilitySlot(
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: AvailabilitySlotInput,
  ): Promise<AvailabilitySlotModel> {
    return toSlotModel(await this.availability.updateSlot(id, input));
  }

  @Access(administratorsOf(target('availabilitySlot', 'id')))
  @Mutation(() => ID)
  removeAvailabilitySlot(@Args('id', { type: () => ID }) id: string): Promise<string> {
    return this.availability.removeSlot(id);
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => [AvailabilitySlotModel], { description: 'Replaces the whole template at once.' })
  async replaceWeeklySchedule(
    @Args('botId', { type: () => ID }) botId: string,
    @Args('slots', { type: () => [AvailabilitySlotInput] }) slots: AvailabilitySlotInput[],
  ): Promise<AvailabilitySlotModel[]> {
    return (await this.availability.replaceWeeklySchedule(botId, slots)).map(toSlotModel);
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => TemporaryUnavailabilityModel, {
    description:
      'From now, for hours and minutes; never past the end of today in the bot time zone.',
  })
  async activateTemporaryUnavailability(
    @Args('botId', { type: () => ID }) botId: string,
    @Args('hours', { type: () => Int }) hours: number,
    @Args('minutes', { type: () => Int }) minutes: number,
  ): Promise<TemporaryUnavailabilityModel> {
    const created = await this.availability.activateTemporaryUnavailability(botId, hours, minutes);
    return toUnavailabilityModel(created, this.clock.now());
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => SupportStatusModel)
  async endTemporaryUnavailability(
    @Args('botId', { type: () => ID }) botId: string,
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
      'Fires at slot edges, when a temporary unavailability starts or ends, and on edits.',
    resolve: (status: SupportStatusModel) => status,
  })
  supportStatusChanged(
    @Args('botId', { type: () => ID }) botId: string,
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
    description: 'Ordered by weekday, then start time.',
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
    description: 'The active one, if any.',
  })
  async temporaryUnavailability(
    @Parent() bot: BotModel,
    @Context() ctx: GraphQLContext,
  ): Promise<TemporaryUnavailabilityModel | null> {
    assertMemberView(bot);
    const active = await this.unavailabilities(ctx).load(bot.id);
    return active ? toUnavailabilityModel(active, this.clock.now()) : null;
  }

  @ResolveField(() => SupportStatusModel)
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
