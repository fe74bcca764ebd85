import { TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';
import { botWithTeam, codes, openRequest, startSession } from './support/factories';

const CREATE = `mutation ($botId: ID!, $input: StoryInput!) {
  createStory(botId: $botId, input: $input) { id name steps { kind text targetStoryId conditions { supportTeam } } }
}`;
const UPDATE = `mutation ($id: ID!, $input: StoryInput!) { updateStory(id: $id, input: $input) { id name steps { kind text } } }`;
const DELETE = `mutation ($id: ID!) { deleteStory(id: $id) }`;
const SET_ENTRY = `mutation ($botId: ID!, $storyId: ID) { setEntryStory(botId: $botId, storyId: $storyId) { id entryStory { id name } } }`;
const STORIES = `query ($id: ID!) { bot(id: $id) { stories { id name } entryStory { id } } }`;
const REQUEST = `query ($id: ID!) {
  request(id: $id) { supportStatusAtCreation awaitingHuman messages { seq author text } }
}`;
const REPLACE = `mutation ($botId: ID!, $slots: [AvailabilitySlotInput!]!) { replaceWeeklySchedule(botId: $botId, slots: $slots) { id } }`;

type Team = Awaited<ReturnType<typeof botWithTeam>>;

describe('stories', () => {
  // Monday 2026-11-23, 10:00 in Paris.
  const clock = new TestClock('2026-11-23T09:00:00Z');
  let app: TestApp;

  const create = async (team: Team, name: string, steps: unknown[]) =>
    (await app.ok(CREATE, { botId: team.bot.id, input: { name, steps } }, team.admin.token))
      .createStory as {
      id: string;
    };

  /** Welcome → "Support is here" when the team is online, else "We are away" and a queued takeover. */
  const routingStories = async (team: Team) => {
    const online = await create(team, 'Online', [
      { kind: 'SEND_MESSAGE', text: 'An agent will answer you shortly.' },
    ]);
    const offline = await create(team, 'Offline', [
      { kind: 'SEND_MESSAGE', text: 'We are away; we will get back to you.' },
      { kind: 'REQUEST_HUMAN' },
    ]);
    const welcome = await create(team, 'Welcome', [
      { kind: 'SEND_MESSAGE', text: 'Hello!' },
      { kind: 'JUMP_TO', targetStoryId: online.id, conditions: [{ supportTeam: 'ONLINE' }] },
      { kind: 'JUMP_TO', targetStoryId: offline.id, conditions: [{ supportTeam: 'OFFLINE' }] },
      { kind: 'SEND_MESSAGE', text: 'never said' },
    ]);
    await app.ok(SET_ENTRY, { botId: team.bot.id, storyId: welcome.id }, team.admin.token);
    await app.ok(
      REPLACE,
      { botId: team.bot.id, slots: [{ weekday: 'MONDAY', startTime: '09:00', endTime: '17:00' }] },
      team.admin.token,
    );
    return { online, offline, welcome };
  };

  const openAndRead = async (team: Team) => {
    const endUser = await startSession(app, team.bot);
    const { id } = await openRequest(app, endUser);
    return (await app.ok(REQUEST, { id }, team.agent.token)).request;
  };

  beforeAll(async () => {
    app = await TestApp.start({ clock, tokenTtl: '30d' });
  });
  afterAll(() => app.close());

  it('routes a new request by the support status: online', async () => {
    clock.set('2026-11-23T09:00:00Z'); // Monday 10:00 in Paris: in the slot
    const team = await botWithTeam(app);
    await routingStories(team);
    expect(await openAndRead(team)).toEqual({
      supportStatusAtCreation: 'ONLINE',
      awaitingHuman: false,
      messages: [
        { seq: 1, author: 'BOT', text: 'Hello!' },
        { seq: 2, author: 'BOT', text: 'An agent will answer you shortly.' },
      ],
    });
  });

  it('routes a new request by the support status: offline, queued for a person', async () => {
    clock.set('2026-11-23T19:00:00Z'); // Monday 20:00 in Paris: after the slot
    const team = await botWithTeam(app);
    await routingStories(team);
    expect(await openAndRead(team)).toEqual({
      supportStatusAtCreation: 'OFFLINE',
      awaitingHuman: true,
      messages: [
        { seq: 1, author: 'BOT', text: 'Hello!' },
        { seq: 2, author: 'BOT', text: 'We are away; we will get back to you.' },
      ],
    });
    const queued = await app.ok(
      `query ($botId: ID!) { requests(botId: $botId, filter: { awaitingHuman: true }) { totalCount } }`,
      { botId: team.bot.id },
      team.agent.token,
    );
    expect(queued.requests.totalCount).toBe(1);
  });

  it('routes by a temporary unavailability too', async () => {
    clock.set('2026-11-30T10:00:00Z'); // the next Monday, 11:00 in Paris: in the slot, but the team stepped away
    const team = await botWithTeam(app);
    await routingStories(team);
    await app.ok(
      `mutation ($botId: ID!) { activateTemporaryUnavailability(botId: $botId, hours: 1, minutes: 0) { endsAt } }`,
      { botId: team.bot.id },
      team.admin.token,
    );
    expect((await openAndRead(team)).supportStatusAtCreation).toBe('OFFLINE');
  });

  it('stops a cycle of jumps after a bounded number of steps', async () => {
    const team = await botWithTeam(app);
    const loop = await create(team, 'Loop', [{ kind: 'SEND_MESSAGE', text: 'again' }]);
    await app.ok(
      UPDATE,
      {
        id: loop.id,
        input: {
          name: 'Loop',
          steps: [
            { kind: 'SEND_MESSAGE', text: 'again' },
            { kind: 'JUMP_TO', targetStoryId: loop.id },
          ],
        },
      },
      team.admin.token,
    );
    await app.ok(SET_ENTRY, { botId: team.bot.id, storyId: loop.id }, team.admin.token);
    const request = await openAndRead(team);
    expect(request.messages).toHaveLength(50);
  });

  it('lists stories and the entry story, and clears the entry story', async () => {
    const team = await botWithTeam(app);
    const { online, offline, welcome } = await routingStories(team);
    const { bot } = await app.ok(STORIES, { id: team.bot.id }, team.agent.token);
    expect(bot.stories.map((s: { id: string }) => s.id)).toEqual([
      online.id,
      offline.id,
      welcome.id,
    ]);
    expect(bot.entryStory).toEqual({ id: welcome.id });
    await app.ok(SET_ENTRY, { botId: team.bot.id, storyId: null }, team.admin.token);
    expect((await openAndRead(team)).messages).toEqual([]);
  });

  describe('bad input changes nothing', () => {
    it.each([
      ['SEND_MESSAGE without text', [{ kind: 'SEND_MESSAGE' }], 'input.steps.0.text'],
      [
        'SEND_MESSAGE with blank text',
        [{ kind: 'SEND_MESSAGE', text: '  ' }],
        'input.steps.0.text',
      ],
      [
        'JUMP_TO without target',
        [{ kind: 'SEND_MESSAGE', text: 'hi' }, { kind: 'JUMP_TO' }],
        'input.steps.1.targetStoryId',
      ],
      [
        'JUMP_TO to an unknown story',
        [{ kind: 'JUMP_TO', targetStoryId: '6f1c2a7e-0000-4000-8000-000000000000' }],
        'input.steps.0.targetStoryId',
      ],
      ['an empty name', [], 'input.name'],
    ])('refuses %s with BAD_USER_INPUT naming the field', async (label, steps, field) => {
      const team = await botWithTeam(app);
      const name = label === 'an empty name' ? ' ' : 'Story';
      const result = await app.request(
        CREATE,
        { botId: team.bot.id, input: { name, steps } },
        team.admin.token,
      );
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions.field).toBe(field);
      expect((await app.ok(STORIES, { id: team.bot.id }, team.admin.token)).bot.stories).toEqual(
        [],
      );
    });

    it("refuses a JUMP_TO to another bot's story, and another bot's story as entry", async () => {
      const team = await botWithTeam(app);
      const other = await botWithTeam(app);
      const foreign = await create(other, 'Foreign', [{ kind: 'SEND_MESSAGE', text: 'hi' }]);
      const jump = await app.request(
        CREATE,
        {
          botId: team.bot.id,
          input: { name: 'Jumper', steps: [{ kind: 'JUMP_TO', targetStoryId: foreign.id }] },
        },
        team.admin.token,
      );
      expect(codes(jump)).toEqual(['BAD_USER_INPUT']);
      const entry = await app.request(
        SET_ENTRY,
        { botId: team.bot.id, storyId: foreign.id },
        team.admin.token,
      );
      expect(codes(entry)).toEqual(['BAD_USER_INPUT']);
      expect(entry.errors?.[0].extensions.field).toBe('storyId');
      const { bot } = await app.ok(STORIES, { id: team.bot.id }, team.admin.token);
      expect(bot).toEqual({ stories: [], entryStory: null });
      // Nor may its administrator edit or delete it.
      expect(codes(await app.request(DELETE, { id: foreign.id }, team.admin.token))).toEqual([
        'NOT_FOUND',
      ]);
    });

    it('refuses deleting a story the entry or a jump refers to (CONFLICT naming them)', async () => {
      const team = await botWithTeam(app);
      const { online, welcome } = await routingStories(team);
      const referenced = await app.request(DELETE, { id: online.id }, team.admin.token);
      expect(codes(referenced)).toEqual(['CONFLICT']);
      expect(referenced.errors?.[0].extensions).toMatchObject({
        referringStoryIds: [welcome.id],
        isEntryStory: false,
      });
      const entry = await app.request(DELETE, { id: welcome.id }, team.admin.token);
      expect(codes(entry)).toEqual(['CONFLICT']);
      expect(entry.errors?.[0].extensions).toMatchObject({
        isEntryStory: true,
        referringStoryIds: [],
      });
      expect(
        (await app.ok(STORIES, { id: team.bot.id }, team.admin.token)).bot.stories,
      ).toHaveLength(3);

      // Once nothing refers to it, it goes.
      await app.ok(SET_ENTRY, { botId: team.bot.id, storyId: null }, team.admin.token);
      expect((await app.ok(DELETE, { id: welcome.id }, team.admin.token)).deleteStory).toBe(
        welcome.id,
      );
    });

    it('refuses story edits by a SUPPORT_AGENT (FORBIDDEN)', async () => {
      const team = await botWithTeam(app);
      const story = await create(team, 'Mine', [{ kind: 'SEND_MESSAGE', text: 'hi' }]);
      const input = { name: 'Theirs', steps: [] };
      const results = await Promise.all([
        app.request(CREATE, { botId: team.bot.id, input }, team.agent.token),
        app.request(UPDATE, { id: story.id, input }, team.agent.token),
        app.request(DELETE, { id: story.id }, team.agent.token),
        app.request(SET_ENTRY, { botId: team.bot.id, storyId: story.id }, team.agent.token),
      ]);
      expect(results.map(codes)).toEqual(Array(4).fill(['FORBIDDEN']));
      expect((await app.ok(STORIES, { id: team.bot.id }, team.admin.token)).bot.stories).toEqual([
        { id: story.id, name: 'Mine' },
      ]);
    });
  });
});
