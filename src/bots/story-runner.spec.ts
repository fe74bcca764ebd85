import {
  MAX_STORY_STEPS,
  StoryAction,
  StoryCondition,
  StoryDefinition,
  StoryRun,
  StoryStepDefinition,
  TeamState,
  conditionsHold,
  runStory,
} from './story-runner';

const say = (text: string): StoryStepDefinition => ({ kind: 'SEND_MESSAGE', text });
const human = (): StoryStepDefinition => ({ kind: 'REQUEST_HUMAN' });
const jump = (targetStoryId: string, ...teams: TeamState[]): StoryStepDefinition => ({
  kind: 'JUMP_TO',
  targetStoryId,
  conditions: teams.map((supportTeam) => ({ supportTeam })),
});
const story = (id: string, ...steps: StoryStepDefinition[]): StoryDefinition => ({ id, steps });

const sent = (storyId: string, text: string): StoryAction => ({
  kind: 'SEND_MESSAGE',
  text,
  storyId,
});
const queued = (storyId: string): StoryAction => ({ kind: 'REQUEST_HUMAN', storyId });

/** The texts sent, to compare long runs compactly. */
const textsOf = (run: StoryRun): string[] =>
  run.actions.map((action) => (action.kind === 'SEND_MESSAGE' ? action.text : '<human>'));

describe('runStory', () => {
  it('plays the steps of a linear story in order and ends', () => {
    const stories = [story('welcome', say('Hello'), say('How can we help?'))];
    expect(runStory(stories, 'welcome', 'ONLINE')).toEqual<StoryRun>({
      actions: [sent('welcome', 'Hello'), sent('welcome', 'How can we help?')],
      visitedStoryIds: ['welcome'],
      stoppedBy: 'END',
    });
  });

  it('ends without actions on an entry story without steps', () => {
    expect(runStory([story('empty')], 'empty', 'ONLINE')).toEqual<StoryRun>({
      actions: [],
      visitedStoryIds: ['empty'],
      stoppedBy: 'END',
    });
  });

  describe('conditional jumps', () => {
    const stories = (...teams: TeamState[]) => [
      story('entry', say('Hi'), jump('target', ...teams), say('fell through')),
      story('target', say('jumped')),
    ];

    // "Support team is online / is offline": a jump is taken only when every condition holds.
    it.each<[TeamState[], TeamState, boolean]>([
      [['ONLINE'], 'ONLINE', true],
      [['ONLINE'], 'OFFLINE', false],
      [['OFFLINE'], 'OFFLINE', true],
      [['OFFLINE'], 'ONLINE', false],
      [[], 'ONLINE', true],
      [[], 'OFFLINE', true],
      [['ONLINE', 'ONLINE'], 'ONLINE', true],
      [['ONLINE', 'OFFLINE'], 'ONLINE', false],
      [['ONLINE', 'OFFLINE'], 'OFFLINE', false],
    ])('with conditions %j and the team %s, takes the jump: %s', (conditions, team, taken) => {
      const run = runStory(stories(...conditions), 'entry', team);
      expect(run).toEqual<StoryRun>(
        taken
          ? {
              actions: [sent('entry', 'Hi'), sent('target', 'jumped')],
              visitedStoryIds: ['entry', 'target'],
              stoppedBy: 'END',
            }
          : {
              actions: [sent('entry', 'Hi'), sent('entry', 'fell through')],
              visitedStoryIds: ['entry'],
              stoppedBy: 'END',
            },
      );
    });

    it.each<[string, StoryStepDefinition['conditions']]>([
      ['null', null],
      ['undefined', undefined],
    ])('treats %s conditions as always holding', (_name, conditions) => {
      const stories = [
        story('entry', { kind: 'JUMP_TO', targetStoryId: 'target', conditions }, say('no')),
        story('target', say('yes')),
      ];
      expect(textsOf(runStory(stories, 'entry', 'OFFLINE'))).toEqual(['yes']);
    });

    it('tries the next jump when the first does not hold', () => {
      const stories = [
        story('entry', jump('online', 'ONLINE'), jump('offline', 'OFFLINE'), say('unreachable')),
        story('online', say('An agent will answer')),
        story('offline', say('We are closed')),
      ];
      expect(runStory(stories, 'entry', 'OFFLINE')).toEqual<StoryRun>({
        actions: [sent('offline', 'We are closed')],
        visitedStoryIds: ['entry', 'offline'],
        stoppedBy: 'END',
      });
    });
  });

  it('does not resume the remaining steps of the story it jumped from', () => {
    const stories = [
      story('entry', say('before'), jump('target'), say('after the jump')),
      story('target', say('in target')),
    ];
    expect(runStory(stories, 'entry', 'ONLINE')).toEqual<StoryRun>({
      actions: [sent('entry', 'before'), sent('target', 'in target')],
      visitedStoryIds: ['entry', 'target'],
      stoppedBy: 'END',
    });
  });

  it('continues after REQUEST_HUMAN with the next steps', () => {
    const stories = [
      story('entry', say('One moment'), human(), say('An agent will join'), jump('bye')),
      story('bye', say('Thanks for waiting')),
    ];
    expect(runStory(stories, 'entry', 'ONLINE')).toEqual<StoryRun>({
      actions: [
        sent('entry', 'One moment'),
        queued('entry'),
        sent('entry', 'An agent will join'),
        sent('bye', 'Thanks for waiting'),
      ],
      visitedStoryIds: ['entry', 'bye'],
      stoppedBy: 'END',
    });
  });

  it.each<[string, StoryStepDefinition]>([
    ['an empty text', { kind: 'SEND_MESSAGE', text: '' }],
    ['a null text', { kind: 'SEND_MESSAGE', text: null }],
    ['no text', { kind: 'SEND_MESSAGE' }],
    ['a jump without target', { kind: 'JUMP_TO', targetStoryId: null }],
    ['a jump with an empty target', { kind: 'JUMP_TO', targetStoryId: '' }],
    ['an unknown kind', { kind: 'SHOW_CAROUSEL' as StoryStepDefinition['kind'] }],
  ])('skips a step with %s and plays on', (_name, invalid) => {
    const stories = [story('entry', say('before'), invalid, say('after'))];
    expect(runStory(stories, 'entry', 'ONLINE')).toEqual<StoryRun>({
      actions: [sent('entry', 'before'), sent('entry', 'after')],
      visitedStoryIds: ['entry'],
      stoppedBy: 'END',
    });
  });

  describe('cycles', () => {
    it.each<[string, StoryDefinition[], number, string[], number]>([
      // Each jump enters the story again: 1 entry + 1 per executed jump.
      ['a silent self-jump', [story('a', jump('a'))], MAX_STORY_STEPS, [], MAX_STORY_STEPS + 1],
      [
        'a silent two-story cycle',
        [story('a', jump('b')), story('b', jump('a'))],
        MAX_STORY_STEPS,
        [],
        MAX_STORY_STEPS + 1,
      ],
      [
        'a self-jump that sends a message',
        [story('a', say('a'), jump('a'))],
        MAX_STORY_STEPS,
        Array<string>(50).fill('a'),
        51,
      ],
      [
        'a two-story cycle that sends messages',
        [story('a', say('a'), jump('b')), story('b', say('b'), jump('a'))],
        MAX_STORY_STEPS,
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 'a' : 'b')),
        51,
      ],
      [
        'a two-story cycle under a smaller limit',
        [story('a', say('a'), jump('b')), story('b', say('b'), jump('a'))],
        5,
        ['a', 'b', 'a'],
        3,
      ],
      [
        'a cycle with a human request under a smaller limit',
        [story('a', say('a'), human(), jump('a'))],
        7,
        ['a', '<human>', 'a', '<human>', 'a'],
        3,
      ],
    ])('stops %s at the step limit', (_name, stories, maxSteps, texts, visitedCount) => {
      const run = runStory(stories, 'a', 'ONLINE', maxSteps);
      expect(run.stoppedBy).toBe('STEP_LIMIT');
      expect(textsOf(run)).toEqual(texts);
      expect(run.visitedStoryIds).toHaveLength(visitedCount);
      expect(run.missingStoryId).toBeUndefined();
    });

    it('leaves a cycle whose jump condition does not hold', () => {
      const stories = [story('a', say('a'), jump('a', 'ONLINE'), say('done'))];
      expect(runStory(stories, 'a', 'OFFLINE')).toEqual<StoryRun>({
        actions: [sent('a', 'a'), sent('a', 'done')],
        visitedStoryIds: ['a'],
        stoppedBy: 'END',
      });
    });
  });

  describe('step limit', () => {
    const long = (count: number) =>
      story('long', ...Array.from({ length: count }, (_, i) => say(`m${i + 1}`)));

    it.each<[string, number, number | undefined, number, StoryRun['stoppedBy']]>([
      ['ends a story of exactly the default limit', MAX_STORY_STEPS, undefined, 100, 'END'],
      [
        'cuts a story one step over the default limit',
        MAX_STORY_STEPS + 1,
        undefined,
        100,
        'STEP_LIMIT',
      ],
      ['ends a story of exactly a custom limit', 3, 3, 3, 'END'],
      ['cuts a story over a custom limit', 10, 3, 3, 'STEP_LIMIT'],
      ['executes nothing with a limit of 0', 2, 0, 0, 'STEP_LIMIT'],
      ['treats a negative limit as 0', 2, -5, 0, 'STEP_LIMIT'],
      ['rounds a fractional limit down', 5, 2.9, 2, 'STEP_LIMIT'],
      ['falls back to the default for an infinite limit', 150, Infinity, 100, 'STEP_LIMIT'],
      ['falls back to the default for a NaN limit', 150, NaN, 100, 'STEP_LIMIT'],
    ])('%s', (_name, length, maxSteps, actionCount, stoppedBy) => {
      const run = runStory([long(length)], 'long', 'ONLINE', maxSteps);
      expect(run.actions).toHaveLength(actionCount);
      expect(run.stoppedBy).toBe(stoppedBy);
    });

    it('counts jumps that are not taken', () => {
      const stories = [story('a', jump('b', 'OFFLINE'), jump('b', 'OFFLINE'), say('late'))];
      expect(runStory(stories, 'a', 'ONLINE', 2)).toEqual<StoryRun>({
        actions: [],
        visitedStoryIds: ['a'],
        stoppedBy: 'STEP_LIMIT',
      });
    });
  });

  describe('missing stories', () => {
    it('stops at a jump to a story that is not in the set and names it', () => {
      const stories = [story('entry', say('Hi'), jump('deleted'), say('never'))];
      expect(runStory(stories, 'entry', 'ONLINE')).toEqual<StoryRun>({
        actions: [sent('entry', 'Hi')],
        visitedStoryIds: ['entry'],
        stoppedBy: 'MISSING_STORY',
        missingStoryId: 'deleted',
      });
    });

    it('ignores a missing target whose jump condition does not hold', () => {
      const stories = [story('entry', jump('deleted', 'OFFLINE'), say('still here'))];
      expect(runStory(stories, 'entry', 'ONLINE')).toEqual<StoryRun>({
        actions: [sent('entry', 'still here')],
        visitedStoryIds: ['entry'],
        stoppedBy: 'END',
      });
    });

    it.each<[string, StoryDefinition[]]>([
      ['no stories', []],
      ['other stories only', [story('other', say('Hi'))]],
    ])('stops before any action when the entry story is missing among %s', (_name, stories) => {
      expect(runStory(stories, 'entry', 'ONLINE')).toEqual<StoryRun>({
        actions: [],
        visitedStoryIds: [],
        stoppedBy: 'MISSING_STORY',
        missingStoryId: 'entry',
      });
    });
  });

  it('accepts any iterable of stories, keeping the first of duplicate ids', () => {
    const stories = new Set([story('entry', say('first')), story('entry', say('second'))]);
    expect(textsOf(runStory(stories, 'entry', 'ONLINE'))).toEqual(['first']);
  });
});

describe('conditionsHold', () => {
  it.each<[StoryCondition[] | null | undefined, TeamState, boolean]>([
    [null, 'ONLINE', true],
    [undefined, 'OFFLINE', true],
    [[], 'OFFLINE', true],
    [[{ supportTeam: 'ONLINE' }], 'ONLINE', true],
    [[{ supportTeam: 'ONLINE' }], 'OFFLINE', false],
    [[{ supportTeam: 'OFFLINE' }], 'OFFLINE', true],
    [[{ supportTeam: 'OFFLINE' }, { supportTeam: 'OFFLINE' }], 'OFFLINE', true],
    [[{ supportTeam: 'ONLINE' }, { supportTeam: 'OFFLINE' }], 'ONLINE', false],
    [[{ supportTeam: 'ONLINE' }, { supportTeam: 'OFFLINE' }], 'OFFLINE', false],
  ])('for %j with the team %s is %s', (conditions, team, expected) => {
    expect(conditionsHold(conditions, team)).toBe(expected);
  });
});
