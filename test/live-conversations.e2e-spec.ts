import { TestApp } from './support/test-app';
import { Topics } from '../src/common/pubsub/topics';
import { TestClock } from './support/test-clock';
import {
  TestAccount,
  TestEndUser,
  addMember,
  botWithTeam,
  codes,
  openRequest,
  registerAccount,
  rotateEngineKey,
  sendUserMessage,
  startSession,
} from './support/factories';
import { Subscription, waitForSubscribers } from './support/subscriptions';

const TAKE = `mutation ($requestId: ID!) {
  takeControl(requestId: $requestId) {
    id status startedAt endedAt operator { displayName avatarUrl } agent { id } request { id controlMode awaitingHuman banner }
  }
}`;
const SEND = `mutation ($id: ID!, $text: String!, $cid: String) {
  sendAgentMessage(liveConversationId: $id, text: $text, clientMessageId: $cid) {
    id seq author text operator { displayName avatarUrl }
  }
}`;
const RELEASE = `mutation ($id: ID!) { releaseControl(liveConversationId: $id) { id status endedAt request { controlMode banner } } }`;
const SEND_BOT = `mutation ($requestId: ID!, $text: String!) { sendBotMessage(requestId: $requestId, text: $text) { seq author text } }`;
const REQUEST = `query ($id: ID!) {
  request(id: $id) {
    status controlMode banner liveConversation { id }
    messages { seq author text notice operator { displayName avatarUrl } }
  }
}`;
const EVENTS = `subscription ($requestId: ID!, $afterSeq: Int) {
  conversationEvents(requestId: $requestId, afterSeq: $afterSeq) {
    type banner endUserOnline message { seq author text notice operator { displayName } }
    liveConversation { id status operator { displayName } }
  }
}`;
const LIST = `query ($botId: ID, $scope: LiveConversationScope) {
  liveConversations(botId: $botId, scope: $scope) { totalCount edges { node { id agent { id } request { id } } } }
}`;

describe('take control', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(() => app.close());

  /** A bot whose end user has a request and an open connection (online). */
  const onlineRequest = async (locale = 'en') => {
    const team = await botWithTeam(app);
    const endUser = await startSession(app, team.bot, { locale });
    const { id } = await openRequest(app, endUser);
    const socket = await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
    return { ...team, endUser, requestId: id, socket };
  };

  const take = (requestId: string, account: TestAccount) =>
    app.request(TAKE, { requestId }, account.token);

  /** Reads events until one of `type`, returning it; fails on errors. */
  const nextOf = async (subscription: Subscription, type: string) => {
    for (;;) {
      const event = await subscription.next();
      expect(event.errors).toBeUndefined();
      if (event.data?.conversationEvents.type === type) {
        return event.data.conversationEvents;
      }
    }
  };

  describe.each([
    [
      'French (fr-CA)',
      'fr-CA',
      'Un agent du support est en ligne',
      'Un humain a rejoint la discussion',
      'Un humain a quitté la discussion',
    ],
    [
      'English',
      'en-US',
      'A support agent is online',
      'Human joined the chat',
      'Human left the chat',
    ],
  ])('the whole story with a %s end user', (_, locale, banner, joined, left) => {
    it('takes control, talks both ways in seq order, releases, and the bot resumes', async () => {
      const { bot, admin, agent, endUser, requestId } = await onlineRequest(locale);
      const engineKey = await rotateEngineKey(app, admin, bot);
      await sendUserMessage(app, endUser, requestId, 'I need a person');

      const agentSocket = await app.connectedWs({ authorization: `Bearer ${agent.token}` });
      const endUserSocket = await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
      const forAgent = new Subscription(agentSocket, EVENTS, { requestId, afterSeq: 1 });
      const forEndUser = new Subscription(endUserSocket, EVENTS, { requestId, afterSeq: 1 });
      const engine = new Subscription(
        app.ws({ authorization: `Bearer ${engineKey}` }),
        `subscription ($botId: ID!) {
        botEvents(botId: $botId) { type request { id controlMode } message { text } }
      }`,
        { botId: bot.id },
      );
      await waitForSubscribers(app, Topics.conversation(requestId), 2);
      await waitForSubscribers(app, Topics.botEvents(bot.id));

      const taken = (await app.ok(TAKE, { requestId }, agent.token)).takeControl;
      expect(taken).toMatchObject({
        status: 'ACTIVE',
        endedAt: null,
        operator: {
          displayName: 'Sam Agent',
          avatarUrl: expect.stringMatching(/^http:\/\/localhost:\d+\/avatars\/placeholder\.svg$/),
        },
        agent: { id: agent.id },
        request: { id: requestId, controlMode: 'HUMAN', awaitingHuman: false, banner },
      });

      for (const subscription of [forAgent, forEndUser]) {
        const control = (await subscription.next()).data?.conversationEvents;
        expect(control).toMatchObject({
          type: 'CONTROL_TAKEN',
          banner,
          liveConversation: {
            id: taken.id,
            status: 'ACTIVE',
            operator: { displayName: 'Sam Agent' },
          },
        });
        expect((await subscription.next()).data?.conversationEvents).toMatchObject({
          type: 'MESSAGE_POSTED',
          banner,
          message: {
            seq: 2,
            author: 'SYSTEM',
            notice: 'AGENT_JOINED',
            text: joined,
            operator: { displayName: 'Sam Agent' },
          },
        });
      }
      expect((await engine.next()).data?.botEvents).toMatchObject({
        type: 'CONTROL_TAKEN',
        request: { controlMode: 'HUMAN' },
      });

      // While a person has control, the bot is paused and does not hear the end user.
      expect(
        codes(await app.request(SEND_BOT, { requestId, text: 'Bot here' }, engineKey)),
      ).toEqual(['BOT_PAUSED']);
      const agentMessage = (
        await app.ok(SEND, { id: taken.id, text: 'Hello, I am Sam.', cid: 'a1' }, agent.token)
      ).sendAgentMessage;
      expect(agentMessage).toMatchObject({
        seq: 3,
        author: 'AGENT',
        operator: { displayName: 'Sam Agent' },
      });
      await sendUserMessage(app, endUser, requestId, 'Thanks!');
      const retried = (
        await app.ok(SEND, { id: taken.id, text: 'Hello, I am Sam.', cid: 'a1' }, agent.token)
      ).sendAgentMessage;
      expect(retried.id).toBe(agentMessage.id);

      for (const subscription of [forAgent, forEndUser]) {
        expect((await nextOf(subscription, 'MESSAGE_POSTED')).message).toMatchObject({
          seq: 3,
          author: 'AGENT',
          text: 'Hello, I am Sam.',
        });
        expect((await nextOf(subscription, 'MESSAGE_POSTED')).message).toMatchObject({
          seq: 4,
          author: 'END_USER',
          text: 'Thanks!',
        });
      }

      const released = (await app.ok(RELEASE, { id: taken.id }, agent.token)).releaseControl;
      expect(released).toMatchObject({
        status: 'ENDED',
        endedAt: expect.any(String),
        request: { controlMode: 'BOT', banner: null },
      });
      for (const subscription of [forAgent, forEndUser]) {
        expect(await nextOf(subscription, 'CONTROL_RELEASED')).toMatchObject({
          banner: null,
          liveConversation: { id: taken.id, status: 'ENDED' },
        });
        expect((await nextOf(subscription, 'MESSAGE_POSTED')).message).toMatchObject({
          seq: 5,
          author: 'SYSTEM',
          notice: 'AGENT_LEFT',
          text: left,
        });
      }
      expect((await engine.next()).data?.botEvents).toMatchObject({
        type: 'CONTROL_RELEASED',
        request: { controlMode: 'BOT' },
      });

      // The bot resumes: its answers are accepted and it hears the end user again.
      expect(
        (await app.ok(SEND_BOT, { requestId, text: 'Back to me.' }, engineKey)).sendBotMessage,
      ).toEqual({ seq: 6, author: 'BOT', text: 'Back to me.' });
      await sendUserMessage(app, endUser, requestId, 'ok');
      expect((await engine.next()).data?.botEvents).toMatchObject({
        type: 'USER_MESSAGE',
        message: { text: 'ok' },
      });

      const { request } = await app.ok(REQUEST, { id: requestId }, agent.token);
      expect(
        request.messages.map((m: { seq: number; author: string }) => [m.seq, m.author]),
      ).toEqual([
        [1, 'END_USER'],
        [2, 'SYSTEM'],
        [3, 'AGENT'],
        [4, 'END_USER'],
        [5, 'SYSTEM'],
        [6, 'BOT'],
        [7, 'END_USER'],
      ]);
      expect(request.liveConversation).toBeNull();
      // Sending into an ended live conversation is refused.
      expect(
        codes(await app.request(SEND, { id: taken.id, text: 'one more' }, agent.token)),
      ).toEqual(['NOT_IN_CONTROL']);
    });
  });

  it('lets exactly one of 50 simultaneous takeovers win, every time', async () => {
    const team = await botWithTeam(app);
    const agents = await Promise.all(
      Array.from({ length: 50 }, (_, i) => registerAccount(app, `Agent ${i}`)),
    );
    for (const agent of agents) {
      await addMember(app, team.admin, team.bot, agent, 'SUPPORT_AGENT');
    }
    for (let round = 0; round < 3; round += 1) {
      const endUser = await startSession(app, team.bot);
      const { id } = await openRequest(app, endUser);
      await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
      const results = await Promise.all(agents.map((agent) => take(id, agent)));
      const winners = results.filter((result) => !result.errors);
      expect(winners).toHaveLength(1);
      const winnerId = winners[0].data?.takeControl.id;
      const losers = results.filter((result) => result.errors);
      expect(losers.map(codes).flat()).toEqual(Array(49).fill('ALREADY_UNDER_CONTROL'));
      expect(new Set(losers.map((r) => r.errors?.[0].extensions.liveConversationId))).toEqual(
        new Set([winnerId]),
      );
      const { request } = await app.ok(REQUEST, { id }, team.admin.token);
      expect(
        request.messages.filter((m: { notice: string }) => m.notice === 'AGENT_JOINED'),
      ).toHaveLength(1);
    }
  });

  it('returns the same live conversation when the agent in control retries, with no second notice', async () => {
    const { agent, requestId } = await onlineRequest();
    const first = (await take(requestId, agent)).data?.takeControl;
    const again = (await take(requestId, agent)).data?.takeControl;
    expect(again.id).toBe(first.id);
    const { request } = await app.ok(REQUEST, { id: requestId }, agent.token);
    expect(request.messages).toHaveLength(1);
  });

  it('refuses a takeover while the end user is offline (END_USER_OFFLINE), and allows it once back', async () => {
    const { agent, endUser, requestId, socket } = await onlineRequest();
    await socket.dispose();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(codes(await take(requestId, agent))).toEqual(['END_USER_OFFLINE']);
    expect((await app.ok(REQUEST, { id: requestId }, agent.token)).request.controlMode).toBe('BOT');
    await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
    expect((await take(requestId, agent)).errors).toBeUndefined();
  });

  it('refuses a takeover of a closed request (REQUEST_CLOSED) and by another agent (ALREADY_UNDER_CONTROL)', async () => {
    const { admin, agent, endUser, requestId } = await onlineRequest();
    const taken = (await take(requestId, agent)).data?.takeControl;
    const second = await take(requestId, admin);
    expect(codes(second)).toEqual(['ALREADY_UNDER_CONTROL']);
    expect(second.errors?.[0].extensions.liveConversationId).toBe(taken.id);

    const other = await openRequest(app, endUser);
    await app.ok(
      `mutation ($id: ID!) { closeRequest(requestId: $id) { status } }`,
      { id: other.id },
      endUser.token,
    );
    expect(codes(await take(other.id, agent))).toEqual(['REQUEST_CLOSED']);
  });

  it('hides the request from non-members (NOT_FOUND) and refuses end users and bot engines (FORBIDDEN)', async () => {
    const { bot, admin, endUser, outsider, requestId } = await onlineRequest();
    const engineKey = await rotateEngineKey(app, admin, bot);
    expect(codes(await take(requestId, outsider))).toEqual(['NOT_FOUND']);
    expect(codes(await app.request(TAKE, { requestId }, endUser.token))).toEqual(['FORBIDDEN']);
    expect(codes(await app.request(TAKE, { requestId }, engineKey))).toEqual(['FORBIDDEN']);
    expect(codes(await take('6f1c2a7e-0000-4000-8000-000000000000', admin))).toEqual(['NOT_FOUND']);
    expect((await app.ok(REQUEST, { id: requestId }, admin.token)).request.controlMode).toBe('BOT');
  });

  it("refuses another agent's messages (NOT_IN_CONTROL), bad text (BAD_USER_INPUT) and unknown ids (NOT_FOUND)", async () => {
    const { admin, agent, requestId } = await onlineRequest();
    const taken = (await take(requestId, agent)).data?.takeControl;
    const results = await Promise.all([
      app.request(SEND, { id: taken.id, text: 'I am the admin' }, admin.token),
      app.request(SEND, { id: taken.id, text: '   ' }, agent.token),
      app.request(SEND, { id: taken.id, text: 'x'.repeat(4001) }, agent.token),
      app.request(SEND, { id: '6f1c2a7e-0000-4000-8000-000000000000', text: 'hi' }, agent.token),
    ]);
    expect(results.map(codes)).toEqual([
      ['NOT_IN_CONTROL'],
      ['BAD_USER_INPUT'],
      ['BAD_USER_INPUT'],
      ['NOT_FOUND'],
    ]);
    expect((await app.ok(REQUEST, { id: requestId }, agent.token)).request.messages).toHaveLength(
      1,
    );
  });

  it('lets the agent in control or an ADMINISTRATOR release, not another SUPPORT_AGENT; never twice', async () => {
    const { bot, admin, agent, requestId } = await onlineRequest();
    const colleague = await registerAccount(app, 'Colleague');
    await addMember(app, admin, bot, colleague, 'SUPPORT_AGENT');
    const taken = (await take(requestId, agent)).data?.takeControl;
    expect(codes(await app.request(RELEASE, { id: taken.id }, colleague.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect((await app.ok(RELEASE, { id: taken.id }, admin.token)).releaseControl.status).toBe(
      'ENDED',
    );
    expect(codes(await app.request(RELEASE, { id: taken.id }, agent.token))).toEqual([
      'NOT_IN_CONTROL',
    ]);
    const { request } = await app.ok(REQUEST, { id: requestId }, admin.token);
    expect(
      request.messages.filter((m: { notice: string }) => m.notice === 'AGENT_LEFT'),
    ).toHaveLength(1);
  });

  it('ends the live conversation when the request is closed', async () => {
    const { agent, endUser, requestId } = await onlineRequest();
    const taken = (await take(requestId, agent)).data?.takeControl;
    await app.ok(
      `mutation ($id: ID!) { closeRequest(requestId: $id) { status } }`,
      { id: requestId },
      endUser.token,
    );
    const { liveConversation } = await app.ok(
      `query ($id: ID!) { liveConversation(id: $id) { status endedAt } }`,
      { id: taken.id },
      agent.token,
    );
    expect(liveConversation).toEqual({ status: 'ENDED', endedAt: expect.any(String) });
    const { request } = await app.ok(REQUEST, { id: requestId }, agent.token);
    expect(request).toMatchObject({ status: 'CLOSED', controlMode: 'BOT', banner: null });
    expect(request.messages.map((m: { notice: string | null }) => m.notice)).toEqual([
      'AGENT_JOINED',
      'AGENT_LEFT',
    ]);
  });

  it('lists the ACTIVE live conversations: mine, all, across bots', async () => {
    const first = await onlineRequest();
    const second = await onlineRequest();
    // The agent of the first bot also staffs the second one.
    await addMember(app, second.admin, second.bot, first.agent, 'SUPPORT_AGENT');
    const endUser2 = await startSession(app, first.bot);
    const request2 = await openRequest(app, endUser2);
    await app.connectedWs({ authorization: `Bearer ${endUser2.token}` });

    const mine1 = (await take(first.requestId, first.agent)).data?.takeControl.id;
    const mine2 = (await take(second.requestId, first.agent)).data?.takeControl.id;
    const theirs = (await take(request2.id, first.admin)).data?.takeControl.id;

    const ids = async (variables: Record<string, unknown>, account: TestAccount) =>
      (
        (await app.ok(LIST, variables, account.token)).liveConversations.edges as {
          node: { id: string };
        }[]
      )
        .map((e) => e.node.id)
        .sort();
    expect(await ids({}, first.agent)).toEqual([mine1, mine2].sort());
    expect(await ids({ botId: first.bot.id }, first.agent)).toEqual([mine1]);
    expect(await ids({ botId: first.bot.id, scope: 'ALL' }, first.agent)).toEqual(
      [mine1, theirs].sort(),
    );
    expect(await ids({ scope: 'ALL' }, first.agent)).toEqual([mine1, mine2, theirs].sort());
    expect(await ids({ scope: 'ALL' }, second.admin)).toEqual([mine2]);
    expect(codes(await app.request(LIST, { botId: first.bot.id }, second.outsider.token))).toEqual([
      'NOT_FOUND',
    ]);

    const { liveConversation } = await app.ok(
      `query ($id: ID!) { liveConversation(id: $id) { request { id } agent { id } } }`,
      { id: mine1 },
      first.admin.token,
    );
    expect(liveConversation).toEqual({
      request: { id: first.requestId },
      agent: { id: first.agent.id },
    });
  });

  it('takes control whatever the availability: team OFFLINE or temporarily unavailable', async () => {
    const clock = new TestClock('2026-11-23T12:00:00Z'); // Monday 13:00 in Paris
    const timed = await TestApp.start({ clock, tokenTtl: '30d' });
    try {
      const team = await botWithTeam(timed);
      const endUser: TestEndUser = await startSession(timed, team.bot);
      await timed.connectedWs({ authorization: `Bearer ${endUser.token}` });
      const offline = await openRequest(timed, endUser);
      expect(
        (
          await timed.ok(
            `query ($id: ID!) { supportStatus(botId: $id) { state } }`,
            { id: team.bot.id },
            team.agent.token,
          )
        ).supportStatus.state,
      ).toBe('OFFLINE');
      expect(
        (await timed.request(TAKE, { requestId: offline.id }, team.agent.token)).errors,
      ).toBeUndefined();

      await timed.ok(
        `mutation ($id: ID!) { replaceWeeklySchedule(botId: $id, slots: [{ weekday: MONDAY, startTime: "09:00", endTime: "17:00" }]) { id } }`,
        { id: team.bot.id },
        team.admin.token,
      );
      await timed.ok(
        `mutation ($id: ID!) { activateTemporaryUnavailability(botId: $id, hours: 1, minutes: 0) { endsAt } }`,
        { id: team.bot.id },
        team.admin.token,
      );
      const away = await openRequest(timed, endUser);
      expect(
        (await timed.request(TAKE, { requestId: away.id }, team.agent.token)).errors,
      ).toBeUndefined();
    } finally {
      await timed.close();
    }
  });

  it('clears awaitingHuman on takeover', async () => {
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
    const endUser = await startSession(app, team.bot);
    const { id } = await openRequest(app, endUser);
    await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
    expect(
      (
        await app.ok(
          `query ($id: ID!) { request(id: $id) { awaitingHuman } }`,
          { id },
          team.agent.token,
        )
      ).request.awaitingHuman,
    ).toBe(true);
    const taken = await app.ok(TAKE, { requestId: id }, team.agent.token);
    expect(taken.takeControl.request.awaitingHuman).toBe(false);
  });

  it("stops a removed member's subscriptions to the bot", async () => {
    const { bot, admin, agent, endUser, requestId } = await onlineRequest();
    const socket = await app.connectedWs({ authorization: `Bearer ${agent.token}` });
    const events = new Subscription(socket, EVENTS, { requestId });
    const changes = new Subscription(
      socket,
      `subscription ($botId: ID!) { requestsChanged(botId: $botId) { type } }`,
      { botId: bot.id },
    );
    const lives = new Subscription(
      socket,
      `subscription ($botId: ID!) { liveConversationsChanged(botId: $botId) { type } }`,
      { botId: bot.id },
    );
    await waitForSubscribers(app, Topics.conversation(requestId));
    await waitForSubscribers(app, Topics.requests(bot.id));
    await waitForSubscribers(app, Topics.liveConversations(bot.id));
    await app.ok(
      `mutation ($botId: ID!, $id: ID!) { removeBotMember(botId: $botId, accountId: $id) }`,
      { botId: bot.id, id: agent.id },
      admin.token,
    );
    await sendUserMessage(app, endUser, requestId, 'still there?');
    await take(requestId, admin);
    for (const subscription of [events, changes, lives]) {
      await expect(subscription.next(1000)).rejects.toThrow(/completed/);
    }
  });
});
