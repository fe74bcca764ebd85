import { randomUUID } from 'node:crypto';
import { Client } from 'graphql-ws';
import Redis from 'ioredis';
import {
  COUNTS_PUSH_INTERVAL_MS,
  SupportStatusScheduler,
} from '../src/availability/support-status.scheduler';
import { Topics } from '../src/common/pubsub/topics';
import {
  addMember,
  botWithTeam,
  openRequest,
  registerAccount,
  startSession,
  TestAccount,
} from './support/factories';
import { serverDatabase } from './support/server-database';
import { Subscription, waitFor } from './support/subscriptions';
import { TestApp } from './support/test-app';

/**
 * The team's live presence: `BotMember.online` (an account's graphql-ws connection, on any
 * instance), `SupportStatus.agentsOnline` and `SupportStatus.waitingRequests`, read and pushed.
 */
const TEAM = `query ($id: ID!) {
  bot(id: $id) {
    members { account { id } online }
    supportStatus { agentsOnline waitingRequests }
  }
}`;
const COUNTS = `query ($botId: ID!) { supportStatus(botId: $botId) { agentsOnline waitingRequests } }`;
const CHANGED = `subscription ($botId: ID!) { supportStatusChanged(botId: $botId) { state agentsOnline waitingRequests } }`;
const TAKE = `mutation ($requestId: ID!) { takeControl(requestId: $requestId) { id } }`;
const CLOSE = `mutation ($requestId: ID!) { closeRequest(requestId: $requestId) { status } }`;

type Team = Awaited<ReturnType<typeof botWithTeam>>;

/** Polls until `read` gives `expected` (presence is recorded after the socket is accepted). */
async function eventuallyEqual<T>(read: () => Promise<T>, expected: T, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(last).toEqual(expected);
}

const connectAs = (app: TestApp, account: { token: string }): Promise<Client> =>
  app.connectedWs({ authorization: `Bearer ${account.token}` });

/** The team as the admin reads it over HTTP (which is no connection of its own). */
async function teamView(app: TestApp, team: Team) {
  const { bot } = await app.ok(TEAM, { id: team.bot.id }, team.admin.token);
  return {
    online: Object.fromEntries(
      bot.members.map((member: { account: { id: string }; online: boolean }) => [
        member.account.id,
        member.online,
      ]),
    ),
    ...bot.supportStatus,
  };
}

async function queueingTeam(app: TestApp): Promise<Team> {
  const team = await botWithTeam(app);
  const story = await app.ok(
    `mutation ($botId: ID!) { createStory(botId: $botId, input: { name: "Queue", steps: [{ kind: REQUEST_HUMAN }] }) { id } }`,
    { botId: team.bot.id },
    team.admin.token,
  );
  await app.ok(
    `mutation ($botId: ID!, $id: ID) { setEntryStory(botId: $botId, storyId: $id) { id } }`,
    { botId: team.bot.id, id: story.createStory.id },
    team.admin.token,
  );
  return team;
}

describe('team presence on one instance', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(() => app.close());

  /** A widget's view of the status: an end user's subscription (no account connection). */
  const widgetSubscription = async (team: Team) => {
    const endUser = await startSession(app, team.bot);
    const subscription = new Subscription(
      app.ws({ authorization: `Bearer ${endUser.token}` }),
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

  it('marks members online while one of their connections is open, and counts them', async () => {
    const team = await botWithTeam(app);
    const { admin, agent } = team;
    const offline = { [admin.id]: false, [agent.id]: false };
    expect(await teamView(app, team)).toEqual({
      online: offline,
      agentsOnline: 0,
      waitingRequests: 0,
    });

    const adminSocket = await connectAs(app, admin);
    await eventuallyEqual(() => teamView(app, team), {
      online: { [admin.id]: true, [agent.id]: false },
      agentsOnline: 1,
      waitingRequests: 0,
    });
    const agentSockets = [await connectAs(app, agent), await connectAs(app, agent)];
    // Neither a non-member nor an end user counts.
    const outsiderSocket = await connectAs(app, team.outsider);
    const endUser = await startSession(app, team.bot);
    const endUserSocket = await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
    const everyone = { online: { [admin.id]: true, [agent.id]: true }, agentsOnline: 2 };
    await eventuallyEqual(() => teamView(app, team), { ...everyone, waitingRequests: 0 });

    // One of two connections closing leaves the agent online.
    await agentSockets[0].dispose();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await teamView(app, team)).toEqual({ ...everyone, waitingRequests: 0 });
    await agentSockets[1].dispose();
    await eventuallyEqual(() => teamView(app, team), {
      online: { [admin.id]: true, [agent.id]: false },
      agentsOnline: 1,
      waitingRequests: 0,
    });
    await adminSocket.dispose();
    await eventuallyEqual(() => teamView(app, team), {
      online: offline,
      agentsOnline: 0,
      waitingRequests: 0,
    });
    await outsiderSocket.dispose();
    await endUserSocket.dispose();
  });

  it('counts an account in every bot it is a member of', async () => {
    const team = await botWithTeam(app);
    const other = await botWithTeam(app);
    await addMember(app, other.admin, other.bot, team.agent, 'ADMINISTRATOR');
    const socket = await connectAs(app, team.agent);
    for (const bot of [team.bot, other.bot]) {
      await eventuallyEqual(
        async () =>
          (await app.ok(COUNTS, { botId: bot.id }, team.agent.token)).supportStatus.agentsOnline,
        1,
      );
    }
    await socket.dispose();
  });

  it('pushes a change of agentsOnline to a widget, coalescing bursts', async () => {
    const team = await botWithTeam(app);
    const changes = await widgetSubscription(team);
    const adminSocket = await connectAs(app, team.admin);
    expect(await next(changes)).toEqual({ state: 'OFFLINE', agentsOnline: 1, waitingRequests: 0 });
    await adminSocket.dispose();
    expect(await next(changes)).toEqual({ state: 'OFFLINE', agentsOnline: 0, waitingRequests: 0 });

    // A burst of five members connecting: the first change is told at once, the others together
    // at most once per interval, ending at 5.
    const members: TestAccount[] = [team.admin, team.agent];
    for (let i = 0; i < 3; i += 1) {
      const member = await registerAccount(app, `Agent ${i}`);
      await addMember(app, team.admin, team.bot, member, 'SUPPORT_AGENT');
      members.push(member);
    }
    const started = Date.now();
    const sockets = await Promise.all(members.map((member) => connectAs(app, member)));
    const burst = Date.now() - started;
    const heard: { agentsOnline: number; at: number }[] = [];
    while (heard.at(-1)?.agentsOnline !== 5) {
      heard.push({ agentsOnline: (await next(changes)).agentsOnline, at: Date.now() });
    }
    expect(heard.length).toBeLessThanOrEqual(Math.floor(burst / COUNTS_PUSH_INTERVAL_MS) + 2);
    for (let i = 1; i < heard.length; i += 1) {
      // Received, so with some delivery jitter.
      expect(heard[i].at - heard[i - 1].at).toBeGreaterThan(COUNTS_PUSH_INTERVAL_MS - 250);
    }
    await changes.expectSilence(COUNTS_PUSH_INTERVAL_MS + 300);
    for (const socket of sockets) {
      await socket.dispose();
    }
    expect((await next(changes)).agentsOnline).toBeLessThan(5);
    changes.dispose();
  });

  it('pushes agentsOnline when a connected account becomes a member, or stops being one', async () => {
    const team = await botWithTeam(app);
    const changes = await widgetSubscription(team);
    const socket = await connectAs(app, team.outsider);
    await changes.expectSilence(COUNTS_PUSH_INTERVAL_MS + 300);
    await addMember(app, team.admin, team.bot, team.outsider, 'SUPPORT_AGENT');
    expect(await next(changes)).toMatchObject({ agentsOnline: 1 });
    await app.ok(
      `mutation ($botId: ID!, $accountId: ID!) { removeBotMember(botId: $botId, accountId: $accountId) }`,
      { botId: team.bot.id, accountId: team.outsider.id },
      team.admin.token,
    );
    expect(await next(changes)).toMatchObject({ agentsOnline: 0 });
    await socket.dispose();
    changes.dispose();
  });

  it('counts requests waiting for a human as they are queued, taken and closed', async () => {
    const team = await queueingTeam(app);
    const changes = await widgetSubscription(team);
    const waiting = async () =>
      (await app.ok(COUNTS, { botId: team.bot.id }, team.agent.token)).supportStatus
        .waitingRequests;

    const first = await startSession(app, team.bot);
    const firstRequest = await openRequest(app, first);
    expect(await waiting()).toBe(1);
    expect(await next(changes)).toMatchObject({ waitingRequests: 1 });

    const second = await startSession(app, team.bot);
    const secondRequest = await openRequest(app, second);
    expect(await waiting()).toBe(2);
    expect(await next(changes)).toMatchObject({ waitingRequests: 2 });

    // Taken by an agent: no longer waiting (the end user must be connected to be taken over).
    const firstSocket = await app.connectedWs({ authorization: `Bearer ${first.token}` });
    await app.ok(TAKE, { requestId: firstRequest.id }, team.agent.token);
    expect(await waiting()).toBe(1);
    expect(await next(changes)).toMatchObject({ waitingRequests: 1 });

    // Closed while waiting.
    await app.ok(CLOSE, { requestId: secondRequest.id }, second.token);
    expect(await waiting()).toBe(0);
    expect(await next(changes)).toMatchObject({ waitingRequests: 0 });

    // Closing the taken one changes no count: nothing is pushed.
    await app.ok(CLOSE, { requestId: firstRequest.id }, team.agent.token);
    await changes.expectSilence(COUNTS_PUSH_INTERVAL_MS + 300);
    await firstSocket.dispose();
    changes.dispose();
  });

  it('answers a list of bots with their counts', async () => {
    const team = await queueingTeam(app);
    const other = await botWithTeam(app);
    await addMember(app, other.admin, other.bot, team.admin, 'SUPPORT_AGENT');
    await openRequest(app, await startSession(app, team.bot));
    const socket = await connectAs(app, team.agent);
    await eventuallyEqual(
      async () =>
        (
          await app.ok(
            `query { bots { id supportStatus { agentsOnline waitingRequests } } }`,
            {},
            team.admin.token,
          )
        ).bots,
      [
        { id: team.bot.id, supportStatus: { agentsOnline: 1, waitingRequests: 1 } },
        { id: other.bot.id, supportStatus: { agentsOnline: 0, waitingRequests: 0 } },
      ],
    );
    await socket.dispose();
  });
});

describe('team presence across two instances on Redis', () => {
  const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `sb-a13:${randomUUID()}:`;
  const redis = new Redis(REDIS_URL);
  let drop: () => Promise<void>;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const database = await serverDatabase();
    drop = database.drop;
    const options = { databaseUrl: database.url, redis: { url: REDIS_URL, prefix } };
    a = await TestApp.start(options);
    b = await TestApp.start(options);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    redis.disconnect();
    await drop?.();
  });

  it('shows a member connected to one instance as online on the other, and pushes there', async () => {
    const team = await botWithTeam(a);
    const endUser = await startSession(b, team.bot);
    const changes = new Subscription(b.ws({ authorization: `Bearer ${endUser.token}` }), CHANGED, {
      botId: team.bot.id,
    });
    await waitFor(() => b.app.get(SupportStatusScheduler).isWatching(team.bot.id));
    const channel = prefix + Topics.supportStatus(team.bot.id);
    for (let listening = 0; listening < 1;) {
      const [, count] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
      listening = Number(count);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    const socket = await connectAs(a, team.agent);
    await eventuallyEqual(() => teamView(b, team), {
      online: { [team.admin.id]: false, [team.agent.id]: true },
      agentsOnline: 1,
      waitingRequests: 0,
    });
    expect((await changes.next()).data?.supportStatusChanged).toEqual({
      state: 'OFFLINE',
      agentsOnline: 1,
      waitingRequests: 0,
    });

    await socket.dispose();
    await eventuallyEqual(() => teamView(b, team), {
      online: { [team.admin.id]: false, [team.agent.id]: false },
      agentsOnline: 0,
      waitingRequests: 0,
    });
    expect((await changes.next()).data?.supportStatusChanged).toMatchObject({ agentsOnline: 0 });

    // A request queued through one instance is counted and pushed by the other.
    const story = await a.ok(
      `mutation ($botId: ID!) { createStory(botId: $botId, input: { name: "Queue", steps: [{ kind: REQUEST_HUMAN }] }) { id } }`,
      { botId: team.bot.id },
      team.admin.token,
    );
    await a.ok(
      `mutation ($botId: ID!, $id: ID) { setEntryStory(botId: $botId, storyId: $id) { id } }`,
      { botId: team.bot.id, id: story.createStory.id },
      team.admin.token,
    );
    await openRequest(a, await startSession(a, team.bot));
    expect((await changes.next()).data?.supportStatusChanged).toMatchObject({
      waitingRequests: 1,
    });
    changes.dispose();
  });
});
