import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Topics } from '../src/common/pubsub/topics';
import { TestApp } from './support/test-app';
import {
  TestEndUser,
  botWithTeam,
  codes,
  openRequest,
  rotateEngineKey,
  sendUserMessage,
  startSession,
} from './support/factories';
import { scratchServerDatabase } from './support/server-database';
import { Subscription, waitForSubscribers } from './support/subscriptions';

const REQUEST = `query ($id: ID!) {
  request(id: $id) {
    id status controlMode awaitingHuman supportStatusAtCreation banner lastSeq
    bot { id name } endUser { id online language }
    messages { seq author text clientMessageId }
  }
}`;
const SEND = `mutation ($requestId: ID!, $text: String!, $cid: String) {
  sendUserMessage(requestId: $requestId, text: $text, clientMessageId: $cid) { id seq author text clientMessageId }
}`;
const CLOSE = `mutation ($requestId: ID!) { closeRequest(requestId: $requestId) { id status } }`;
const LIST = `query ($botId: ID!, $filter: RequestFilter, $first: Int, $after: String) {
  requests(botId: $botId, filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id status awaitingHuman endUser { id online } } }
  }
}`;
const EVENTS = `subscription ($requestId: ID!, $afterSeq: Int) {
  conversationEvents(requestId: $requestId, afterSeq: $afterSeq) {
    type requestId endUserOnline banner message { seq author text }
  }
}`;
const BOT_EVENTS = `subscription ($botId: ID!) {
  botEvents(botId: $botId) { type request { id controlMode } message { seq author text } }
}`;
const SEND_BOT = `mutation ($requestId: ID!, $text: String!, $cid: String) {
  sendBotMessage(requestId: $requestId, text: $text, clientMessageId: $cid) { seq author text }
}`;

describe('end users and requests', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(() => app.close());

  /** The next MESSAGE_POSTED event (presence events may come first, in any order). */
  const nextMessage = async (subscription: Subscription) => {
    for (;;) {
      const event = (await subscription.next()).data?.conversationEvents;
      if (event.type === 'MESSAGE_POSTED') {
        return event;
      }
    }
  };

  const messagesOf = async (requestId: string, token: string) =>
    (await app.ok(REQUEST, { id: requestId }, token)).request.messages as {
      seq: number;
      text: string;
    }[];

  describe('sessions', () => {
    it('takes the locale from the input, else Accept-Language (highest q), else "en"', async () => {
      const { bot } = await botWithTeam(app);
      expect(await startSession(app, bot, { locale: 'fr-CA' })).toMatchObject({
        locale: 'fr-CA',
        language: 'FR',
      });
      expect(
        await startSession(app, bot, null, { 'accept-language': 'en-US;q=0.5, fr-BE;q=0.9' }),
      ).toMatchObject({ locale: 'fr-BE', language: 'FR' });
      expect(
        await startSession(app, bot, { locale: 'de-AT' }, { 'accept-language': 'fr' }),
      ).toMatchObject({
        locale: 'de-AT',
        language: 'EN',
      });
      expect(await startSession(app, bot)).toMatchObject({ locale: 'en', language: 'EN' });
    });

    it('is the same end user again for the same externalId', async () => {
      const { bot } = await botWithTeam(app);
      const first = await startSession(app, bot, { externalId: 'visitor-42', locale: 'en' });
      const again = await startSession(app, bot, { externalId: 'visitor-42', locale: 'fr' });
      const other = await startSession(app, bot, { externalId: 'visitor-43' });
      expect(again.id).toBe(first.id);
      expect(again.language).toBe('FR');
      expect(other.id).not.toBe(first.id);
    });

    it('refuses an unknown widget key (NOT_FOUND) and a malformed locale (BAD_USER_INPUT)', async () => {
      const { bot } = await botWithTeam(app);
      const unknown = await app.request(
        `mutation { startEndUserSession(widgetKey: "wk_nope") { token } }`,
      );
      expect(codes(unknown)).toEqual(['NOT_FOUND']);
      const badLocale = await app.request(
        `mutation ($key: String!) { startEndUserSession(widgetKey: $key, input: { locale: "fr CA!" }) { token } }`,
        { key: bot.widgetKey },
      );
      expect(codes(badLocale)).toEqual(['BAD_USER_INPUT']);
      expect(badLocale.errors?.[0].extensions.field).toBe('input.locale');
    });

    it("lets an end user read its bot's support status, not another bot's", async () => {
      const { bot } = await botWithTeam(app);
      const other = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const STATUS = `query ($botId: ID!) { supportStatus(botId: $botId) { botId state } }`;
      expect((await app.ok(STATUS, { botId: bot.id }, endUser.token)).supportStatus).toEqual({
        botId: bot.id,
        state: 'OFFLINE',
      });
      expect(codes(await app.request(STATUS, { botId: other.bot.id }, endUser.token))).toEqual([
        'NOT_FOUND',
      ]);
      const events = new Subscription(
        app.ws({ authorization: `Bearer ${endUser.token}` }),
        `subscription ($botId: ID!) { supportStatusChanged(botId: $botId) { state } }`,
        { botId: other.bot.id },
      );
      expect((await events.next()).errors?.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
    });

    it('refuses an end-user token on account operations (FORBIDDEN)', async () => {
      const { bot } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const results = await Promise.all([
        app.request('{ me { id } }', {}, endUser.token),
        app.request('{ bots { id } }', {}, endUser.token),
        app.request('query ($id: ID!) { bot(id: $id) { id } }', { id: bot.id }, endUser.token),
        app.request(
          'mutation { createBot(input: { name: "x", timeZone: "UTC" }) { id } }',
          {},
          endUser.token,
        ),
      ]);
      expect(results.map(codes)).toEqual(Array(results.length).fill(['FORBIDDEN']));
    });
  });

  describe('requests and the message log', () => {
    it('opens a request with no entry story: nothing posted, the bot in control', async () => {
      const { bot } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const { id } = await openRequest(app, endUser);
      expect((await app.ok(REQUEST, { id }, endUser.token)).request).toEqual({
        id,
        status: 'OPEN',
        controlMode: 'BOT',
        awaitingHuman: false,
        supportStatusAtCreation: 'OFFLINE',
        banner: null,
        lastSeq: 0,
        bot: { id: bot.id, name: bot.name },
        endUser: { id: endUser.id, online: false, language: 'EN' },
        messages: [],
      });
    });

    it('numbers messages 1, 2, 3… and returns the first message for a retried clientMessageId', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const { id } = await openRequest(app, endUser);
      const first = await app.ok(
        SEND,
        { requestId: id, text: '  Hello  ', cid: 'c-1' },
        endUser.token,
      );
      expect(first.sendUserMessage).toMatchObject({
        seq: 1,
        author: 'END_USER',
        text: 'Hello',
        clientMessageId: 'c-1',
      });
      const retry = await app.ok(SEND, { requestId: id, text: 'Hello', cid: 'c-1' }, endUser.token);
      expect(retry.sendUserMessage.id).toBe(first.sendUserMessage.id);
      const clash = await app.request(
        SEND,
        { requestId: id, text: 'Something else', cid: 'c-1' },
        endUser.token,
      );
      expect(codes(clash)).toEqual(['CONFLICT']);
      await sendUserMessage(app, endUser, id, 'Second');
      expect((await messagesOf(id, agent.token)).map((m) => [m.seq, m.text])).toEqual([
        [1, 'Hello'],
        [2, 'Second'],
      ]);
    });

    it('gives 20 concurrent senders the seqs 1..20, with no gap and no duplicate', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const { id } = await openRequest(app, endUser);
      const sent = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          sendUserMessage(app, endUser, id, `message ${i}`, `cid-${i}`),
        ),
      );
      expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const stored = await messagesOf(id, agent.token);
      expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      // Retrying all twenty at once creates nothing.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          sendUserMessage(app, endUser, id, `message ${i}`, `cid-${i}`),
        ),
      );
      expect(await messagesOf(id, agent.token)).toHaveLength(20);
    });

    it.each([
      ['empty text', ''],
      ['whitespace only', '   \n '],
      ['text over 4,000 characters', 'x'.repeat(4001)],
    ])('refuses %s with BAD_USER_INPUT on text, and stores nothing', async (_, text) => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const { id } = await openRequest(app, endUser);
      const result = await app.request(SEND, { requestId: id, text }, endUser.token);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions.field).toBe('text');
      expect(await messagesOf(id, agent.token)).toEqual([]);
    });

    it('accepts exactly 4,000 characters', async () => {
      const { bot } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const { id } = await openRequest(app, endUser);
      expect((await sendUserMessage(app, endUser, id, 'y'.repeat(4000))).seq).toBe(1);
    });

    it('refuses writing into a closed request (REQUEST_CLOSED), closed by its end user or a member', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const byEndUser = await openRequest(app, endUser);
      const byAgent = await openRequest(app, endUser);
      expect(
        (await app.ok(CLOSE, { requestId: byEndUser.id }, endUser.token)).closeRequest.status,
      ).toBe('CLOSED');
      expect(
        (await app.ok(CLOSE, { requestId: byAgent.id }, agent.token)).closeRequest.status,
      ).toBe('CLOSED');
      for (const { id } of [byEndUser, byAgent]) {
        const result = await app.request(SEND, { requestId: id, text: 'anyone?' }, endUser.token);
        expect(codes(result)).toEqual(['REQUEST_CLOSED']);
        expect(await messagesOf(id, agent.token)).toEqual([]);
      }
    });

    it("answers another end user's request exactly like an unknown one (NOT_FOUND)", async () => {
      const { bot, agent } = await botWithTeam(app);
      const owner = await startSession(app, bot);
      const stranger = await startSession(app, bot);
      const { id } = await openRequest(app, owner);
      for (const requestId of [id, randomUUID()]) {
        const results = await Promise.all([
          app.request(REQUEST, { id: requestId }, stranger.token),
          app.request(SEND, { requestId, text: 'hi' }, stranger.token),
          app.request(CLOSE, { requestId }, stranger.token),
        ]);
        expect(results.map(codes)).toEqual([['NOT_FOUND'], ['NOT_FOUND'], ['NOT_FOUND']]);
      }
      const subscription = new Subscription(
        app.ws({ authorization: `Bearer ${stranger.token}` }),
        EVENTS,
        {
          requestId: id,
        },
      );
      expect((await subscription.next()).errors?.map((e) => e.extensions.code)).toEqual([
        'NOT_FOUND',
      ]);
      expect(await messagesOf(id, agent.token)).toEqual([]);
    });

    it('hides a request from members and end users of another bot (NOT_FOUND)', async () => {
      const teamA = await botWithTeam(app);
      const teamB = await botWithTeam(app);
      const endUserA = await startSession(app, teamA.bot);
      const endUserB = await startSession(app, teamB.bot);
      const { id } = await openRequest(app, endUserA);
      expect(codes(await app.request(REQUEST, { id }, teamB.admin.token))).toEqual(['NOT_FOUND']);
      expect(codes(await app.request(REQUEST, { id }, endUserB.token))).toEqual(['NOT_FOUND']);
      expect(codes(await app.request(LIST, { botId: teamA.bot.id }, teamB.agent.token))).toEqual([
        'NOT_FOUND',
      ]);
    });
  });

  describe('the requests list', () => {
    it('pages newest activity first with cursors, filters, and a total count', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const opened: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        opened.push((await openRequest(app, endUser)).id);
        app.clock.advance(1000);
      }
      // Activity moves the first request to the top.
      await sendUserMessage(app, endUser, opened[0], 'bump');
      app.clock.advance(1000);
      await app.ok(CLOSE, { requestId: opened[1] }, endUser.token);
      const expectedOrder = [opened[1], opened[0], opened[4], opened[3], opened[2]];

      const page1 = (await app.ok(LIST, { botId: bot.id, first: 2 }, agent.token)).requests;
      expect(page1.totalCount).toBe(5);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const page2 = (
        await app.ok(
          LIST,
          { botId: bot.id, first: 2, after: page1.pageInfo.endCursor },
          agent.token,
        )
      ).requests;
      const page3 = (
        await app.ok(
          LIST,
          { botId: bot.id, first: 2, after: page2.pageInfo.endCursor },
          agent.token,
        )
      ).requests;
      expect(page3.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
      const ids = [...page1.edges, ...page2.edges, ...page3.edges].map(
        (e: { node: { id: string } }) => e.node.id,
      );
      expect(ids).toEqual(expectedOrder);

      const open = (await app.ok(LIST, { botId: bot.id, filter: { status: 'OPEN' } }, agent.token))
        .requests;
      expect(open.totalCount).toBe(4);
      expect(open.edges.map((e: { node: { status: string } }) => e.node.status)).toEqual(
        Array(4).fill('OPEN'),
      );
    });

    it("reads each listed request's own messages, after afterSeq and up to first", async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const older = await openRequest(app, endUser);
      const newer = await openRequest(app, endUser);
      for (const text of ['a1', 'a2', 'a3']) {
        await sendUserMessage(app, endUser, older.id, text);
      }
      app.clock.advance(1000);
      for (const text of ['b1', 'b2']) {
        await sendUserMessage(app, endUser, newer.id, text);
      }
      const { requests } = await app.ok(
        `query ($botId: ID!) {
          requests(botId: $botId) { edges { node { id messages(afterSeq: 1, first: 1) { seq text } } } }
        }`,
        { botId: bot.id },
        agent.token,
      );
      expect(requests.edges.map((e: { node: unknown }) => e.node)).toEqual([
        { id: newer.id, messages: [{ seq: 2, text: 'b2' }] },
        { id: older.id, messages: [{ seq: 2, text: 'a2' }] },
      ]);
    });

    it.each([
      ['a malformed cursor', { after: 'not-a-cursor' }, 'after'],
      [
        'a cursor of garbage base64',
        { after: Buffer.from('12:zz').toString('base64url') },
        'after',
      ],
      ['first = 0', { first: 0 }, 'first'],
      ['first = 201', { first: 201 }, 'first'],
    ])('refuses %s with BAD_USER_INPUT', async (_, args, field) => {
      const { bot, agent } = await botWithTeam(app);
      const result = await app.request(LIST, { botId: bot.id, ...args }, agent.token);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions.field).toBe(field);
    });
  });

  describe('presence', () => {
    it('is online while a connection with the end-user token is open, and tells the streams', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const other = await startSession(app, bot);
      const { id } = await openRequest(app, endUser);
      await openRequest(app, other);
      const agentSocket = app.ws({ authorization: `Bearer ${agent.token}` });
      const events = new Subscription(agentSocket, EVENTS, { requestId: id });
      const changes = new Subscription(
        agentSocket,
        `subscription ($botId: ID!) {
        requestsChanged(botId: $botId) { type request { id endUser { online } } }
      }`,
        { botId: bot.id },
      );
      await waitForSubscribers(app, Topics.conversation(id));
      await waitForSubscribers(app, Topics.requests(bot.id));

      const endUserSocket = app.ws({ authorization: `Bearer ${endUser.token}` });
      expect((await events.next()).data?.conversationEvents).toEqual({
        type: 'END_USER_PRESENCE_CHANGED',
        requestId: id,
        endUserOnline: true,
        banner: null,
        message: null,
      });
      expect((await changes.next()).data?.requestsChanged).toEqual({
        type: 'UPDATED',
        request: { id, endUser: { online: true } },
      });
      const { request } = await app.ok(
        `query ($id: ID!) { request(id: $id) { endUser { online lastSeenAt } } }`,
        { id },
        agent.token,
      );
      expect(request.endUser).toEqual({ online: true, lastSeenAt: expect.any(String) });
      const online = (
        await app.ok(LIST, { botId: bot.id, filter: { endUserOnline: true } }, agent.token)
      ).requests;
      expect(online.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([id]);
      const offline = (
        await app.ok(LIST, { botId: bot.id, filter: { endUserOnline: false } }, agent.token)
      ).requests;
      expect(offline.totalCount).toBe(1);

      await endUserSocket.dispose();
      expect((await events.next()).data?.conversationEvents).toMatchObject({
        type: 'END_USER_PRESENCE_CHANGED',
        endUserOnline: false,
      });
      expect((await app.ok(REQUEST, { id }, agent.token)).request.endUser.online).toBe(false);
    });

    it('stays online while a second connection remains open', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const { id } = await openRequest(app, endUser);
      const events = new Subscription(app.ws({ authorization: `Bearer ${agent.token}` }), EVENTS, {
        requestId: id,
      });
      await waitForSubscribers(app, Topics.conversation(id));
      const presence = async () => {
        const event = (await events.next()).data?.conversationEvents;
        expect(event.type).toBe('END_USER_PRESENCE_CHANGED');
        return event.endUserOnline as boolean;
      };
      const first = await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
      expect(await presence()).toBe(true);
      const second = await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
      await first.dispose();
      await events.expectSilence(300);
      expect((await app.ok(REQUEST, { id }, agent.token)).request.endUser.online).toBe(true);
      await second.dispose();
      expect(await presence()).toBe(false);
    });
  });

  describe('conversation events', () => {
    it('delivers new messages live to the agent and to the end user', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const { id } = await openRequest(app, endUser);
      // afterSeq: 0 replays the log first, so the test does not race the subscriptions' start.
      const forAgent = new Subscription(
        app.ws({ authorization: `Bearer ${agent.token}` }),
        EVENTS,
        {
          requestId: id,
          afterSeq: 0,
        },
      );
      const forEndUser = new Subscription(
        app.ws({ authorization: `Bearer ${endUser.token}` }),
        EVENTS,
        {
          requestId: id,
          afterSeq: 0,
        },
      );
      await sendUserMessage(app, endUser, id, 'Is anyone there?');
      for (const subscription of [forAgent, forEndUser]) {
        expect(await nextMessage(subscription)).toMatchObject({
          type: 'MESSAGE_POSTED',
          message: { seq: 1, author: 'END_USER', text: 'Is anyone there?' },
        });
      }
    });

    it('replays after afterSeq, then goes live, without a gap or a duplicate while messages keep coming', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const { id } = await openRequest(app, endUser);
      for (let i = 1; i <= 30; i += 1) {
        await sendUserMessage(app, endUser, id, `before ${i}`);
      }
      const socket = app.ws({ authorization: `Bearer ${agent.token}` });
      // Subscribe while 30 more messages are being sent concurrently.
      const sending = Promise.all(
        Array.from({ length: 30 }, (_, i) => sendUserMessage(app, endUser, id, `during ${i}`)),
      );
      const subscription = new Subscription(socket, EVENTS, { requestId: id, afterSeq: 10 });
      await sending;
      const seqs: number[] = [];
      while (seqs.length < 50) {
        const event = (await subscription.next()).data?.conversationEvents;
        if (event.type === 'MESSAGE_POSTED') {
          seqs.push(event.message.seq);
        }
      }
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 11));
      await sendUserMessage(app, endUser, id, 'after');
      expect((await subscription.next()).data?.conversationEvents.message.seq).toBe(61);
      await subscription.expectSilence(100);
    });

    it('refuses a negative afterSeq', async () => {
      const { bot, agent } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const { id } = await openRequest(app, endUser);
      const subscription = new Subscription(
        app.ws({ authorization: `Bearer ${agent.token}` }),
        EVENTS,
        {
          requestId: id,
          afterSeq: -1,
        },
      );
      expect((await subscription.next()).errors?.map((e) => e.extensions.code)).toEqual([
        'BAD_USER_INPUT',
      ]);
    });
  });

  describe('the bot engine', () => {
    const asEngine = (key: string) => app.ws({ authorization: `Bearer ${key}` });

    it('hears requests and end-user messages, and answers with sendBotMessage', async () => {
      const { bot, admin } = await botWithTeam(app);
      const key = await rotateEngineKey(app, admin, bot);
      const engine = new Subscription(asEngine(key), BOT_EVENTS, { botId: bot.id });
      await waitForSubscribers(app, Topics.botEvents(bot.id));
      const endUser: TestEndUser = await startSession(app, bot);
      const { id } = await openRequest(app, endUser);
      expect((await engine.next()).data?.botEvents).toEqual({
        type: 'REQUEST_OPENED',
        request: { id, controlMode: 'BOT' },
        message: null,
      });
      await sendUserMessage(app, endUser, id, 'What are your opening hours?');
      expect((await engine.next()).data?.botEvents).toEqual({
        type: 'USER_MESSAGE',
        request: { id, controlMode: 'BOT' },
        message: { seq: 1, author: 'END_USER', text: 'What are your opening hours?' },
      });
      const answer = await app.ok(
        SEND_BOT,
        { requestId: id, text: 'From 9 to 5.', cid: 'a-1' },
        key,
      );
      expect(answer.sendBotMessage).toEqual({ seq: 2, author: 'BOT', text: 'From 9 to 5.' });
      const retry = await app.ok(
        SEND_BOT,
        { requestId: id, text: 'From 9 to 5.', cid: 'a-1' },
        key,
      );
      expect(retry.sendBotMessage.seq).toBe(2);
      expect(
        (
          await app.ok(
            `query ($botId: ID!) { supportStatus(botId: $botId) { state } }`,
            { botId: bot.id },
            key,
          )
        ).supportStatus.state,
      ).toBe('OFFLINE');
    });

    it("refuses the key of another bot on this bot's requests and events (NOT_FOUND)", async () => {
      const teamA = await botWithTeam(app);
      const teamB = await botWithTeam(app);
      const keyB = await rotateEngineKey(app, teamB.admin, teamB.bot);
      const endUser = await startSession(app, teamA.bot);
      const { id } = await openRequest(app, endUser);
      expect(codes(await app.request(SEND_BOT, { requestId: id, text: 'intruder' }, keyB))).toEqual(
        ['NOT_FOUND'],
      );
      const events = new Subscription(asEngine(keyB), BOT_EVENTS, { botId: teamA.bot.id });
      expect((await events.next()).errors?.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
      expect(
        codes(
          await app.request(
            `query ($botId: ID!) { supportStatus(botId: $botId) { state } }`,
            { botId: teamA.bot.id },
            keyB,
          ),
        ),
      ).toEqual(['NOT_FOUND']);
    });
  });
});

describe('sends while a newer release migrates the database', () => {
  it('keep working once user_requests and messages gain a column (a rolling deploy)', async () => {
    const database = await scratchServerDatabase();
    const app = await TestApp.start({ databaseUrl: database.url });
    const admin = new Client({ connectionString: database.url });
    try {
      const { bot } = await botWithTeam(app);
      const endUser = await startSession(app, bot);
      const request = await openRequest(app, endUser);
      // More sends than PostgreSQL plans before it keeps a generic plan of a named statement.
      for (let seq = 1; seq <= 8; seq += 1) {
        expect((await sendUserMessage(app, endUser, request.id, `before ${seq}`)).seq).toBe(seq);
      }
      await admin.connect();
      await admin.query('ALTER TABLE user_requests ADD COLUMN added_by_a_newer_release integer');
      await admin.query('ALTER TABLE messages ADD COLUMN added_by_a_newer_release integer');
      for (let seq = 9; seq <= 12; seq += 1) {
        expect((await sendUserMessage(app, endUser, request.id, `after ${seq}`)).seq).toBe(seq);
      }
    } finally {
      await admin.end().catch(() => undefined);
      await app.close();
      await database.drop();
    }
  });
});
