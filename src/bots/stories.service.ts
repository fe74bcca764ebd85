import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Transactions } from '../common/database/transactions';
import { AppError } from '../common/errors/app-error';
import { messageText } from '../common/validation/message-text';
import { isUuid } from '../common/validation/uuid';
import { BotEntity } from './bot.entity';
import { BotsService } from './bots.service';
import { StoryInput, StoryStepKindEnum } from './dto/story.input';
import { StoredStoryStep, StoryEntity } from './story.entity';
import { StoryAction, TeamState, runStory } from './story-runner';

/**
 * A bot's stories and its entry story. Every write runs with the bot row locked, so a story
 * cannot be deleted while another edit makes it a jump target.
 */
@Injectable()
export class StoriesService {
  private readonly logger = new Logger(StoriesService.name);

  constructor(
    private readonly transactions: Transactions,
    @InjectRepository(StoryEntity) private readonly stories: Repository<StoryEntity>,
    private readonly bots: BotsService,
  ) {}

  /** The stories of several bots in one query, oldest first. */
  async storiesOf(botIds: readonly string[]): Promise<StoryEntity[][]> {
    const rows = await this.stories.find({
      where: { botId: In([...botIds]) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return botIds.map((botId) => rows.filter((row) => row.botId === botId));
  }

  async storiesById(ids: readonly string[]): Promise<(StoryEntity | null)[]> {
    const rows = await this.stories.findBy({ id: In([...ids]) });
    return ids.map((id) => rows.find((row) => row.id === id) ?? null);
  }

  /**
   * What the bot's entry story does for a new request while the support team is `team`
   * (nothing when the bot has no entry story). A cut-off run (a cycle of jumps) is logged.
   */
  async playEntryStory(botId: string, team: TeamState): Promise<StoryAction[]> {
    const bot = await this.bots.get(botId);
    if (!bot.entryStoryId) {
      return [];
    }
    const [stories] = await this.storiesOf([botId]);
    const run = runStory(stories, bot.entryStoryId, team);
    if (run.stoppedBy !== 'END') {
      this.logger.warn(
        `Entry story of bot ${botId} stopped early (${run.stoppedBy}${run.missingStoryId ? ` ${run.missingStoryId}` : ''}) after visiting ${run.visitedStoryIds.length} stories`,
      );
    }
    return run.actions;
  }

  async botIdOfStory(storyId: string): Promise<string | null> {
    const story = await this.stories.findOne({ select: { botId: true }, where: { id: storyId } });
    return story?.botId ?? null;
  }

  async create(botId: string, input: StoryInput): Promise<StoryEntity> {
    return this.transactions.run(async ({ manager }) => {
      await this.bots.lockBot(manager, botId);
      const steps = await this.checkSteps(manager, botId, input, null);
      return manager.save(manager.create(StoryEntity, { botId, name: input.name, steps }));
    });
  }

  async update(storyId: string, input: StoryInput): Promise<StoryEntity> {
    return this.transactions.run(async ({ manager }) => {
      const story = await this.findIn(manager, storyId);
      await this.bots.lockBot(manager, story.botId);
      const steps = await this.checkSteps(manager, story.botId, input, storyId);
      await manager.update(StoryEntity, { id: storyId }, { name: input.name, steps });
      return { ...story, name: input.name, steps };
    });
  }

  /** Refused (CONFLICT) while the bot's entry or another story's jump refers to it. */
  async delete(storyId: string): Promise<string> {
    await this.transactions.run(async ({ manager }) => {
      const story = await this.findIn(manager, storyId);
      const bot = await this.bots.lockBot(manager, story.botId);
      const others = await manager.findBy(StoryEntity, { botId: story.botId });
      const jumpers = others.filter(
        (other) =>
          other.id !== storyId &&
          other.steps.some((step) => step.kind === 'JUMP_TO' && step.targetStoryId === storyId),
      );
      const isEntry = bot.entryStoryId === storyId;
      if (isEntry || jumpers.length > 0) {
        const referrers = [
          ...(isEntry ? ['the entry story of the bot'] : []),
          ...jumpers.map((jumper) => `story "${jumper.name}"`),
        ];
        throw AppError.conflict(`This story is referred to by ${referrers.join(', ')}`, {
          referrers,
          referringStoryIds: jumpers.map((jumper) => jumper.id),
          isEntryStory: isEntry,
        });
      }
      await manager.delete(StoryEntity, { id: storyId });
    });
    return storyId;
  }

  /** Sets (or with null, clears) the story played when a request opens. */
  async setEntryStory(botId: string, storyId: string | null): Promise<BotEntity> {
    await this.transactions.run(async ({ manager }) => {
      await this.bots.lockBot(manager, botId);
      if (storyId !== null) {
        const story = isUuid(storyId)
          ? await manager.findOneBy(StoryEntity, { id: storyId })
          : null;
        if (!story || story.botId !== botId) {
          throw AppError.badInput('storyId', 'No story of this bot has this id');
        }
      }
      await manager.update(BotEntity, { id: botId }, { entryStoryId: storyId });
    });
    return this.bots.get(botId);
  }

  private async findIn(manager: EntityManager, storyId: string): Promise<StoryEntity> {
    const story = await manager.findOneBy(StoryEntity, { id: storyId });
    if (!story) {
      throw AppError.notFound('Story');
    }
    return story;
  }

  /**
   * Each kind's rules: SEND_MESSAGE needs a text (trimmed, 1 to 4,000 characters); JUMP_TO needs
   * a target among the bot's stories (`selfId`: the story being edited may jump to itself).
   * Fields a kind does not use are dropped.
   */
  private async checkSteps(
    manager: EntityManager,
    botId: string,
    input: StoryInput,
    selfId: string | null,
  ): Promise<StoredStoryStep[]> {
    const targets = input.steps
      .map((step) => step.targetStoryId)
      .filter((id): id is string => isUuid(id) && id !== selfId);
    const known = new Set(
      targets.length === 0
        ? []
        : (await manager.findBy(StoryEntity, { botId, id: In(targets) })).map((story) => story.id),
    );
    return input.steps.map((step, index): StoredStoryStep => {
      const path = `input.steps.${index}`;
      switch (step.kind) {
        case StoryStepKindEnum.SEND_MESSAGE: {
          const text = messageText(step.text, `${path}.text`);
          return { kind: 'SEND_MESSAGE', text, targetStoryId: null, conditions: [] };
        }
        case StoryStepKindEnum.JUMP_TO: {
          const target = step.targetStoryId ?? null;
          if (target === null) {
            throw AppError.badInput(
              `${path}.targetStoryId`,
              'A JUMP_TO step needs a targetStoryId',
            );
          }
          if (target !== selfId && !known.has(target)) {
            throw AppError.badInput(
              `${path}.targetStoryId`,
              'A JUMP_TO step must target a story of the same bot',
            );
          }
          return {
            kind: 'JUMP_TO',
            text: null,
            targetStoryId: target,
            conditions: (step.conditions ?? []).map((c) => ({ supportTeam: c.supportTeam })),
          };
        }
        case StoryStepKindEnum.REQUEST_HUMAN:
          return { kind: 'REQUEST_HUMAN', text: null, targetStoryId: null, conditions: [] };
      }
    });
  }
}
