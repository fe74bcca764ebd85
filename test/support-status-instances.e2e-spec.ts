import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import {
  COUNTS_PUSH_INTERVAL_MS,
  SupportStatusScheduler,
} from '../src/availability/support-status.scheduler';
import { Topics } from '../src/common/pubsub/topics';
import { botWithTeam } from './support/factories';
import { eventually } from './support/instances';
import { serverDatabase } from './support/server-database';
import { Subscription, waitFor } from './support/subscriptions';
import { TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';

/**
 * Slot edges are timed by each instance for its own subscribers, and edits are announced to
 * every instance: each subscriber hears each change exactly once, whichever instance serves
 * it. Two instances run in this process on one database, one Redis and ONE test clock, so an
 * edge comes at the same instant for both without waiting for it (the several-process suites
 * cover everything that does not need the clock moved).
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const STATUS_FIELDS = 'state reason changesAt';
const CHANGED = `subscription ($botId: ID!) { supportStatusChanged(botId: $botId) { ${STATUS_FIELDS} } }`;
const REPLACE = `mutation ($botId: ID!, $slots: [AvailabilitySlotInput!]!) {
  replaceWeeklySchedule(botId: $botId, slots: $slots) { weekday }
}`;
const STATUS = `query ($botId: ID!) { supportStatus(botId: $botId) { ${STATUS_FIELDS} } }`;
const AGENTS_ONLINE = `query ($botId: ID!) { supportStatus(botId: $botId) { agentsOnline } }`;
const ACTIVATE = `mutation ($botId: ID!, $hours: Int!, $minutes: Int!) {
  activateTemporaryUnavailability(botId: $botId, hours: $hours, minutes: $minutes) { endsAt }
}`;

describe('support status with two instances on one clock', () => {
  // Monday 2026-11-23, 08:00 in Paris.
  const clock = new TestClock('2026-11-23T07:00:00Z');
  const prefix = `switchboard-test-${randomUUID()}:`;
  const redis = new Redis(REDIS_URL);
  let drop: () => Promise<void>;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const database = await serverDatabase();
    drop = database.drop;
    const options = {
      clock,
      tokenTtl: '30d',
      databaseUrl: database.url,
      redis: { url: REDIS_URL, prefix },
    };
    a = await TestApp.start(options);
    b = await TestApp.start(options);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    redis.disconnect();
    await drop?.();
  });

  it('tells every subscriber of either instance each edit and each slot edge exactly once', async () => {
    const team = await botWithTeam(a);
    const subscribe = (app: TestApp) =>
      new Subscription(app.ws({ authorization: `Bearer ${team.agent.token}` }), CHANGED, {
        botId: team.bot.id,
      });
    const subscribers = [subscribe(a), subscribe(a), subscribe(b)];
    for (const app of [a, b]) {
      const scheduler = app.app.get(SupportStatusScheduler);
      await waitFor(() => scheduler.isWatching(team.bot.id));
    }
    const channel = prefix + Topics.supportStatus(team.bot.id);
    for (let listening = 0; listening < 2;) {
      const [, count] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
      listening = Number(count);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // The subscribers' connections bring the agent online, and with it, maybe, a push of the new
    // count (with the status before the edits below). Once both instances count the agent, such
    // a push goes out within COUNTS_PUSH_INTERVAL_MS; what this test counts comes after it.
    for (const app of [a, b]) {
      await eventually(`${app === a ? 'A' : 'B'} counts the agent online`, async () =>
        (await app.ok(AGENTS_ONLINE, { botId: team.bot.id }, team.agent.token)).supportStatus
          .agentsOnline === 1
          ? true
          : undefined,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, COUNTS_PUSH_INTERVAL_MS + 300));
    for (const subscriber of subscribers) {
      for (const pushed of subscriber.discard()) {
        expect(pushed.data?.supportStatusChanged).toEqual({
          state: 'OFFLINE',
          reason: 'OUTSIDE_AVAILABILITY_SLOTS',
          changesAt: null,
        });
      }
    }
    const everyoneHears = async (expected: Record<string, unknown>) => {
      for (const subscriber of subscribers) {
        const event = await subscriber.next();
        expect(event.errors).toBeUndefined();
        expect(event.data?.supportStatusChanged).toEqual(expected);
      }
      await Promise.all(subscribers.map((subscriber) => subscriber.expectSilence(300)));
    };

    // An edit on B reaches the subscribers of A and B once.
    await b.ok(
      REPLACE,
      { botId: team.bot.id, slots: [{ weekday: 'MONDAY', startTime: '09:00', endTime: '12:00' }] },
      team.admin.token,
    );
    await everyoneHears({
      state: 'OFFLINE',
      reason: 'OUTSIDE_AVAILABILITY_SLOTS',
      changesAt: '2026-11-23T08:00:00.000Z',
    });

    // 09:00 in Paris: both instances' timers fire; each subscriber hears it once.
    clock.set('2026-11-23T08:00:00Z');
    await everyoneHears({
      state: 'ONLINE',
      reason: 'IN_AVAILABILITY_SLOT',
      changesAt: '2026-11-23T11:00:00.000Z',
    });

    // An edit on A, then its end, timed again by each instance.
    clock.set('2026-11-23T08:30:00Z');
    await a.ok(ACTIVATE, { botId: team.bot.id, hours: 0, minutes: 30 }, team.admin.token);
    await everyoneHears({
      state: 'OFFLINE',
      reason: 'TEMPORARILY_UNAVAILABLE',
      changesAt: '2026-11-23T09:00:00.000Z',
    });
    clock.set('2026-11-23T09:00:00Z');
    await everyoneHears({
      state: 'ONLINE',
      reason: 'IN_AVAILABILITY_SLOT',
      changesAt: '2026-11-23T11:00:00.000Z',
    });
  });

  it('answers supportStatus on every instance with an edit made on another, though it caches it', async () => {
    // The clock stands at Monday 10:00 in Paris (after the first test).
    const team = await botWithTeam(a);
    const read = async (app: TestApp) =>
      (await app.ok(STATUS, { botId: team.bot.id }, team.agent.token)).supportStatus;
    expect(await read(b)).toEqual({
      state: 'OFFLINE',
      reason: 'OUTSIDE_AVAILABILITY_SLOTS',
      changesAt: null,
    });
    await a.ok(
      REPLACE,
      { botId: team.bot.id, slots: [{ weekday: 'MONDAY', startTime: '08:00', endTime: '12:00' }] },
      team.admin.token,
    );
    const expected = {
      state: 'ONLINE',
      reason: 'IN_AVAILABILITY_SLOT',
      changesAt: '2026-11-23T11:00:00.000Z',
    };
    // The edit reaches B through Redis within moments; B answers from the database again.
    const deadline = Date.now() + 1_000;
    let seen = await read(b);
    while (seen.state !== 'ONLINE' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen = await read(b);
    }
    expect(seen).toEqual(expected);
    expect(await read(a)).toEqual(expected);
  });
});
