import { SupportStatusScheduler } from '../src/availability/support-status.scheduler';
import { TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';
import { TestAccount, TestBot, botWithTeam, codes } from './support/factories';
import { Subscription, waitFor } from './support/subscriptions';

const SCHEDULE = `query ($id: ID!) { bot(id: $id) { weeklySchedule { id weekday startTime endTime } } }`;
const ADD = `mutation ($botId: ID!, $input: AvailabilitySlotInput!) {
  addAvailabilitySlot(botId: $botId, input: $input) { id weekday startTime endTime }
}`;
const UPDATE = `mutation ($id: ID!, $input: AvailabilitySlotInput!) {
  updateAvailabilitySlot(id: $id, input: $input) { id weekday startTime endTime }
}`;
const REMOVE = `mutation ($id: ID!) { removeAvailabilitySlot(id: $id) }`;
const REPLACE = `mutation ($botId: ID!, $slots: [AvailabilitySlotInput!]!) {
  replaceWeeklySchedule(botId: $botId, slots: $slots) { weekday startTime endTime }
}`;
const ACTIVATE = `mutation ($botId: ID!, $hours: Int!, $minutes: Int!) {
  activateTemporaryUnavailability(botId: $botId, hours: $hours, minutes: $minutes) { startsAt endsAt remainingSeconds }
}`;
const END = `mutation ($botId: ID!) { endTemporaryUnavailability(botId: $botId) { state reason } }`;
const STATUS_FIELDS = `botId state reason changesAt temporaryUnavailability { startsAt endsAt remainingSeconds }`;
const STATUS = `query ($botId: ID!) { supportStatus(botId: $botId) { ${STATUS_FIELDS} } }`;
const BOT_STATUS = `query ($id: ID!) {
  bot(id: $id) { supportStatus { state reason changesAt } temporaryUnavailability { endsAt remainingSeconds } }
}`;
const CHANGED = `subscription ($botId: ID!) { supportStatusChanged(botId: $botId) { ${STATUS_FIELDS} } }`;

type Slot = { weekday: string; startTime: string; endTime: string };

describe('support team availability', () => {
  describe('the weekly schedule', () => {
    let app: TestApp;
    let team: Awaited<ReturnType<typeof botWithTeam>>;

    const add = (slot: Slot, token = team.admin.token, botId = team.bot.id) =>
      app.request(ADD, { botId, input: slot }, token);
    const schedule = async (bot: TestBot = team.bot): Promise<Slot[]> =>
      (await app.ok(SCHEDULE, { id: bot.id }, team.admin.token)).bot.weeklySchedule.map(
        ({ weekday, startTime, endTime }: Slot) => ({ weekday, startTime, endTime }),
      );

    beforeAll(async () => {
      app = await TestApp.start();
    });
    beforeEach(async () => {
      team = await botWithTeam(app);
    });
    afterAll(() => app.close());

    it('keeps slots ordered by weekday then start, allowing split shifts and touching slots', async () => {
      for (const slot of [
        { weekday: 'TUESDAY', startTime: '08:00', endTime: '10:00' },
        { weekday: 'MONDAY', startTime: '12:00', endTime: '17:00' },
        { weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' },
        { weekday: 'SUNDAY', startTime: '22:00', endTime: '24:00' },
        { weekday: 'MONDAY', startTime: '00:00', endTime: '02:00' },
      ]) {
        expect((await add(slot)).data?.addAvailabilitySlot).toMatchObject(slot);
      }
      expect(await schedule()).toEqual([
        { weekday: 'MONDAY', startTime: '00:00', endTime: '02:00' },
        { weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' },
        { weekday: 'MONDAY', startTime: '12:00', endTime: '17:00' },
        { weekday: 'TUESDAY', startTime: '08:00', endTime: '10:00' },
        { weekday: 'SUNDAY', startTime: '22:00', endTime: '24:00' },
      ]);
    });

    it('refuses an overlapping slot, naming the slot it overlaps', async () => {
      const first = (await add({ weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' })).data
        ?.addAvailabilitySlot;
      const result = await add({ weekday: 'MONDAY', startTime: '11:00', endTime: '13:00' });
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions.overlapsSlotId).toBe(first.id);
      expect(await schedule()).toHaveLength(1);
    });

    it.each([
      ['"9:00"', { startTime: '9:00', endTime: '10:00' }, 'input.startTime'],
      ['"25:00"', { startTime: '25:00', endTime: '26:00' }, 'input.startTime'],
      ['"12:60"', { startTime: '12:60', endTime: '13:00' }, 'input.startTime'],
      ['"24:01"', { startTime: '20:00', endTime: '24:01' }, 'input.endTime'],
      ['a start at "24:00"', { startTime: '24:00', endTime: '24:00' }, 'input.startTime'],
      ['start equal to end', { startTime: '10:00', endTime: '10:00' }, 'input.endTime'],
      ['start after end', { startTime: '11:00', endTime: '10:00' }, 'input.endTime'],
    ])(
      'refuses %s with BAD_USER_INPUT naming the field, and adds nothing',
      async (_, times, field) => {
        const result = await add({ weekday: 'MONDAY', ...times });
        expect(codes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors?.[0].extensions.field).toBe(field);
        expect(await schedule()).toEqual([]);
      },
    );

    it('refuses an unknown weekday', async () => {
      const result = await add({ weekday: 'FUNDAY', startTime: '09:00', endTime: '10:00' });
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(await schedule()).toEqual([]);
    });

    it('moves and extends a slot, and refuses a move onto another slot', async () => {
      const morning = (await add({ weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' })).data
        ?.addAvailabilitySlot;
      const evening = (await add({ weekday: 'MONDAY', startTime: '18:00', endTime: '20:00' })).data
        ?.addAvailabilitySlot;
      const extended = await app.ok(
        UPDATE,
        { id: morning.id, input: { weekday: 'MONDAY', startTime: '08:00', endTime: '13:00' } },
        team.admin.token,
      );
      expect(extended.updateAvailabilitySlot).toEqual({
        id: morning.id,
        weekday: 'MONDAY',
        startTime: '08:00',
        endTime: '13:00',
      });

      const clash = await app.request(
        UPDATE,
        { id: evening.id, input: { weekday: 'MONDAY', startTime: '12:00', endTime: '14:00' } },
        team.admin.token,
      );
      expect(codes(clash)).toEqual(['BAD_USER_INPUT']);
      expect(clash.errors?.[0].extensions.overlapsSlotId).toBe(morning.id);

      await app.ok(
        UPDATE,
        { id: evening.id, input: { weekday: 'FRIDAY', startTime: '12:00', endTime: '14:00' } },
        team.admin.token,
      );
      expect(await schedule()).toEqual([
        { weekday: 'MONDAY', startTime: '08:00', endTime: '13:00' },
        { weekday: 'FRIDAY', startTime: '12:00', endTime: '14:00' },
      ]);
    });

    it('removes a slot', async () => {
      const slot = (await add({ weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' })).data
        ?.addAvailabilitySlot;
      expect((await app.ok(REMOVE, { id: slot.id }, team.admin.token)).removeAvailabilitySlot).toBe(
        slot.id,
      );
      expect(await schedule()).toEqual([]);
      expect(codes(await app.request(REMOVE, { id: slot.id }, team.admin.token))).toEqual([
        'NOT_FOUND',
      ]);
    });

    it('answers a slot of another bot like an unknown one, and leaves it as it was', async () => {
      const other = await botWithTeam(app);
      const slot = (await add({ weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' })).data
        ?.addAvailabilitySlot;
      const update = await app.request(
        UPDATE,
        { id: slot.id, input: { weekday: 'MONDAY', startTime: '01:00', endTime: '02:00' } },
        other.admin.token,
      );
      const remove = await app.request(REMOVE, { id: slot.id }, other.admin.token);
      expect([codes(update), codes(remove)]).toEqual([['NOT_FOUND'], ['NOT_FOUND']]);
      expect(await schedule()).toEqual([
        { weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' },
      ]);
    });

    it('refuses every edit by a SUPPORT_AGENT (FORBIDDEN), who may still read the schedule', async () => {
      const slot = (await add({ weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' })).data
        ?.addAvailabilitySlot;
      const agent: TestAccount = team.agent;
      const results = await Promise.all([
        add({ weekday: 'TUESDAY', startTime: '09:00', endTime: '12:00' }, agent.token),
        app.request(
          UPDATE,
          { id: slot.id, input: { weekday: 'MONDAY', startTime: '09:00', endTime: '13:00' } },
          agent.token,
        ),
        app.request(REMOVE, { id: slot.id }, agent.token),
        app.request(REPLACE, { botId: team.bot.id, slots: [] }, agent.token),
        app.request(ACTIVATE, { botId: team.bot.id, hours: 1, minutes: 0 }, agent.token),
        app.request(END, { botId: team.bot.id }, agent.token),
      ]);
      expect(results.map(codes)).toEqual(Array(results.length).fill(['FORBIDDEN']));
      expect(await schedule()).toEqual([
        { weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' },
      ]);
      expect(
        (await app.ok(SCHEDULE, { id: team.bot.id }, agent.token)).bot.weeklySchedule,
      ).toHaveLength(1);
      expect(
        (await app.ok(STATUS, { botId: team.bot.id }, agent.token)).supportStatus
          .temporaryUnavailability,
      ).toBeNull();
    });

    it('replaces the whole schedule atomically, or not at all', async () => {
      await add({ weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' });
      const week = [
        { weekday: 'WEDNESDAY', startTime: '14:00', endTime: '18:00' },
        { weekday: 'TUESDAY', startTime: '09:00', endTime: '12:00' },
        { weekday: 'TUESDAY', startTime: '12:00', endTime: '13:00' },
      ];
      const replaced = await app.ok(REPLACE, { botId: team.bot.id, slots: week }, team.admin.token);
      expect(replaced.replaceWeeklySchedule).toEqual([week[1], week[2], week[0]]);

      const overlapping = await app.request(
        REPLACE,
        {
          botId: team.bot.id,
          slots: [week[0], { weekday: 'WEDNESDAY', startTime: '17:00', endTime: '19:00' }],
        },
        team.admin.token,
      );
      expect(codes(overlapping)).toEqual(['BAD_USER_INPUT']);
      expect(overlapping.errors?.[0].extensions).toMatchObject({
        field: 'slots.1',
        overlapsSlotIndex: 0,
      });

      const badTime = await app.request(
        REPLACE,
        {
          botId: team.bot.id,
          slots: [week[0], week[1], { weekday: 'FRIDAY', startTime: '10:00', endTime: '24:30' }],
        },
        team.admin.token,
      );
      expect(badTime.errors?.[0].extensions.field).toBe('slots.2.endTime');
      expect(await schedule()).toEqual([week[1], week[2], week[0]]);

      await app.ok(REPLACE, { botId: team.bot.id, slots: [] }, team.admin.token);
      expect(await schedule()).toEqual([]);
    });

    it('keeps the schedule consistent under concurrent overlapping additions', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          add({
            weekday: 'THURSDAY',
            startTime: `${String(9 + (i % 2)).padStart(2, '0')}:00`,
            endTime: '12:00',
          }),
        ),
      );
      expect(results.filter((r) => !r.errors).length).toBe(1);
      expect(await schedule()).toHaveLength(1);
    });
  });

  describe('status, temporary unavailability and live changes (test clock, Europe/Paris)', () => {
    // Monday 2026-11-23, 08:00 in Paris (UTC+1 in winter).
    const clock = new TestClock('2026-11-23T07:00:00Z');
    let app: TestApp;

    const slotsFor = async (team: Awaited<ReturnType<typeof botWithTeam>>, slots: Slot[]) =>
      app.ok(REPLACE, { botId: team.bot.id, slots }, team.admin.token);
    const status = async (team: Awaited<ReturnType<typeof botWithTeam>>) =>
      (await app.ok(STATUS, { botId: team.bot.id }, team.agent.token)).supportStatus;
    const subscribe = async (team: Awaited<ReturnType<typeof botWithTeam>>) => {
      const subscription = new Subscription(
        app.ws({ authorization: `Bearer ${team.agent.token}` }),
        CHANGED,
        {
          botId: team.bot.id,
        },
      );
      const scheduler = app.app.get(SupportStatusScheduler);
      await waitFor(() => scheduler.isWatching(team.bot.id));
      return subscription;
    };
    const nextStatus = async (subscription: Subscription) => {
      const event = await subscription.next();
      expect(event.errors).toBeUndefined();
      return event.data?.supportStatusChanged;
    };

    beforeAll(async () => {
      // Tokens outlive the weeks this suite moves the clock through.
      app = await TestApp.start({ clock, tokenTtl: '30d' });
    });
    afterAll(() => app.close());

    it('is OFFLINE for a new bot, and never changes', async () => {
      const team = await botWithTeam(app);
      expect(await status(team)).toEqual({
        botId: team.bot.id,
        state: 'OFFLINE',
        reason: 'OUTSIDE_AVAILABILITY_SLOTS',
        changesAt: null,
        temporaryUnavailability: null,
      });
    });

    it('follows the slots, looking through touching slots for the next real change', async () => {
      clock.set('2026-11-23T07:00:00Z'); // Monday 08:00 in Paris
      const team = await botWithTeam(app);
      await slotsFor(team, [
        { weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' },
        { weekday: 'MONDAY', startTime: '12:00', endTime: '17:00' },
      ]);
      expect(await status(team)).toMatchObject({
        state: 'OFFLINE',
        changesAt: '2026-11-23T08:00:00.000Z',
      });
      clock.set('2026-11-23T08:30:00Z');
      expect(await status(team)).toMatchObject({
        state: 'ONLINE',
        reason: 'IN_AVAILABILITY_SLOT',
        changesAt: '2026-11-23T16:00:00.000Z',
      });
      const { bot } = await app.ok(BOT_STATUS, { id: team.bot.id }, team.admin.token);
      expect(bot.supportStatus).toEqual({
        state: 'ONLINE',
        reason: 'IN_AVAILABILITY_SLOT',
        changesAt: '2026-11-23T16:00:00.000Z',
      });
    });

    it('declares a temporary unavailability from now, replaces it, and ends it early', async () => {
      clock.set('2026-11-23T08:30:00Z'); // Monday 09:30 in Paris
      const team = await botWithTeam(app);
      await slotsFor(team, [{ weekday: 'MONDAY', startTime: '09:00', endTime: '17:00' }]);

      const declared = await app.ok(
        ACTIVATE,
        { botId: team.bot.id, hours: 1, minutes: 30 },
        team.admin.token,
      );
      expect(declared.activateTemporaryUnavailability).toEqual({
        startsAt: '2026-11-23T08:30:00.000Z',
        endsAt: '2026-11-23T10:00:00.000Z',
        remainingSeconds: 5400,
      });
      clock.set('2026-11-23T08:40:00Z');
      expect(await status(team)).toEqual({
        botId: team.bot.id,
        state: 'OFFLINE',
        reason: 'TEMPORARILY_UNAVAILABLE',
        changesAt: '2026-11-23T10:00:00.000Z',
        temporaryUnavailability: {
          startsAt: '2026-11-23T08:30:00.000Z',
          endsAt: '2026-11-23T10:00:00.000Z',
          remainingSeconds: 4800,
        },
      });

      const replaced = await app.ok(
        ACTIVATE,
        { botId: team.bot.id, hours: 0, minutes: 15 },
        team.admin.token,
      );
      expect(replaced.activateTemporaryUnavailability.endsAt).toBe('2026-11-23T08:55:00.000Z');
      const { bot } = await app.ok(BOT_STATUS, { id: team.bot.id }, team.agent.token);
      expect(bot.temporaryUnavailability).toEqual({
        endsAt: '2026-11-23T08:55:00.000Z',
        remainingSeconds: 900,
      });

      const ended = await app.ok(END, { botId: team.bot.id }, team.admin.token);
      expect(ended.endTemporaryUnavailability).toEqual({
        state: 'ONLINE',
        reason: 'IN_AVAILABILITY_SLOT',
      });
      expect((await status(team)).temporaryUnavailability).toBeNull();
    });

    it('limits a temporary unavailability to the end of today in the bot time zone', async () => {
      clock.set('2026-11-23T22:00:00Z'); // Monday 23:00 in Paris: 60 minutes left today
      const team = await botWithTeam(app);
      const tooLong = await app.request(
        ACTIVATE,
        { botId: team.bot.id, hours: 1, minutes: 1 },
        team.admin.token,
      );
      expect(codes(tooLong)).toEqual(['BAD_USER_INPUT']);
      expect(tooLong.errors?.[0].extensions.maxMinutes).toBe(60);
      expect((await status(team)).temporaryUnavailability).toBeNull();

      const untilMidnight = await app.ok(
        ACTIVATE,
        { botId: team.bot.id, hours: 1, minutes: 0 },
        team.admin.token,
      );
      expect(untilMidnight.activateTemporaryUnavailability.endsAt).toBe('2026-11-23T23:00:00.000Z');
    });

    it.each([
      ['negative hours', { hours: -1, minutes: 30 }, 'hours'],
      ['negative minutes', { hours: 0, minutes: -5 }, 'minutes'],
      ['minutes of 60', { hours: 0, minutes: 60 }, 'minutes'],
      ['a zero duration', { hours: 0, minutes: 0 }, undefined],
    ])('refuses %s with BAD_USER_INPUT and declares nothing', async (_, duration, field) => {
      const team = await botWithTeam(app);
      const result = await app.request(
        ACTIVATE,
        { botId: team.bot.id, ...duration },
        team.admin.token,
      );
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions.field).toBe(field);
      expect((await status(team)).reason).toBe('OUTSIDE_AVAILABILITY_SLOTS');
    });

    it('pushes ONLINE at a slot start and OFFLINE at its end', async () => {
      clock.set('2026-11-26T08:00:00Z'); // Thursday 09:00 in Paris
      const team = await botWithTeam(app);
      await slotsFor(team, [{ weekday: 'THURSDAY', startTime: '10:00', endTime: '11:00' }]);
      const subscription = await subscribe(team);

      clock.set('2026-11-26T09:00:00Z');
      expect(await nextStatus(subscription)).toMatchObject({
        state: 'ONLINE',
        reason: 'IN_AVAILABILITY_SLOT',
        changesAt: '2026-11-26T10:00:00.000Z',
      });
      clock.set('2026-11-26T10:00:00Z');
      expect(await nextStatus(subscription)).toMatchObject({
        state: 'OFFLINE',
        reason: 'OUTSIDE_AVAILABILITY_SLOTS',
        changesAt: '2026-12-03T09:00:00.000Z',
      });
      subscription.dispose();
    });

    it('pushes OFFLINE when an unavailability starts, ONLINE when it expires or is ended', async () => {
      clock.set('2026-11-27T09:00:00Z'); // Friday 10:00 in Paris
      const team = await botWithTeam(app);
      await slotsFor(team, [{ weekday: 'FRIDAY', startTime: '09:00', endTime: '18:00' }]);
      const subscription = await subscribe(team);

      await app.ok(ACTIVATE, { botId: team.bot.id, hours: 0, minutes: 30 }, team.admin.token);
      expect(await nextStatus(subscription)).toMatchObject({
        state: 'OFFLINE',
        reason: 'TEMPORARILY_UNAVAILABLE',
        changesAt: '2026-11-27T09:30:00.000Z',
        temporaryUnavailability: { remainingSeconds: 1800 },
      });
      clock.set('2026-11-27T09:30:00Z');
      expect(await nextStatus(subscription)).toMatchObject({
        state: 'ONLINE',
        reason: 'IN_AVAILABILITY_SLOT',
        temporaryUnavailability: null,
      });

      await app.ok(ACTIVATE, { botId: team.bot.id, hours: 2, minutes: 0 }, team.admin.token);
      expect(await nextStatus(subscription)).toMatchObject({
        state: 'OFFLINE',
        reason: 'TEMPORARILY_UNAVAILABLE',
      });
      await app.ok(END, { botId: team.bot.id }, team.admin.token);
      expect(await nextStatus(subscription)).toMatchObject({
        state: 'ONLINE',
        reason: 'IN_AVAILABILITY_SLOT',
      });
      subscription.dispose();
    });

    it('pushes the change of reason when an unavailability expires outside any slot', async () => {
      clock.set('2026-11-28T18:00:00Z'); // Saturday 19:00 in Paris, no slot
      const team = await botWithTeam(app);
      await slotsFor(team, [{ weekday: 'MONDAY', startTime: '09:00', endTime: '17:00' }]);
      const subscription = await subscribe(team);
      await app.ok(ACTIVATE, { botId: team.bot.id, hours: 1, minutes: 0 }, team.admin.token);
      expect(await nextStatus(subscription)).toMatchObject({
        state: 'OFFLINE',
        reason: 'TEMPORARILY_UNAVAILABLE',
        changesAt: '2026-11-30T08:00:00.000Z',
      });
      clock.set('2026-11-28T19:00:00Z');
      expect(await nextStatus(subscription)).toMatchObject({
        state: 'OFFLINE',
        reason: 'OUTSIDE_AVAILABILITY_SLOTS',
        changesAt: '2026-11-30T08:00:00.000Z',
      });
      subscription.dispose();
    });

    it('pushes an update when the schedule or the time zone is edited', async () => {
      clock.set('2026-11-29T09:00:00Z'); // Sunday 10:00 in Paris
      const team = await botWithTeam(app);
      const subscription = await subscribe(team);

      const added = await app.ok(
        ADD,
        { botId: team.bot.id, input: { weekday: 'SUNDAY', startTime: '10:00', endTime: '12:00' } },
        team.admin.token,
      );
      expect(await nextStatus(subscription)).toMatchObject({
        state: 'ONLINE',
        changesAt: '2026-11-29T11:00:00.000Z',
      });

      await app.ok(
        UPDATE,
        {
          id: added.addAvailabilitySlot.id,
          input: { weekday: 'SUNDAY', startTime: '10:00', endTime: '15:00' },
        },
        team.admin.token,
      );
      expect(await nextStatus(subscription)).toMatchObject({
        state: 'ONLINE',
        changesAt: '2026-11-29T14:00:00.000Z',
      });

      // In New York it is 04:00 on Sunday: the slot has not started yet.
      await app.ok(
        `mutation ($id: ID!) { updateBot(id: $id, input: { timeZone: "America/New_York" }) { id } }`,
        { id: team.bot.id },
        team.admin.token,
      );
      expect(await nextStatus(subscription)).toMatchObject({
        state: 'OFFLINE',
        changesAt: '2026-11-29T15:00:00.000Z',
      });

      await app.ok(REMOVE, { id: added.addAvailabilitySlot.id }, team.admin.token);
      expect(await nextStatus(subscription)).toMatchObject({ state: 'OFFLINE', changesAt: null });
      subscription.dispose();
    });

    it('keeps no timer for a bot nobody watches any more', async () => {
      const team = await botWithTeam(app);
      await slotsFor(team, [{ weekday: 'MONDAY', startTime: '09:00', endTime: '17:00' }]);
      const scheduler = app.app.get(SupportStatusScheduler);
      // The connection itself keeps one timer (its token's expiry): counted before.
      const client = await app.connectedWs({ authorization: `Bearer ${team.agent.token}` });
      const timersBefore = clock.pendingTimers;
      const subscription = new Subscription(client, CHANGED, { botId: team.bot.id });
      await waitFor(() => scheduler.isWatching(team.bot.id));
      expect(clock.pendingTimers).toBe(timersBefore + 1);
      subscription.dispose();
      await waitFor(() => !scheduler.isWatching(team.bot.id));
      expect(clock.pendingTimers).toBe(timersBefore);
    });

    it('refuses the subscription to a non-member like an unknown bot', async () => {
      const team = await botWithTeam(app);
      const subscription = new Subscription(
        app.ws({ authorization: `Bearer ${team.outsider.token}` }),
        CHANGED,
        {
          botId: team.bot.id,
        },
      );
      const event = await subscription.next();
      expect(event.errors?.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(
        ['NOT_FOUND'],
      );
    });
  });
});
