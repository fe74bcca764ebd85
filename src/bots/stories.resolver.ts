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
  @Mutation(() => StoryModel)
  async createStory(
    @Args('botId', { type: () => ID }) botId: string,
    @Args('input') input: StoryInput,
  ): Promise<StoryModel> {
    return StoryModel.from(await this.stories.create(botId, input));
  }

  @Access(administratorsOf(target('story', 'id')))
  @Mutation(() => StoryModel)
  async updateStory(
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: StoryInput,
  ): Promise<StoryModel> {
    return StoryModel.from(await this.stories.update(id, input));
  }

  @Access(administratorsOf(target('story', 'id')))
  @Mutation(() => ID, { description: 'Refused while the entry or a jump refers to the story.' })
  deleteStory(@Args('id', { type: () => ID }) id: string): Promise<string> {
    return this.stories.delete(id);
  }

  @Access(administratorsOf(target('bot', 'botId')))
  @Mutation(() => BotModel, { description: 'The story played when a request opens; null: none.' })
  async setEntryStory(
    @Args('botId', { type: () => ID }) botId: string,
    @Args('storyId', { type: () => ID, nullable: true }) storyId: string | null,
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

  @ResolveField('stories', () => [StoryModel])
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
    description: 'Played when a request is opened.',
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
