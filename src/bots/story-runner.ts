export type StoryStepKind = 'SEND_MESSAGE' | 'JUMP_TO' | 'REQUEST_HUMAN';

export type TeamState = 'ONLINE' | 'OFFLINE';

/** A condition of a jump: holds when the support team is currently in this state. */
export interface StoryCondition {
  supportTeam: TeamState;
}

export interface StoryStepDefinition {
  kind: StoryStepKind;
  text?: string | null;
  targetStoryId?: string | null;
  conditions?: readonly StoryCondition[] | null;
}

export interface StoryDefinition {
  id: string;
  steps: readonly StoryStepDefinition[];
}

export type StoryAction =
  | { kind: 'SEND_MESSAGE'; text: string; storyId: string }
  | { kind: 'REQUEST_HUMAN'; storyId: string };

export interface StoryRun {
  /** What the bot does, in order. */
  actions: StoryAction[];
  /** Every story entered, in order, repeats included; the entry story first. */
  visitedStoryIds: string[];
  stoppedBy: 'END' | 'STEP_LIMIT' | 'MISSING_STORY';
  /** The story that could not be found, with MISSING_STORY. */
  missingStoryId?: string;
}

/**
 * How many steps one run may execute. Jumps may form cycles (a story jumping to itself, A to B
 * to A), which validation allows since a condition may break them; this bound keeps a run finite.
 */
export const MAX_STORY_STEPS = 100;

/**
 * Plays the stories from the entry story as an end user opening a request sees them.
 *
 * A jump is a goto: it continues with the first step of its target and never returns to the rest
 * of the story it left. Every executed step counts toward `maxSteps`, jumps included whether
 * taken or not, so a cycle of jumps without messages still ends. The runner is total: a jump to a
 * story not in `stories` (or a missing entry story) ends the run with MISSING_STORY, and steps
 * that validation would refuse (a message without text, a jump without target) are skipped.
 */
export function runStory(
  stories: Iterable<StoryDefinition>,
  entryStoryId: string,
  supportTeam: TeamState,
  maxSteps: number = MAX_STORY_STEPS,
): StoryRun {
  const storiesById = indexById(stories);
  const limit = stepLimit(maxSteps);
  const actions: StoryAction[] = [];
  const visitedStoryIds: string[] = [];

  let story = storiesById.get(entryStoryId);
  if (!story) {
    return { actions, visitedStoryIds, stoppedBy: 'MISSING_STORY', missingStoryId: entryStoryId };
  }
  visitedStoryIds.push(story.id);
  let stepIndex = 0;
  let executedSteps = 0;

  while (stepIndex < story.steps.length) {
    if (executedSteps >= limit) {
      return { actions, visitedStoryIds, stoppedBy: 'STEP_LIMIT' };
    }
    const step = story.steps[stepIndex];
    executedSteps += 1;
    stepIndex += 1;

    switch (step.kind) {
      case 'SEND_MESSAGE':
        if (step.text) {
          actions.push({ kind: 'SEND_MESSAGE', text: step.text, storyId: story.id });
        }
        break;
      case 'REQUEST_HUMAN':
        actions.push({ kind: 'REQUEST_HUMAN', storyId: story.id });
        break;
      case 'JUMP_TO': {
        const targetId = step.targetStoryId;
        if (!targetId || !conditionsHold(step.conditions, supportTeam)) {
          break;
        }
        const target = storiesById.get(targetId);
        if (!target) {
          return { actions, visitedStoryIds, stoppedBy: 'MISSING_STORY', missingStoryId: targetId };
        }
        story = target;
        stepIndex = 0;
        visitedStoryIds.push(story.id);
        break;
      }
      default:
        // A kind this runner does not know (e.g. a newer row read by an older server): skip it.
        break;
    }
  }
  return { actions, visitedStoryIds, stoppedBy: 'END' };
}

/** Whether every condition holds for the team's current state; no conditions always hold. */
export function conditionsHold(
  conditions: readonly StoryCondition[] | null | undefined,
  supportTeam: TeamState,
): boolean {
  return (conditions ?? []).every((condition) => condition.supportTeam === supportTeam);
}

/** Stories by id; with duplicate ids (refused by validation) the first one wins. */
function indexById(stories: Iterable<StoryDefinition>): Map<string, StoryDefinition> {
  const byId = new Map<string, StoryDefinition>();
  for (const story of stories) {
    if (!byId.has(story.id)) {
      byId.set(story.id, story);
    }
  }
  return byId;
}

/** A usable step limit: a whole number >= 0; an unbounded or NaN limit falls back to the default. */
function stepLimit(maxSteps: number): number {
  return Number.isFinite(maxSteps) ? Math.max(0, Math.floor(maxSteps)) : MAX_STORY_STEPS;
}
