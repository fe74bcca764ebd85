import { Args, Context, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Access, administratorsOf, target } from '../common/auth/access';
import { BotRole } from '../common/auth/bot-role';
import { Granted } from '../common/auth/caller.decorators';
import { GrantedAccess, GraphQLContext } from '../common/graphql/graphql-context';
import { loaderFor } from '../common/graphql/loaders';
import { StoryInput } from './dto/story.input';
import { BotModel, assertMemberView } from './models/bot.model';
import { StoryModel } from './models/story.model';
import { StoriesService } from './stories.service';

@Resolver(() => StoryModel)
export class StoriesResolver {
  constructor(private readonly stories: StoriesService) {}

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => StoryModel, {
    description:
      'Adds a story to the bot. ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts. BAD_USER_INPUT names a step that is invalid or jumps out of the bot.',
  })
  async createStory(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @Args('input', { description: 'Name and steps of the story.' }) input: StoryInput,
  ): Promise<StoryModel> {
    return StoryModel.from(await this.stories.create(botId, input));
  }

  @Access(administratorsOf(target('story', 'id')))
  @Mutation(() => StoryModel, {
    description:
      'Replaces the name and all the steps of a story. ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts. BAD_USER_INPUT names an invalid step.',
  })
  async updateStory(
    @Args('id', { type: () => ID, description: 'The story.' }) id: string,
    @Args('input', { description: 'The new name and steps.' }) input: StoryInput,
  ): Promise<StoryModel> {
    return StoryModel.from(await this.stories.update(id, input));
  }

  @Access(administratorsOf(target('story', 'id')))
  @Mutation(() => ID, {
    description:
      'Deletes a story and answers its id. ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts. CONFLICT while it is the entry story or a JUMP_TO step refers to it.',
  })
  deleteStory(
    @Args('id', { type: () => ID, description: 'The story.' }) id: string,
  ): Promise<string> {
    return this.stories.delete(id);
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => BotModel, {
    description:
      'Sets the story played when a request opens; null: none. ADMINISTRATOR of the bot only: FORBIDDEN for a SUPPORT_AGENT, NOT_FOUND for other accounts. BAD_USER_INPUT (field storyId) when the story is not one of this bot.',
  })
  async setEntryStory(
    @Args('botId', { type: () => ID, description: 'The bot.' }) botId: string,
    @Args('storyId', {
      type: () => ID,
      nullable: true,
      description: 'A story of this bot; null or absent: no entry story.',
    })
    storyId: string | null,
    @Granted() access: GrantedAccess,
  ): Promise<BotModel> {
    return BotModel.from(
      await this.stories.setEntryStory(botId, storyId ?? null),
      access.role as BotRole,
    );
  }
}

/** The stories of Bot, batched over every bot of the answer. */
@Resolver(() => BotModel)
export class BotStoriesResolver {
  constructor(private readonly stories: StoriesService) {}

  @ResolveField('stories', () => [StoryModel], {
    description: "The bot's stories. Members only: FORBIDDEN for anyone else.",
  })
  async storiesOfBot(
    @Parent() bot: BotModel,
    @Context() ctx: GraphQLContext,
  ): Promise<StoryModel[]> {
    assertMemberView(bot);
    const loader = loaderFor(ctx, 'Bot.stories', (ids: readonly string[]) =>
      this.stories.storiesOf(ids),
    );
    return (await loader.load(bot.id)).map((story) => StoryModel.from(story));
  }

  @ResolveField(() => StoryModel, {
    nullable: true,
    description:
      'Played when a request is opened; null when none is set. Members only: FORBIDDEN for anyone else.',
  })
  async entryStory(
    @Parent() bot: BotModel,
    @Context() ctx: GraphQLContext,
  ): Promise<StoryModel | null> {
    assertMemberView(bot);
    if (!bot.entryStoryId) {
      return null;
    }
    const loader = loaderFor(ctx, 'Story.byId', (ids: readonly string[]) =>
      this.stories.storiesById(ids),
    );
    const story = await loader.load(bot.entryStoryId);
    return story ? StoryModel.from(story) : null;
  }
}
