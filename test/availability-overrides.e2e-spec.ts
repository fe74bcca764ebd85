import { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';
import { AvailabilityService } from '../src/availability/availability.service';
import { SupportStatusScheduler } from '../src/availability/support-status.scheduler';
import {
  botWithTeam,
  codes,
  createBot,
  openRequest,
  startSession,
  TestBot,
} from './support/factories';
import { Subscription, waitFor } from './support/subscriptions';
import { TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';

const OVERRIDE_FIELDS = 'id botId date label ranges { startTime endTime }';
const SET = `mutation ($botId: ID!, $input: AvailabilityOverrideInput!) {
  setAvailabilityOverride(botId: $botId, input: $input) { ${OVERRIDE_FIELDS} }
}`;
const REMOVE = `mutation ($id: ID!) { removeAvailabilityOverride(id: $id) }`;
const LIST = `query ($id: ID!, $from: String, $to: String) {
  bot(id: $id) { availabilityOverrides(from: $from, to: $to) { ${OVERRIDE_FIELDS} } }
}`;
const REPLACE = `mutation ($botId: ID!, $slots: [AvailabilitySlotInput!]!) {
  replaceWeeklySchedule(botId: $botId, slots: $slots) { weekday }
}`;
const STATUS_FIELDS = 'state reason changesAt override { date label ranges { startTime endTime } }';
const STATUS = `query ($botId: ID!) { supportStatus(botId: $botId) { ${STATUS_FIELDS} } }`;
const BOTS = `query { bots { id supportStatus { ${STATUS_FIELDS} } } }`;
const CHANGED = `subscription ($botId: ID!) { supportStatusChanged(botId: $botId) { ${STATUS_FIELDS} } }`;
const ACTIVATE = `mutation ($botId: ID!, $hours: Int!, $minutes: Int!) {
  activateTemporaryUnavailability(botId: $botId, hours: $hours, minutes: $minutes) { endsAt }
}`;

type Team = Awaited<ReturnType<typeof botWithTeam>>;
type Range = { startTime: string; endTime: string };
type OverrideInput = { date: string; label?: string | null; ranges: Range[] };

const WEEKDAYS_9_TO_5 = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((weekday) => ({
  weekday,
  startTime: '09:00',
  endTime: '17:00',
}));

describe('dated availability overrides', () => {
  // Sunday 2026-12-20, 11:00 in Paris (UTC+1 in winter).
  const clock = new TestClock('2026-12-20T10:00:00Z');
  let app: TestApp;

  const set = (team: Team, input: OverrideInput, token = team.admin.token, botId = team.bot.id) =>
    app.request(SET, { botId, input }, token);
  const list = async (team: Team, from?: string, to?: string, bot: TestBot = team.bot) =>
    (await app.ok(LIST, { id: bot.id, from, to }, team.admin.token)).bot.availabilityOverrides;
  const status = async (team: Team) =>
    (await app.ok(STATUS, { botId: team.bot.id }, team.agent.token)).supportStatus;

  beforeAll(async () => {
    app = await TestApp.start({ clock, tokenTtl: '60d' });
  });
  afterAll(() => app.close());

  describe('setting, listing, replacing and removing', () => {
    it('sets a holiday and special hours, lists them by date, replaces a date and removes', async () => {
      const team = await botWithTeam(app);
      const christmas = (
        await app.ok(
          SET,
          {
            botId: team.bot.id,
            input: { date: '2026-12-25', label: ' Christmas Day ', ranges: [] },
          },
          team.admin.token,
        )
      ).setAvailabilityOverride;
      expect(christmas).toEqual({
        id: expect.any(String),
        botId: team.bot.id,
        date: '2026-12-25',
        label: 'Christmas Day',
        ranges: [],
      });
      const eve = (
        await app.ok(
          SET,
          {
            botId: team.bot.id,
            input: {
              date: '2026-12-24',
              ranges: [
                { startTime: '14:00', endTime: '24:00' },
                { startTime: '09:00', endTime: '12:00' },
                { startTime: '12:00', endTime: '13:00' },
              ],
            },
          },
          team.admin.token,
        )
      ).setAvailabilityOverride;
      expect(eve).toMatchObject({
        date: '2026-12-24',
        label: null,
        ranges: [
          { startTime: '09:00', endTime: '12:00' },
          { startTime: '12:00', endTime: '13:00' },
          { startTime: '14:00', endTime: '24:00' },
        ],
      });
      const farAhead = (await set(team, { date: '2028-06-01', label: 'Far ahead', ranges: [] }))
        .data?.setAvailabilityOverride;

      // Default span: today .. today + 365 days, ascending.
      expect((await list(team)).map((o: { date: string }) => o.date)).toEqual([
        '2026-12-24',
        '2026-12-25',
      ]);
      expect(
        (await list(team, '2026-12-25', '2030-01-01')).map((o: { id: string }) => o.id),
      ).toEqual([christmas.id, farAhead.id]);
      expect(await list(team, '2026-12-26', '2027-12-31')).toEqual([]);

      // Setting a date again replaces its override, keeping its id.
      const replaced = (
        await app.ok(
          SET,
          {
            botId: team.bot.id,
            input: {
              date: '2026-12-25',
              label: 'Short day',
              ranges: [{ startTime: '10:00', endTime: '12:00' }],
            },
          },
          team.admin.token,
        )
      ).setAvailabilityOverride;
      expect(replaced).toEqual({
        ...christmas,
        label: 'Short day',
        ranges: [{ startTime: '10:00', endTime: '12:00' }],
      });
      expect(await list(team, '2026-12-25', '2026-12-25')).toEqual([replaced]);

      expect(
        (await app.ok(REMOVE, { id: christmas.id }, team.admin.token)).removeAvailabilityOverride,
      ).toBe(christmas.id);
      expect(await list(team, '2026-12-25', '2026-12-25')).toEqual([]);
      expect(codes(await app.request(REMOVE, { id: christmas.id }, team.admin.token))).toEqual([
        'NOT_FOUND',
      ]);
    });

    it('accepts today, 731 days ahead, touching ranges, "24:00", an empty label and 100 characters', async () => {
      const team = await botWithTeam(app);
      for (const input of [
        { date: '2026-12-20', ranges: [{ startTime: '00:00', endTime: '24:00' }] },
        { date: '2028-12-20', label: '', ranges: [] },
        {
          date: '2027-01-01',
          label: 'x'.repeat(100),
          ranges: [
            { startTime: '09:00', endTime: '10:00' },
            { startTime: '10:00', endTime: '11:00' },
          ],
        },
      ]) {
        expect((await set(team, input)).errors).toBeUndefined();
      }
      expect(
        (await list(team, '2026-01-01', '2030-01-01')).map(
          (o: { label: string | null }) => o.label,
        ),
      ).toEqual([null, 'x'.repeat(100), null]);
    });

    const rejected: [string, OverrideInput, string][] = [
      ['a date that does not exist', { date: '2027-02-29', ranges: [] }, 'input.date'],
      ['a date not written YYYY-MM-DD', { date: '2026/12/25', ranges: [] }, 'input.date'],
      ['yesterday', { date: '2026-12-19', ranges: [] }, 'input.date'],
      ['732 days ahead', { date: '2028-12-21', ranges: [] }, 'input.date'],
      [
        'a label of 101 characters',
        { date: '2026-12-25', label: 'x'.repeat(101), ranges: [] },
        'input.label',
      ],
      [
        'a start not "HH:MM"',
        { date: '2026-12-25', ranges: [{ startTime: '9:00', endTime: '10:00' }] },
        'input.ranges.0.startTime',
      ],
      [
        'a start at "24:00"',
        { date: '2026-12-25', ranges: [{ startTime: '24:00', endTime: '24:00' }] },
        'input.ranges.0.startTime',
      ],
      [
        'an end past "24:00"',
        { date: '2026-12-25', ranges: [{ startTime: '20:00', endTime: '24:01' }] },
        'input.ranges.0.endTime',
      ],
      [
        'an end equal to the start',
        { date: '2026-12-25', ranges: [{ startTime: '10:00', endTime: '10:00' }] },
        'input.ranges.0.endTime',
      ],
      [
        'an end before the start, in the second range',
        {
          date: '2026-12-25',
          ranges: [
            { startTime: '08:00', endTime: '09:00' },
            { startTime: '11:00', endTime: '10:00' },
          ],
        },
        'input.ranges.1.endTime',
      ],
      [
        'overlapping ranges',
        {
          date: '2026-12-25',
          ranges: [
            { startTime: '09:00', endTime: '12:00' },
            { startTime: '11:00', endTime: '13:00' },
          ],
        },
        'input.ranges.1',
      ],
    ];
    it.each(rejected)(
      'refuses %s with BAD_USER_INPUT naming the field, and saves nothing',
      async (_, input, field) => {
        const team = await botWithTeam(app);
        const result = await set(team, input);
        expect(codes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors?.[0].extensions.field).toBe(field);
        expect(await list(team, '2000-01-01', '2100-01-01')).toEqual([]);
        expect((await status(team)).override).toBeNull();
      },
    );

    it('says which range an overlap is with', async () => {
      const team = await botWithTeam(app);
      const result = await set(team, rejected[rejected.length - 1][1]);
      expect(result.errors?.[0].extensions).toMatchObject({
        field: 'input.ranges.1',
        overlapsRangeIndex: 0,
      });
    });

    it("keeps a refused replacement from touching the date's override", async () => {
      const team = await botWithTeam(app);
      const kept = (await set(team, { date: '2026-12-25', label: 'Christmas', ranges: [] })).data
        ?.setAvailabilityOverride;
      const refused = await set(team, {
        date: '2026-12-25',
        ranges: [{ startTime: '12:00', endTime: '11:00' }],
      });
      expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(await list(team, '2026-12-25', '2026-12-25')).toEqual([kept]);
    });

    it("counts today in the bot's time zone", async () => {
      // 2026-12-20T12:00Z is already 2026-12-21 01:00 in Auckland, still the 20th in Paris.
      clock.set('2026-12-20T12:00:00Z');
      const team = await botWithTeam(app);
      const auckland = await createBot(app, team.admin, { timeZone: 'Pacific/Auckland' });
      const inAuckland = await set(
        team,
        { date: '2026-12-20', ranges: [] },
        team.admin.token,
        auckland.id,
      );
      expect(inAuckland.errors?.[0].extensions.field).toBe('input.date');
      expect((await set(team, { date: '2026-12-20', ranges: [] })).errors).toBeUndefined();
      expect(
        (await set(team, { date: '2026-12-21', ranges: [] }, team.admin.token, auckland.id)).errors,
      ).toBeUndefined();
      // The default span starts at the bot's today.
      expect(
        (await list(team, undefined, undefined, auckland)).map((o: { date: string }) => o.date),
      ).toEqual(['2026-12-21']);
    });

    it.each([
      ['from', { from: '2026-13-01' }],
      ['to', { to: 'tomorrow' }],
      ['to', { from: '2027-01-02', to: '2027-01-01' }],
    ])('refuses a bad span bound, naming %s', async (field, span) => {
      const team = await botWithTeam(app);
      const result = await app.request(LIST, { id: team.bot.id, ...span }, team.admin.token);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions.field).toBe(field);
    });

    it('answers a non-member NOT_FOUND and a SUPPORT_AGENT FORBIDDEN, changing nothing', async () => {
      const team = await botWithTeam(app);
      const existing = (await set(team, { date: '2026-12-25', ranges: [] })).data
        ?.setAvailabilityOverride;
      const results = await Promise.all([
        set(team, { date: '2026-12-26', ranges: [] }, team.outsider.token),
        app.request(REMOVE, { id: existing.id }, team.outsider.token),
        app.request(LIST, { id: team.bot.id }, team.outsider.token),
        set(team, { date: '2026-12-26', ranges: [] }, team.agent.token),
        app.request(REMOVE, { id: existing.id }, team.agent.token),
      ]);
      expect(results.map(codes)).toEqual([
        ['NOT_FOUND'],
        ['NOT_FOUND'],
        ['NOT_FOUND'],
        ['FORBIDDEN'],
        ['FORBIDDEN'],
      ]);
      // A SUPPORT_AGENT reads them.
      const read = await app.ok(
        LIST,
        { id: team.bot.id, from: '2026-12-01', to: '2026-12-31' },
        team.agent.token,
      );
      expect(read.bot.availabilityOverrides).toEqual([existing]);
    });
  });

  describe('the support status and its pushes (test clock, Europe/Paris)', () => {
    const subscribe = async (team: Team) => {
      const subscription = new Subscription(
        app.ws({ authorization: `Bearer ${team.agent.token}` }),
        CHANGED,
        { botId: team.bot.id },
      );
      await waitFor(() => app.app.get(SupportStatusScheduler).isWatching(team.bot.id));
      return subscription;
    };
    const next = async (subscription: Subscription) => {
      const event = await subscription.next();
      expect(event.errors).toBeUndefined();
      return event.data?.supportStatusChanged;
    };

    it('skips a holiday, opens special hours, and pushes at their edges, at midnight and on edits', async () => {
      clock.set('2026-12-24T15:00:00Z'); // Thursday 16:00 in Paris
      const team = await botWithTeam(app);
      await app.ok(REPLACE, { botId: team.bot.id, slots: WEEKDAYS_9_TO_5 }, team.admin.token);
      const changes = await subscribe(team);
      expect(await status(team)).toEqual({
        state: 'ONLINE',
        reason: 'IN_AVAILABILITY_SLOT',
        changesAt: '2026-12-24T16:00:00.000Z',
        override: null,
      });

      // An edit: Christmas Day (Friday) closed; the state now ends today at 17:00 as before.
      const christmas = (
        await set(team, { date: '2026-12-25', label: 'Christmas Day', ranges: [] })
      ).data?.setAvailabilityOverride;
      expect(await next(changes)).toEqual({
        state: 'ONLINE',
        reason: 'IN_AVAILABILITY_SLOT',
        changesAt: '2026-12-24T16:00:00.000Z',
        override: null,
      });
      // Another: special hours on Saturday the 26th.
      await set(team, { date: '2026-12-26', ranges: [{ startTime: '10:00', endTime: '12:00' }] });
      await next(changes);

      // 17:00: offline, and the holiday is skipped: the next change is Saturday 10:00.
      clock.set('2026-12-24T16:00:00Z');
      expect(await next(changes)).toEqual({
        state: 'OFFLINE',
        reason: 'OUTSIDE_AVAILABILITY_SLOTS',
        changesAt: '2026-12-26T09:00:00.000Z',
        override: null,
      });
      // Midnight: Christmas Day's override applies; the state does not change, the override does.
      clock.set('2026-12-24T23:00:00Z');
      expect(await next(changes)).toEqual({
        state: 'OFFLINE',
        reason: 'OUTSIDE_AVAILABILITY_SLOTS',
        changesAt: '2026-12-26T09:00:00.000Z',
        override: { date: '2026-12-25', label: 'Christmas Day', ranges: [] },
      });
      expect((await status(team)).override.date).toBe('2026-12-25');
      clock.set('2026-12-25T10:00:00Z'); // Friday 11:00: a slot day, closed
      expect(await status(team)).toMatchObject({
        state: 'OFFLINE',
        reason: 'OUTSIDE_AVAILABILITY_SLOTS',
      });
      clock.set('2026-12-25T23:00:00Z'); // Saturday's special hours are today's override now
      expect((await next(changes)).override).toEqual({
        date: '2026-12-26',
        label: null,
        ranges: [{ startTime: '10:00', endTime: '12:00' }],
      });
      clock.set('2026-12-26T09:00:00Z'); // Saturday 10:00
      expect(await next(changes)).toMatchObject({
        state: 'ONLINE',
        reason: 'IN_AVAILABILITY_SLOT',
        changesAt: '2026-12-26T11:00:00.000Z',
      });
      clock.set('2026-12-26T11:00:00Z'); // Saturday 12:00
      expect(await next(changes)).toMatchObject({
        state: 'OFFLINE',
        changesAt: '2026-12-28T08:00:00.000Z',
      });
      // Removing an override is an edit too (Christmas is past: nothing else changes).
      await app.ok(REMOVE, { id: christmas.id }, team.admin.token);
      expect(await next(changes)).toMatchObject({
        state: 'OFFLINE',
        changesAt: '2026-12-28T08:00:00.000Z',
      });
      await changes.expectSilence();
      changes.dispose();
    });

    it('lets a temporary unavailability win over an override range', async () => {
      clock.set('2027-01-02T09:30:00Z'); // Saturday 10:30 in Paris
      const team = await botWithTeam(app);
      await set(team, { date: '2027-01-02', ranges: [{ startTime: '10:00', endTime: '14:00' }] });
      expect(await status(team)).toMatchObject({
        state: 'ONLINE',
        changesAt: '2027-01-02T13:00:00.000Z',
      });
      await app.ok(ACTIVATE, { botId: team.bot.id, hours: 1, minutes: 0 }, team.admin.token);
      expect(await status(team)).toMatchObject({
        state: 'OFFLINE',
        reason: 'TEMPORARILY_UNAVAILABLE',
        changesAt: '2027-01-02T10:30:00.000Z',
        override: { date: '2027-01-02' },
      });
    });

    it("replaces a weekday's slots when set for today, at once", async () => {
      clock.set('2027-01-04T10:00:00Z'); // Monday 11:00 in Paris
      const team = await botWithTeam(app);
      await app.ok(REPLACE, { botId: team.bot.id, slots: WEEKDAYS_9_TO_5 }, team.admin.token);
      expect((await status(team)).state).toBe('ONLINE');
      await set(team, {
        date: '2027-01-04',
        label: 'Inventory',
        ranges: [{ startTime: '14:00', endTime: '15:00' }],
      });
      expect(await status(team)).toEqual({
        state: 'OFFLINE',
        reason: 'OUTSIDE_AVAILABILITY_SLOTS',
        changesAt: '2027-01-04T13:00:00.000Z',
        override: {
          date: '2027-01-04',
          label: 'Inventory',
          ranges: [{ startTime: '14:00', endTime: '15:00' }],
        },
      });
    });

    it('answers every bot of a list with its own overrides', async () => {
      clock.set('2027-01-09T10:00:00Z'); // Saturday 11:00 in Paris
      const team = await botWithTeam(app);
      const second = await createBot(app, team.admin, { timeZone: 'America/New_York' });
      await set(team, { date: '2027-01-09', ranges: [{ startTime: '09:00', endTime: '12:00' }] });
      await set(
        team,
        { date: '2027-01-09', ranges: [{ startTime: '03:00', endTime: '04:00' }] },
        team.admin.token,
        second.id,
      );
      const { bots } = await app.ok(BOTS, {}, team.admin.token);
      expect(bots.map((bot: { supportStatus: unknown }) => bot.supportStatus)).toEqual([
        {
          state: 'ONLINE',
          reason: 'IN_AVAILABILITY_SLOT',
          changesAt: '2027-01-09T11:00:00.000Z',
          override: {
            date: '2027-01-09',
            label: null,
            ranges: [{ startTime: '09:00', endTime: '12:00' }],
          },
        },
        {
          // 05:00 in New York on Saturday: its hours are over, and it has no slots.
          state: 'OFFLINE',
          reason: 'OUTSIDE_AVAILABILITY_SLOTS',
          changesAt: null,
          override: {
            date: '2027-01-09',
            label: null,
            ranges: [{ startTime: '03:00', endTime: '04:00' }],
          },
        },
      ]);
    });

    it('reads a list of bots with as many queries for 6 bots as for 1 (batched)', async () => {
      clock.set('2027-01-10T10:00:00Z'); // Sunday 11:00 in Paris
      const team = await botWithTeam(app);
      const query = `query { bots { id weeklySchedule { id } availabilityOverrides { id } temporaryUnavailability { endsAt } supportStatus { ${STATUS_FIELDS} agentsOnline waitingRequests } members { online } } }`;
      // Every statement takes a connection from the pool: count those, on the real pool.
      const pool = (app.app.get(DataSource).driver as unknown as { master: EventEmitter }).master;
      let acquired = 0;
      const count = () => {
        acquired += 1;
      };
      const connectionsOnce = async () => {
        // Cached statuses would hide the reads: evict them.
        app.app.get(AvailabilityService).forgetAllStatuses();
        acquired = 0;
        pool.on('acquire', count);
        await app.ok(query, {}, team.admin.token);
        pool.off('acquire', count);
        return acquired;
      };
      // The webhook dispatcher polls the same pool every second: the fewest of three reads is
      // the query's own.
      const connectionsFor = async () =>
        Math.min(await connectionsOnce(), await connectionsOnce(), await connectionsOnce());
      await set(team, { date: '2027-01-10', ranges: [{ startTime: '10:00', endTime: '12:00' }] });
      const forOne = await connectionsFor();
      // bots, slots, overrides (listed and for the status), unavailabilities, members, accounts,
      // waiting requests, members for the count: one each.
      expect(forOne).toBeGreaterThanOrEqual(8);
      for (let i = 0; i < 5; i += 1) {
        const bot = await createBot(app, team.admin);
        await set(team, { date: '2027-01-11', ranges: [] }, team.admin.token, bot.id);
      }
      expect((await app.ok(query, {}, team.admin.token)).bots).toHaveLength(6);
      expect(await connectionsFor()).toBe(forOne);
    });

    it('routes stories by the status an override makes', async () => {
      clock.set('2027-01-16T10:00:00Z'); // Saturday 11:00 in Paris: no slots on Saturdays
      const team = await botWithTeam(app);
      await app.ok(REPLACE, { botId: team.bot.id, slots: WEEKDAYS_9_TO_5 }, team.admin.token);
      const create = async (name: string, steps: unknown[]) =>
        (
          await app.ok(
            `mutation ($botId: ID!, $input: StoryInput!) { createStory(botId: $botId, input: $input) { id } }`,
            { botId: team.bot.id, input: { name, steps } },
            team.admin.token,
          )
        ).createStory.id as string;
      const online = await create('Online', [{ kind: 'SEND_MESSAGE', text: 'online' }]);
      const offline = await create('Offline', [{ kind: 'SEND_MESSAGE', text: 'offline' }]);
      const welcome = await create('Welcome', [
        { kind: 'JUMP_TO', targetStoryId: online, conditions: [{ supportTeam: 'ONLINE' }] },
        { kind: 'JUMP_TO', targetStoryId: offline, conditions: [{ supportTeam: 'OFFLINE' }] },
      ]);
      await app.ok(
        `mutation ($botId: ID!, $id: ID) { setEntryStory(botId: $botId, storyId: $id) { id } }`,
        { botId: team.bot.id, id: welcome },
        team.admin.token,
      );
      const firstMessage = async () => {
        const endUser = await startSession(app, team.bot);
        const { id } = await openRequest(app, endUser);
        const { request } = await app.ok(
          `query ($id: ID!) { request(id: $id) { supportStatusAtCreation messages { text } } }`,
          { id },
          team.agent.token,
        );
        return [request.supportStatusAtCreation, request.messages[0].text];
      };
      expect(await firstMessage()).toEqual(['OFFLINE', 'offline']);
      await set(team, {
        date: '2027-01-16',
        label: 'Sale day',
        ranges: [{ startTime: '10:00', endTime: '18:00' }],
      });
      expect(await firstMessage()).toEqual(['ONLINE', 'online']);
      await set(team, { date: '2027-01-18', ranges: [] });
      clock.set('2027-01-18T10:00:00Z'); // Monday 11:00: a slot day, closed
      expect(await firstMessage()).toEqual(['OFFLINE', 'offline']);
    });
  });
});
