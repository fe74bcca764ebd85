import { Cluster, Instance, asTestApp, eventually, itOnCluster } from './support/instances';
import { RecordedSubscription, seqRange } from './support/recorded-subscription';
import {
  TestAccount,
  TestBot,
  addMember,
  botWithTeam,
  codes,
  createBot,
  openRequest,
  registerAccount,
  rotateEngineKey,
  sendUserMessage,
  startSession,
} from './support/factories';
import { Topics } from '../src/common/pubsub/topics';

const EVENTS = `subscription ($requestId: ID!, $afterSeq: Int) {
  conversationEvents(requestId: $requestId, afterSeq: $afterSeq) {
    type requestId endUserOnline message { seq author notice text } liveConversation { id status }
  }
}`;
const REQUESTS_CHANGED = `subscription ($botId: ID!) {
  requestsChanged(botId: $botId) { type request { id status } }
}`;
const LIVE_CHANGED = `subscription ($botId: ID!) {
  liveConversationsChanged(botId: $botId) { type liveConversation { id status request { id } } }
}`;
const STATUS_FIELDS = 'botId state reason temporaryUnavailability { endsAt }';
const STATUS_CHANGED = `subscription ($botId: ID!) { supportStatusChanged(botId: $botId) { ${STATUS_FIELDS} } }`;
const STATUS = `query ($botId: ID!) { supportStatus(botId: $botId) { ${STATUS_FIELDS} } }`;
const BOT_EVENTS = `subscription ($botId: ID!) {
  botEvents(botId: $botId) { type request { id controlMode } message { seq author text } }
}`;
const TAKE = `mutation ($requestId: ID!) { takeControl(requestId: $requestId) { id status } }`;
const SEND_AGENT = `mutation ($id: ID!, $text: String!) {
  sendAgentMessage(liveConversationId: $id, text: $text) { seq author }
}`;
const RELEASE = `mutation ($id: ID!) { releaseControl(liveConversationId: $id) { id status } }`;
const CLOSE = `mutation ($requestId: ID!) { closeRequest(requestId: $requestId) { status } }`;
const REQUEST = `query ($id: ID!) {
  request(id: $id) { controlMode endUser { online } liveConversation { id } messages { seq notice } }
}`;
const ONLINE_REQUESTS = `query ($botId: ID!, $online: Boolean) {
  requests(botId: $botId, filter: { endUserOnline: $online }) {
    totalCount edges { node { id endUser { online } } }
  }
}`;
const REPLACE_SCHEDULE = `mutation ($botId: ID!, $slots: [AvailabilitySlotInput!]!) {
  replaceWeeklySchedule(botId: $botId, slots: $slots) { id }
}`;
const ACTIVATE_UNAVAILABILITY = `mutation ($botId: ID!) {
  activateTemporaryUnavailability(botId: $botId, hours: 0, minutes: 30) { endsAt }
}`;
const END_UNAVAILABILITY = `mutation ($botId: ID!) { endTemporaryUnavailability(botId: $botId) { state } }`;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const PRESENCE = 'END_USER_PRESENCE_CHANGED';
const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/**
 * A zone whose wall clock is now between 01:00 and 22:00, so that a 30-minute temporary
 * unavailability stays within today there (the service refuses one that runs past midnight).
 */
function zoneAwayFromMidnight(): string {
  const zones = ['Europe/Paris', 'Asia/Tokyo', 'America/New_York', 'Pacific/Honolulu'];
  const hourIn = (timeZone: string) =>
    Number(
      new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(
        new Date(),
      ),
    );
  return zones.find((zone) => hourIn(zone) >= 1 && hourIn(zone) <= 21) ?? 'Europe/Paris';
}

describe('several instances sharing PostgreSQL and Redis', () => {
  let cluster: Cluster;
  let a: Instance;
  let b: Instance;
  let c: Instance;
  // Jest's `it`, reporting what the service processes printed when a test fails.
  const it = itOnCluster(() => cluster);

  beforeAll(async () => {
    cluster = await Cluster.start({ instances: 3 });
    [a, b, c] = cluster.instances;
  }, 150_000);
  afterAll(() => cluster?.stop());

  /** Waits until every subscription has `expected.length` events, then checks them all. */
  const expectEvents = async (subscriptions: RecordedSubscription[], expected: object[]) => {
    for (const subscription of subscriptions) {
      await subscription.take(expected.length);
      expect(subscription.events).toMatchObject(expected);
    }
  };

  describe('a subscription on one instance hears what happens on another', () => {
    it('delivers conversationEvents (presence, messages, control taken and released) once to subscribers on A and C', async () => {
      const team = await botWithTeam(asTestApp(b));
      const endUser = await startSession(asTestApp(b), team.bot);
      const { id: requestId } = await openRequest(asTestApp(b), endUser);
      const subscribers = [
        new RecordedSubscription(
          await a.connectedWs(bearer(team.agent.token)),
          EVENTS,
          { requestId },
          'conversationEvents',
        ),
        new RecordedSubscription(
          await c.connectedWs(bearer(team.admin.token)),
          EVENTS,
          { requestId },
          'conversationEvents',
        ),
      ];
      await cluster.waitForSubscribers(Topics.conversation(requestId), 2);
      const expected: object[] = [];

      const endUserSocket = await b.connectedWs(bearer(endUser.token));
      expected.push({ type: PRESENCE, requestId, endUserOnline: true, message: null });
      await expectEvents(subscribers, expected);

      await sendUserMessage(asTestApp(b), endUser, requestId, 'Hello from B');
      expected.push({
        type: 'MESSAGE_POSTED',
        requestId,
        message: { seq: 1, author: 'END_USER', text: 'Hello from B' },
      });
      await expectEvents(subscribers, expected);

      const taken = (await b.ok(TAKE, { requestId }, team.agent.token)).takeControl;
      expected.push(
        { type: 'CONTROL_TAKEN', liveConversation: { id: taken.id, status: 'ACTIVE' } },
        { type: 'MESSAGE_POSTED', message: { seq: 2, author: 'SYSTEM', notice: 'AGENT_JOINED' } },
      );
      await expectEvents(subscribers, expected);

      await b.ok(SEND_AGENT, { id: taken.id, text: 'Agent here' }, team.agent.token);
      expected.push({
        type: 'MESSAGE_POSTED',
        message: { seq: 3, author: 'AGENT', text: 'Agent here' },
      });
      await expectEvents(subscribers, expected);

      await b.ok(RELEASE, { id: taken.id }, team.agent.token);
      expected.push(
        { type: 'CONTROL_RELEASED', liveConversation: { id: taken.id, status: 'ENDED' } },
        { type: 'MESSAGE_POSTED', message: { seq: 4, author: 'SYSTEM', notice: 'AGENT_LEFT' } },
      );
      await expectEvents(subscribers, expected);

      await endUserSocket.dispose();
      expected.push({ type: PRESENCE, endUserOnline: false });
      await expectEvents(subscribers, expected);

      await RecordedSubscription.quiet(400);
      for (const subscriber of subscribers) {
        expect(subscriber.events).toHaveLength(expected.length);
        expect(subscriber.errors).toEqual([]);
      }
    });

    it('delivers requestsChanged once: opened, updated and closed on B and C', async () => {
      const team = await botWithTeam(asTestApp(a));
      const changes = new RecordedSubscription(
        await a.connectedWs(bearer(team.agent.token)),
        REQUESTS_CHANGED,
        { botId: team.bot.id },
        'requestsChanged',
      );
      await cluster.waitForSubscribers(Topics.requests(team.bot.id));

      const endUser = await startSession(asTestApp(b), team.bot);
      const { id } = await openRequest(asTestApp(b), endUser);
      const expected: object[] = [{ type: 'OPENED', request: { id, status: 'OPEN' } }];
      await expectEvents([changes], expected);

      await sendUserMessage(asTestApp(b), endUser, id, 'Anyone there?');
      expected.push({ type: 'UPDATED', request: { id, status: 'OPEN' } });
      await expectEvents([changes], expected);

      await c.ok(CLOSE, { requestId: id }, team.agent.token);
      expected.push({ type: 'CLOSED', request: { id, status: 'CLOSED' } });
      await expectEvents([changes], expected);

      await RecordedSubscription.quiet(400);
      expect(changes.events).toHaveLength(expected.length);
    });

    it('delivers liveConversationsChanged once: started and ended on B', async () => {
      const team = await botWithTeam(asTestApp(a));
      const endUser = await startSession(asTestApp(a), team.bot);
      const { id: requestId } = await openRequest(asTestApp(a), endUser);
      await b.connectedWs(bearer(endUser.token));
      const changes = new RecordedSubscription(
        await a.connectedWs(bearer(team.admin.token)),
        LIVE_CHANGED,
        { botId: team.bot.id },
        'liveConversationsChanged',
      );
      await cluster.waitForSubscribers(Topics.liveConversations(team.bot.id));

      const taken = (await b.ok(TAKE, { requestId }, team.agent.token)).takeControl;
      const expected: object[] = [
        {
          type: 'STARTED',
          liveConversation: { id: taken.id, status: 'ACTIVE', request: { id: requestId } },
        },
      ];
      await expectEvents([changes], expected);

      await b.ok(RELEASE, { id: taken.id }, team.agent.token);
      expected.push({ type: 'ENDED', liveConversation: { id: taken.id, status: 'ENDED' } });
      await expectEvents([changes], expected);

      await RecordedSubscription.quiet(400);
      expect(changes.events).toHaveLength(expected.length);
    });

    it('delivers supportStatusChanged exactly once per subscriber on A and C for each edit made on B', async () => {
      const [admin, agent] = await Promise.all([
        registerAccount(asTestApp(b), 'Alice Admin'),
        registerAccount(asTestApp(b), 'Sam Agent'),
      ]);
      const bot: TestBot = await createBot(asTestApp(b), admin, {
        timeZone: zoneAwayFromMidnight(),
      });
      await addMember(asTestApp(b), admin, bot, agent, 'SUPPORT_AGENT');
      const endUser = await startSession(asTestApp(c), bot);
      const subscribers = [
        new RecordedSubscription(
          await a.connectedWs(bearer(agent.token)),
          STATUS_CHANGED,
          { botId: bot.id },
          'supportStatusChanged',
        ),
        new RecordedSubscription(
          await c.connectedWs(bearer(endUser.token)),
          STATUS_CHANGED,
          { botId: bot.id },
          'supportStatusChanged',
        ),
      ];
      await cluster.waitForSubscribers(Topics.supportStatus(bot.id), 2);
      const expected: object[] = [];

      // Open all week, all day: ONLINE from now on.
      await b.ok(
        REPLACE_SCHEDULE,
        {
          botId: bot.id,
          slots: WEEKDAYS.map((weekday) => ({ weekday, startTime: '00:00', endTime: '24:00' })),
        },
        admin.token,
      );
      expected.push({
        botId: bot.id,
        state: 'ONLINE',
        reason: 'IN_AVAILABILITY_SLOT',
        temporaryUnavailability: null,
      });
      await expectEvents(subscribers, expected);

      const { endsAt } = (await b.ok(ACTIVATE_UNAVAILABILITY, { botId: bot.id }, admin.token))
        .activateTemporaryUnavailability;
      expected.push({
        botId: bot.id,
        state: 'OFFLINE',
        reason: 'TEMPORARILY_UNAVAILABLE',
        temporaryUnavailability: { endsAt },
      });
      await expectEvents(subscribers, expected);
      expect((await a.ok(STATUS, { botId: bot.id }, agent.token)).supportStatus).toEqual(
        expected[1],
      );

      await b.ok(END_UNAVAILABILITY, { botId: bot.id }, admin.token);
      expected.push(expected[0]);
      await expectEvents(subscribers, expected);

      await RecordedSubscription.quiet(400);
      for (const subscriber of subscribers) {
        expect(subscriber.events).toHaveLength(expected.length);
      }
    });

    it('delivers botEvents to a bot engine on A, with a key rotated on B', async () => {
      const team = await botWithTeam(asTestApp(a));
      const engineKey = await rotateEngineKey(asTestApp(b), team.admin, team.bot);
      const engine = new RecordedSubscription(
        await a.connectedWs(bearer(engineKey)),
        BOT_EVENTS,
        { botId: team.bot.id },
        'botEvents',
      );
      await cluster.waitForSubscribers(Topics.botEvents(team.bot.id));

      const endUser = await startSession(asTestApp(c), team.bot);
      const { id } = await openRequest(asTestApp(b), endUser);
      const expected: object[] = [
        { type: 'REQUEST_OPENED', request: { id, controlMode: 'BOT' }, message: null },
      ];
      await expectEvents([engine], expected);

      await sendUserMessage(asTestApp(c), endUser, id, 'Opening hours?');
      expected.push({
        type: 'USER_MESSAGE',
        request: { id, controlMode: 'BOT' },
        message: { seq: 1, author: 'END_USER', text: 'Opening hours?' },
      });
      await expectEvents([engine], expected);

      await c.connectedWs(bearer(endUser.token));
      const taken = (await b.ok(TAKE, { requestId: id }, team.agent.token)).takeControl;
      expected.push({ type: 'CONTROL_TAKEN', request: { id, controlMode: 'HUMAN' } });
      await expectEvents([engine], expected);

      // While a person has control the engine does not hear the end user.
      await sendUserMessage(asTestApp(b), endUser, id, 'Human, please');
      await c.ok(RELEASE, { id: taken.id }, team.agent.token);
      expected.push({ type: 'CONTROL_RELEASED', request: { id, controlMode: 'BOT' } });
      await expectEvents([engine], expected);

      await RecordedSubscription.quiet(400);
      expect(engine.events).toHaveLength(expected.length);
    });
  });

  describe('presence across instances', () => {
    /** A request whose end user is not connected yet, watched by the admin on B and on C. */
    const watchedRequest = async () => {
      const team = await botWithTeam(asTestApp(a));
      const endUser = await startSession(asTestApp(a), team.bot);
      const { id: requestId } = await openRequest(asTestApp(a), endUser);
      const watchers = [
        new RecordedSubscription(
          await b.connectedWs(bearer(team.admin.token)),
          EVENTS,
          { requestId },
          'conversationEvents',
        ),
        new RecordedSubscription(
          await c.connectedWs(bearer(team.admin.token)),
          EVENTS,
          { requestId },
          'conversationEvents',
        ),
      ];
      await cluster.waitForSubscribers(Topics.conversation(requestId), 2);
      const presenceSeen = (count: number) =>
        Promise.all(
          watchers.map((watcher) =>
            watcher.until(
              `${count} presence event(s)`,
              () => watcher.ofType(PRESENCE).length >= count,
            ),
          ),
        );
      const presenceOf = (watcher: RecordedSubscription) =>
        watcher.ofType(PRESENCE).map((event: { endUserOnline: boolean }) => event.endUserOnline);
      return { ...team, endUser, requestId, watchers, presenceSeen, presenceOf };
    };

    it('counts an end user connected on A as online on B: takeControl succeeds there and the online filter lists it; its disconnect reaches watchers on B and C once', async () => {
      const { bot, agent, endUser, requestId, watchers, presenceSeen, presenceOf } =
        await watchedRequest();
      const socket = await a.connectedWs(bearer(endUser.token));
      await presenceSeen(1);

      const online = (await b.ok(ONLINE_REQUESTS, { botId: bot.id, online: true }, agent.token))
        .requests;
      expect(online).toEqual({
        totalCount: 1,
        edges: [{ node: { id: requestId, endUser: { online: true } } }],
      });
      expect(
        (await b.ok(ONLINE_REQUESTS, { botId: bot.id, online: false }, agent.token)).requests
          .totalCount,
      ).toBe(0);
      const taken = await b.request(TAKE, { requestId }, agent.token);
      expect(taken.errors).toBeUndefined();
      expect(taken.data?.takeControl.status).toBe('ACTIVE');

      await socket.dispose();
      await presenceSeen(2);
      await RecordedSubscription.quiet(500);
      for (const watcher of watchers) {
        expect(presenceOf(watcher)).toEqual([true, false]);
      }
      expect((await c.ok(REQUEST, { id: requestId }, agent.token)).request.endUser.online).toBe(
        false,
      );
    });

    it('keeps an end user online while a connection on another instance remains, and announces the last disconnect once', async () => {
      const { agent, endUser, requestId, watchers, presenceSeen, presenceOf } =
        await watchedRequest();
      const onA = await a.connectedWs(bearer(endUser.token));
      const onC = await c.connectedWs(bearer(endUser.token));
      await presenceSeen(1);

      await onC.dispose();
      await RecordedSubscription.quiet(500);
      for (const watcher of watchers) {
        expect(presenceOf(watcher)).toEqual([true]);
      }
      expect((await b.ok(REQUEST, { id: requestId }, agent.token)).request.endUser.online).toBe(
        true,
      );

      await onA.dispose();
      await presenceSeen(2);
      await RecordedSubscription.quiet(500);
      for (const watcher of watchers) {
        expect(presenceOf(watcher)).toEqual([true, false]);
      }
    });
  });

  it('lets exactly one of 30 simultaneous takeovers spread over 3 instances win, with one AGENT_JOINED notice', async () => {
    const team = await botWithTeam(asTestApp(a));
    const agents: TestAccount[] = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        registerAccount(asTestApp(cluster.instances[i % 3]), `Agent ${i}`),
      ),
    );
    for (const agent of agents) {
      await addMember(asTestApp(a), team.admin, team.bot, agent, 'SUPPORT_AGENT');
    }
    for (let round = 0; round < 2; round += 1) {
      const endUser = await startSession(asTestApp(b), team.bot);
      const { id } = await openRequest(asTestApp(b), endUser);
      await c.connectedWs(bearer(endUser.token));

      const results = await Promise.all(
        agents.map((agent, i) =>
          cluster.instances[i % 3].request(TAKE, { requestId: id }, agent.token),
        ),
      );
      const winners = results.filter((result) => !result.errors);
      expect(winners).toHaveLength(1);
      const winnerId = winners[0].data?.takeControl.id;
      const losers = results.filter((result) => result.errors);
      expect(losers.flatMap(codes)).toEqual(Array(29).fill('ALREADY_UNDER_CONTROL'));
      expect(new Set(losers.map((r) => r.errors?.[0].extensions.liveConversationId))).toEqual(
        new Set([winnerId]),
      );
      for (const instance of cluster.instances) {
        const { request } = await instance.ok(REQUEST, { id }, team.admin.token);
        expect(request.controlMode).toBe('HUMAN');
        expect(request.liveConversation).toEqual({ id: winnerId });
        expect(request.messages).toEqual([{ seq: 1, notice: 'AGENT_JOINED' }]);
      }
    }
  });

  it("ends a removed member's open subscriptions on A and C when an administrator removes it on B, and denies it at once everywhere", async () => {
    const { bot, admin, agent } = await botWithTeam(asTestApp(a));
    const endUser = await startSession(asTestApp(a), bot);
    const { id: requestId } = await openRequest(asTestApp(a), endUser);
    await b.connectedWs(bearer(endUser.token));
    // The member's role is now cached on every instance.
    for (const instance of cluster.instances) {
      await instance.ok(REQUEST, { id: requestId }, agent.token);
    }
    const onA = await a.connectedWs(bearer(agent.token));
    const onC = await c.connectedWs(bearer(agent.token));
    const subscriptions = [
      new RecordedSubscription(onA, EVENTS, { requestId }, 'conversationEvents'),
      new RecordedSubscription(onA, REQUESTS_CHANGED, { botId: bot.id }, 'requestsChanged'),
      new RecordedSubscription(onC, LIVE_CHANGED, { botId: bot.id }, 'liveConversationsChanged'),
      new RecordedSubscription(onC, EVENTS, { requestId }, 'conversationEvents'),
    ];
    await cluster.waitForSubscribers(Topics.conversation(requestId), 2);
    await cluster.waitForSubscribers(Topics.requests(bot.id));
    await cluster.waitForSubscribers(Topics.liveConversations(bot.id));
    await cluster.waitForSubscribers(Topics.membershipRevoked(bot.id, agent.id), 2);
    // Presence events of the end user's connection may still be on their way: let them land.
    await RecordedSubscription.quiet(300);
    const before = subscriptions.map((subscription) => subscription.events.length);

    await b.ok(
      `mutation ($botId: ID!, $id: ID!) { removeBotMember(botId: $botId, accountId: $id) }`,
      { botId: bot.id, id: agent.id },
      admin.token,
    );
    // Events on every stream the member was subscribed to.
    await sendUserMessage(asTestApp(b), endUser, requestId, 'still there?');
    await b.ok(TAKE, { requestId }, admin.token);

    for (const [i, subscription] of subscriptions.entries()) {
      await subscription.until('the end of the subscription', () => subscription.ended, 3_000);
      expect(subscription.events.slice(before[i])).toEqual([]);
    }
    for (const instance of cluster.instances) {
      await eventually(
        `instance ${instance.name} refusing the removed member`,
        async () => {
          const result = await instance.request(REQUEST, { id: requestId }, agent.token);
          return codes(result).includes('NOT_FOUND') ? true : undefined;
        },
        1_000,
      );
    }
  });

  it('keeps delivering to a subscription while hundreds of others on the same conversation open and close around it', async () => {
    const { bot, agent } = await botWithTeam(asTestApp(a));
    const endUser = await startSession(asTestApp(b), bot);
    const kept = await openRequest(asTestApp(b), endUser);
    const churned = await openRequest(asTestApp(b), endUser);
    await sendUserMessage(asTestApp(b), endUser, kept.id, 'first');
    await sendUserMessage(asTestApp(b), endUser, churned.id, 'first');

    const survivor = new RecordedSubscription(
      await a.connectedWs(bearer(agent.token)),
      EVENTS,
      { requestId: kept.id, afterSeq: 0 },
      'conversationEvents',
    );
    await survivor.until('the replayed first message', () => survivor.messageSeqs.length === 1);
    await cluster.waitForSubscribers(Topics.conversation(kept.id), 1);

    // 10 connections × 40 subscriptions, alternating between the two conversations; each one
    // disposed at once, on the next tick, or a few milliseconds after it started.
    const connections = await Promise.all(
      Array.from({ length: 10 }, () => a.connectedWs(bearer(agent.token))),
    );
    let late: RecordedSubscription | undefined;
    const lateSocket = await a.connectedWs(bearer(agent.token));
    const cycles = 40;
    await Promise.all(
      connections.map(async (connection, n) => {
        for (let i = 0; i < cycles; i += 1) {
          const requestId = (i + n) % 2 === 0 ? kept.id : churned.id;
          const dispose = connection.subscribe(
            { query: EVENTS, variables: { requestId, ...(i % 3 === 0 ? { afterSeq: 0 } : {}) } },
            { next: () => undefined, error: () => undefined, complete: () => undefined },
          );
          if (i % 3 !== 1) {
            await new Promise((resolve) => setTimeout(resolve, i % 3 === 0 ? 0 : 1 + (i % 7)));
          }
          dispose();
          if (n === 0 && i === cycles / 2) {
            // Starts while the churn on its conversation is at its height.
            late = new RecordedSubscription(
              lateSocket,
              EVENTS,
              { requestId: churned.id, afterSeq: 0 },
              'conversationEvents',
            );
          }
        }
      }),
    );
    await RecordedSubscription.quiet(500);
    const lateOne = late as RecordedSubscription;
    await lateOne.until('the replayed first message', () => lateOne.messageSeqs.length === 1);
    expect(await cluster.subscribers(Topics.conversation(kept.id))).toBe(1);
    expect(await cluster.subscribers(Topics.conversation(churned.id))).toBe(1);

    for (let i = 0; i < 5; i += 1) {
      await sendUserMessage(asTestApp(b), endUser, kept.id, `after churn ${i}`);
      await sendUserMessage(asTestApp(b), endUser, churned.id, `after churn ${i}`);
    }
    for (const subscription of [survivor, lateOne]) {
      await subscription.until('messages 1 to 6', () => subscription.messageSeqs.length >= 6);
    }
    await RecordedSubscription.quiet(300);
    expect(survivor.messageSeqs).toEqual(seqRange(1, 6));
    expect(lateOne.messageSeqs).toEqual(seqRange(1, 6));
    expect([...survivor.errors, ...lateOne.errors]).toEqual([]);

    // With its last local subscription gone, the instance leaves the channel.
    lateOne.dispose();
    await eventually(
      'instance A unsubscribed from the churned conversation',
      async () =>
        (await cluster.subscribers(Topics.conversation(churned.id))) === 0 ? true : undefined,
      3_000,
    );
  });
});
