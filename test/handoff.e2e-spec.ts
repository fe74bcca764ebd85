import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Topics } from '../src/common/pubsub/topics';
import { AutoReleaseSweeper } from '../src/live-conversations/auto-release.sweeper';
import {
  TestAccount,
  TestBot,
  addMember,
  botWithTeam,
  codes,
  openRequest,
  registerAccount,
  rotateEngineKey,
  sendUserMessage,
  startSession,
} from './support/factories';
import { RecordedSubscription } from './support/recorded-subscription';
import { serverDatabase } from './support/server-database';
import { waitForSubscribers } from './support/subscriptions';
import { TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';

/**
 * The handoff lifecycle: transfer between members, automatic release, end reasons and the
 * control history. The clock starts far in the future: deadlines of automatic release written
 * here are never due for the other suites' clocks sharing the database, and theirs (none set
 * automatic release) never for this one.
 */
const START = '2090-03-06T09:00:00Z';
const MINUTE = 60_000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const TAKE = `mutation ($requestId: ID!) { takeControl(requestId: $requestId) { id } }`;
const TRANSFER = `mutation ($id: ID!, $to: ID!) {
  transferControl(liveConversationId: $id, toAccountId: $to) {
    id status startedAt endedAt endReason endedBy { id } transferredTo { id }
    operator { displayName } agent { id } request { id controlMode banner }
  }
}`;
const RELEASE = `mutation ($id: ID!) { releaseControl(liveConversationId: $id) { id status endReason } }`;
const SEND = `mutation ($id: ID!, $text: String!) {
  sendAgentMessage(liveConversationId: $id, text: $text) { seq }
}`;
const SEND_BOT = `mutation ($requestId: ID!, $text: String!) { sendBotMessage(requestId: $requestId, text: $text) { seq } }`;
const CLOSE = `mutation ($id: ID!) { closeRequest(requestId: $id) { status controlMode } }`;
const LIVE = `query ($id: ID!) {
  liveConversation(id: $id) {
    id status endedAt endReason endedBy { id } transferredTo { id agent { id } } agent { id }
  }
}`;
const REQUEST = `query ($id: ID!) {
  request(id: $id) {
    status controlMode banner liveConversation { id agent { id } }
    messages { seq author text notice operator { displayName } }
  }
}`;
const HISTORY = `query ($id: ID!) {
  request(id: $id) {
    controlHistory { at kind from { id } to { id } by { id } liveConversation { id status endReason } }
  }
}`;
const UPDATE_BOT = `mutation ($id: ID!, $minutes: Int) {
  updateBot(id: $id, input: { autoReleaseMinutes: $minutes }) { autoReleaseMinutes }
}`;
const EVENTS = `subscription ($requestId: ID!) {
  conversationEvents(requestId: $requestId) {
    type banner at message { seq author notice text operator { displayName } }
    liveConversation { id status endReason operator { displayName } }
  }
}`;
const CHANGES = `subscription ($botId: ID!) {
  liveConversationsChanged(botId: $botId) {
    type liveConversation { id status endReason transferredTo { id } agent { id } }
  }
}`;
const BOT_EVENTS = `subscription ($botId: ID!) {
  botEvents(botId: $botId) { type request { id controlMode } }
}`;

type Team = Awaited<ReturnType<typeof botWithTeam>>;

/** A bot with an ADMINISTRATOR, two SUPPORT_AGENTs, an outsider, and helpers to act on it. */
async function teamOf(app: TestApp): Promise<Team & { second: TestAccount }> {
  const team = await botWithTeam(app);
  const second = await registerAccount(app, 'Zoe Second');
  await addMember(app, team.admin, team.bot, second, 'SUPPORT_AGENT');
  return { ...team, second };
}

async function setDisplayName(
  app: TestApp,
  bot: TestBot,
  account: TestAccount,
  displayName: string,
): Promise<void> {
  await app.ok(
    `mutation ($botId: ID!, $name: String) {
       updateOperatorProfile(botId: $botId, input: { displayName: $name }) { displayName }
     }`,
    { botId: bot.id, name: displayName },
    account.token,
  );
}

/** An end user of `bot` online with an open request. */
async function onlineRequest(app: TestApp, bot: TestBot, locale = 'en') {
  const endUser = await startSession(app, bot, { locale });
  const { id } = await openRequest(app, endUser);
  const socket = await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
  return { endUser, requestId: id, socket };
}

async function take(app: TestApp, requestId: string, account: TestAccount): Promise<string> {
  return (await app.ok(TAKE, { requestId }, account.token)).takeControl.id;
}

const messagesOf = async (app: TestApp, requestId: string, token: string) =>
  (await app.ok(REQUEST, { id: requestId }, token)).request.messages as {
    seq: number;
    author: string;
    notice: string | null;
    text: string;
    operator: { displayName: string } | null;
  }[];

/** The events of a conversation that are about control and messages (not presence). */
const controlEvents = (subscription: RecordedSubscription) =>
  subscription.events.filter((event) => event.type !== 'END_USER_PRESENCE_CHANGED');

const notices = (messages: { notice: string | null; text: string }[]) =>
  messages.filter((m) => m.notice).map((m) => [m.notice, m.text]);

describe('handoff', () => {
  const clock = new TestClock(START);
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({ clock, tokenTtl: '30d' });
  });
  afterAll(() => app?.close());

  describe('transferControl', () => {
    describe.each([
      [
        'French, display names set',
        'fr-FR',
        true,
        'Sam Support a quitté la discussion',
        'Zoé a rejoint la discussion',
        'Un agent du support est en ligne',
      ],
      [
        'French, no display names',
        'fr',
        false,
        'Un humain a quitté la discussion',
        'Un humain a rejoint la discussion',
        'Un agent du support est en ligne',
      ],
      [
        'English, display names set',
        'en-GB',
        true,
        'Sam Support left the chat',
        'Zoé joined the chat',
        'A support agent is online',
      ],
      [
        'English, no display names',
        'en',
        false,
        'Human left the chat',
        'Human joined the chat',
        'A support agent is online',
      ],
    ])('by the agent in control (%s)', (_, locale, named, left, joined, banner) => {
      it('hands over without the bot ever regaining control, and tells everyone', async () => {
        const { bot, admin, agent, second } = await teamOf(app);
        if (named) {
          await setDisplayName(app, bot, agent, 'Sam Support');
          await setDisplayName(app, bot, second, 'Zoé');
        }
        const engineKey = await rotateEngineKey(app, admin, bot);
        const { endUser, requestId } = await onlineRequest(app, bot, locale);
        const conversation = new RecordedSubscription(
          await app.connectedWs({ authorization: `Bearer ${endUser.token}` }),
          EVENTS,
          { requestId },
          'conversationEvents',
        );
        const list = new RecordedSubscription(
          await app.connectedWs({ authorization: `Bearer ${admin.token}` }),
          CHANGES,
          { botId: bot.id },
          'liveConversationsChanged',
        );
        const engine = new RecordedSubscription(
          await app.connectedWs({ authorization: `Bearer ${engineKey}` }),
          BOT_EVENTS,
          { botId: bot.id },
          'botEvents',
        );
        await waitForSubscribers(app, Topics.conversation(requestId));
        await waitForSubscribers(app, Topics.liveConversations(bot.id));
        await waitForSubscribers(app, Topics.botEvents(bot.id));

        const first = await take(app, requestId, agent);
        await engine.until('CONTROL_TAKEN', () => engine.ofType('CONTROL_TAKEN').length === 1);
        await conversation.until(
          'the joined notice',
          () => controlEvents(conversation).length === 2,
        );

        // Sample what the end user and the bot engine see, as fast as possible, throughout.
        let sampling = true;
        const modes = new Set<string>();
        const botSends = new Set<string>();
        const sampler = (async () => {
          while (sampling) {
            const [state, send] = await Promise.all([
              app.ok(
                'query ($id: ID!) { request(id: $id) { controlMode banner } }',
                { id: requestId },
                endUser.token,
              ),
              app.request(SEND_BOT, { requestId, text: 'Bot here' }, engineKey),
            ]);
            modes.add(`${state.request.controlMode} ${state.request.banner}`);
            botSends.add(codes(send).join() || 'SENT');
          }
        })();
        await new Promise((resolve) => setTimeout(resolve, 50));
        const transferred = (await app.ok(TRANSFER, { id: first, to: second.id }, agent.token))
          .transferControl;
        await new Promise((resolve) => setTimeout(resolve, 50));
        sampling = false;
        await sampler;
        expect([...modes]).toEqual([`HUMAN ${banner}`]);
        expect([...botSends]).toEqual(['BOT_PAUSED']);

        expect(transferred).toMatchObject({
          status: 'ACTIVE',
          endedAt: null,
          endReason: null,
          endedBy: null,
          transferredTo: null,
          operator: { displayName: named ? 'Zoé' : 'Zoe Second' },
          agent: { id: second.id },
          request: { id: requestId, controlMode: 'HUMAN', banner },
        });
        expect((await app.ok(LIVE, { id: first }, admin.token)).liveConversation).toEqual({
          id: first,
          status: 'ENDED',
          endedAt: transferred.startedAt,
          endReason: 'TRANSFERRED',
          endedBy: { id: agent.id },
          transferredTo: { id: transferred.id, agent: { id: second.id } },
          agent: { id: agent.id },
        });

        // The end user: CONTROL_TRANSFERRED with the new live conversation, the banner staying,
        // then who left and who joined, each under their own name.
        await conversation.until(
          'the transfer and its notices',
          () => controlEvents(conversation).length === 5,
        );
        expect(controlEvents(conversation).slice(2)).toMatchObject([
          {
            type: 'CONTROL_TRANSFERRED',
            banner,
            liveConversation: {
              id: transferred.id,
              status: 'ACTIVE',
              endReason: null,
              operator: { displayName: named ? 'Zoé' : 'Zoe Second' },
            },
          },
          {
            type: 'MESSAGE_POSTED',
            banner,
            message: {
              seq: 2,
              author: 'SYSTEM',
              notice: 'AGENT_LEFT',
              text: left,
              operator: { displayName: named ? 'Sam Support' : 'Sam Agent' },
            },
          },
          {
            type: 'MESSAGE_POSTED',
            banner,
            message: {
              seq: 3,
              author: 'SYSTEM',
              notice: 'AGENT_JOINED',
              text: joined,
              operator: { displayName: named ? 'Zoé' : 'Zoe Second' },
            },
          },
        ]);
        expect(conversation.ofType('CONTROL_RELEASED')).toEqual([]);

        // The lists: TRANSFERRED for the ended one, then STARTED for the new one.
        await list.until('STARTED, TRANSFERRED, STARTED', () => list.events.length === 3);
        expect(list.events).toMatchObject([
          { type: 'STARTED', liveConversation: { id: first } },
          {
            type: 'TRANSFERRED',
            liveConversation: {
              id: first,
              status: 'ENDED',
              endReason: 'TRANSFERRED',
              transferredTo: { id: transferred.id },
              agent: { id: agent.id },
            },
          },
          {
            type: 'STARTED',
            liveConversation: { id: transferred.id, status: 'ACTIVE', agent: { id: second.id } },
          },
        ]);

        // The bot engine heard the takeover only: it never had control back.
        await RecordedSubscription.quiet(300);
        expect(engine.events.map((event) => event.type)).toEqual(['CONTROL_TAKEN']);

        // The new agent writes; the previous one no longer may.
        expect(
          codes(await app.request(SEND, { id: first, text: 'still me?' }, agent.token)),
        ).toEqual(['NOT_IN_CONTROL']);
        expect(
          (await app.ok(SEND, { id: transferred.id, text: 'Zoé here' }, second.token))
            .sendAgentMessage.seq,
        ).toBe(4);
        expect(notices(await messagesOf(app, requestId, admin.token))).toEqual([
          ['AGENT_JOINED', named ? joined.replace('Zoé', 'Sam Support') : joined],
          ['AGENT_LEFT', left],
          ['AGENT_JOINED', joined],
        ]);
      });
    });

    it('lets an ADMINISTRATOR transfer a conversation it does not hold, to another agent or to itself, with the end user offline', async () => {
      const { bot, admin, agent, second } = await teamOf(app);
      const { requestId, socket } = await onlineRequest(app, bot);
      const first = await take(app, requestId, agent);
      await socket.dispose();
      await new Promise((resolve) => setTimeout(resolve, 200));

      const toSecond = (await app.ok(TRANSFER, { id: first, to: second.id }, admin.token))
        .transferControl;
      expect(toSecond).toMatchObject({ status: 'ACTIVE', agent: { id: second.id } });
      expect((await app.ok(LIVE, { id: first }, admin.token)).liveConversation).toMatchObject({
        endReason: 'TRANSFERRED',
        endedBy: { id: admin.id },
        transferredTo: { id: toSecond.id },
      });
      const toAdmin = (await app.ok(TRANSFER, { id: toSecond.id, to: admin.id }, admin.token))
        .transferControl;
      expect(toAdmin).toMatchObject({ agent: { id: admin.id }, request: { controlMode: 'HUMAN' } });
      const { request } = await app.ok(REQUEST, { id: requestId }, admin.token);
      expect(request.liveConversation).toEqual({ id: toAdmin.id, agent: { id: admin.id } });
    });

    it('refuses a SUPPORT_AGENT not in control (FORBIDDEN), a non-member target (NOT_FOUND), the agent in control as target (BAD_USER_INPUT), and an ended one (NOT_IN_CONTROL)', async () => {
      const { bot, admin, agent, second, outsider } = await teamOf(app);
      const engineKey = await rotateEngineKey(app, admin, bot);
      const { endUser, requestId } = await onlineRequest(app, bot);
      const first = await take(app, requestId, agent);
      const attempt = (token: string, to: string, id = first) =>
        app.request(TRANSFER, { id, to }, token);

      expect(codes(await attempt(second.token, admin.id))).toEqual(['FORBIDDEN']);
      expect(codes(await attempt(second.token, second.id))).toEqual(['FORBIDDEN']);
      const notMember = await attempt(agent.token, outsider.id);
      expect(codes(notMember)).toEqual(['NOT_FOUND']);
      expect(notMember.errors?.[0].extensions.field).toBe('toAccountId');
      expect(codes(await attempt(agent.token, randomUUID()))).toEqual(['NOT_FOUND']);
      expect(codes(await attempt(agent.token, 'not-an-id'))).toEqual(['NOT_FOUND']);
      const self = await attempt(admin.token, agent.id);
      expect(codes(self)).toEqual(['BAD_USER_INPUT']);
      expect(self.errors?.[0].extensions.field).toBe('toAccountId');
      // Callers who are no members, end users and the bot engine.
      expect(codes(await attempt(outsider.token, second.id))).toEqual(['NOT_FOUND']);
      expect(codes(await attempt(endUser.token, second.id))).toEqual(['FORBIDDEN']);
      expect(codes(await attempt(engineKey, second.id))).toEqual(['FORBIDDEN']);
      expect(codes(await attempt(agent.token, second.id, randomUUID()))).toEqual(['NOT_FOUND']);

      // Nothing changed.
      expect(notices(await messagesOf(app, requestId, admin.token))).toHaveLength(1);
      await app.ok(RELEASE, { id: first }, agent.token);
      expect(codes(await attempt(agent.token, second.id))).toEqual(['NOT_IN_CONTROL']);
      expect(codes(await attempt(admin.token, second.id))).toEqual(['NOT_IN_CONTROL']);
    });

    it('lets exactly one of 10 concurrent transfers win, leaving one ACTIVE live conversation', async () => {
      const { bot, admin, agent } = await teamOf(app);
      const targets = await Promise.all(
        Array.from({ length: 10 }, (_, i) => registerAccount(app, `Target ${i}`)),
      );
      for (const target of targets) {
        await addMember(app, admin, bot, target, 'SUPPORT_AGENT');
      }
      for (let round = 0; round < 2; round += 1) {
        const { requestId } = await onlineRequest(app, bot);
        const first = await take(app, requestId, agent);
        const results = await Promise.all(
          targets.map((target, i) =>
            app.request(TRANSFER, { id: first, to: target.id }, i % 2 ? agent.token : admin.token),
          ),
        );
        const winners = results.filter((result) => !result.errors);
        expect(winners).toHaveLength(1);
        expect(
          results
            .filter((result) => result.errors)
            .map(codes)
            .flat(),
        ).toEqual(Array(9).fill('NOT_IN_CONTROL'));
        const winner = winners[0].data?.transferControl;
        const { liveConversations } = await app.ok(
          `query ($botId: ID!) {
             liveConversations(botId: $botId, scope: ALL, first: 200) { edges { node { id request { id } } } }
           }`,
          { botId: bot.id },
          admin.token,
        );
        const active = liveConversations.edges.filter(
          (edge: { node: { request: { id: string } } }) => edge.node.request.id === requestId,
        );
        expect(active.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([winner.id]);
        expect(notices(await messagesOf(app, requestId, admin.token)).map(([n]) => n)).toEqual([
          'AGENT_JOINED',
          'AGENT_LEFT',
          'AGENT_JOINED',
        ]);
      }
    });

    it('lets exactly one of a transfer and a release racing win', async () => {
      const { bot, admin, agent, second } = await teamOf(app);
      for (let round = 0; round < 5; round += 1) {
        const { requestId } = await onlineRequest(app, bot);
        const first = await take(app, requestId, agent);
        const [transfer, release] = await Promise.all([
          app.request(TRANSFER, { id: first, to: second.id }, admin.token),
          app.request(RELEASE, { id: first }, agent.token),
        ]);
        expect([codes(transfer), codes(release)].filter((c) => c.length === 0)).toHaveLength(1);
        expect([...codes(transfer), ...codes(release)]).toEqual(['NOT_IN_CONTROL']);
        const { request } = await app.ok(REQUEST, { id: requestId }, admin.token);
        expect(request.controlMode).toBe(transfer.errors ? 'BOT' : 'HUMAN');
        expect(notices(request.messages)).toHaveLength(transfer.errors ? 2 : 3);
      }
    });
  });

  describe('automatic release', () => {
    it('accepts 1 to 1440 minutes and 0 to turn it off; refuses anything else (BAD_USER_INPUT on the field); SUPPORT_AGENT: FORBIDDEN', async () => {
      const { bot, admin, agent } = await teamOf(app);
      const update = (minutes: unknown, token = admin.token) =>
        app.request(UPDATE_BOT, { id: bot.id, minutes }, token);
      expect((await update(1)).data?.updateBot.autoReleaseMinutes).toBe(1);
      expect((await update(1440)).data?.updateBot.autoReleaseMinutes).toBe(1440);
      expect((await update(null)).data?.updateBot.autoReleaseMinutes).toBe(1440);
      for (const wrong of [-1, 1441, 100000]) {
        const result = await update(wrong);
        expect(codes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors?.[0].extensions.field).toBe('input.autoReleaseMinutes');
      }
      expect(codes(await update(2.5))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await update(30, agent.token))).toEqual(['FORBIDDEN']);
      expect((await update(0)).data?.updateBot.autoReleaseMinutes).toBeNull();
      const read = await app.ok(
        'query ($id: ID!) { bot(id: $id) { autoReleaseMinutes } }',
        { id: bot.id },
        agent.token,
      );
      expect(read.bot.autoReleaseMinutes).toBeNull();
    });

    it('gives control back to the bot exactly as a release does once nobody wrote for the delay; a message postpones it', async () => {
      const { bot, admin, agent } = await teamOf(app);
      await setDisplayName(app, bot, agent, 'Sam');
      await app.ok(UPDATE_BOT, { id: bot.id, minutes: 5 }, admin.token);
      const engineKey = await rotateEngineKey(app, admin, bot);
      const sweeper = app.app.get(AutoReleaseSweeper);
      const { endUser, requestId } = await onlineRequest(app, bot, 'fr');
      const conversation = new RecordedSubscription(
        await app.connectedWs({ authorization: `Bearer ${endUser.token}` }),
        EVENTS,
        { requestId },
        'conversationEvents',
      );
      const list = new RecordedSubscription(
        await app.connectedWs({ authorization: `Bearer ${admin.token}` }),
        CHANGES,
        { botId: bot.id },
        'liveConversationsChanged',
      );
      const engine = new RecordedSubscription(
        await app.connectedWs({ authorization: `Bearer ${engineKey}` }),
        BOT_EVENTS,
        { botId: bot.id },
        'botEvents',
      );
      await waitForSubscribers(app, Topics.conversation(requestId));
      await waitForSubscribers(app, Topics.liveConversations(bot.id));
      await waitForSubscribers(app, Topics.botEvents(bot.id));
      const id = await take(app, requestId, agent);

      // 4 minutes, then the end user writes; 4 more (8 since the takeover): still under control.
      clock.advance(4 * MINUTE);
      await sweeper.sweep();
      await sendUserMessage(app, endUser, requestId, 'Encore là ?');
      clock.advance(4 * MINUTE);
      await sweeper.sweep();
      // The agent writes; 4 more minutes: still under control.
      await app.ok(SEND, { id, text: 'Oui' }, agent.token);
      clock.advance(4 * MINUTE);
      await sweeper.sweep();
      expect((await app.ok(REQUEST, { id: requestId }, admin.token)).request.controlMode).toBe(
        'HUMAN',
      );

      // Past 5 minutes of silence: the clock's move alone fires the sweep.
      clock.advance(MINUTE + 1_000);
      await conversation.until(
        'CONTROL_RELEASED',
        () => conversation.ofType('CONTROL_RELEASED').length === 1,
      );
      await sweeper.sweep();
      expect(conversation.ofType('CONTROL_RELEASED')[0]).toMatchObject({
        banner: null,
        liveConversation: { id, status: 'ENDED', endReason: 'AUTO_RELEASED' },
      });
      await conversation.until('the left notice', () =>
        conversation.events.some((event) => event.message?.notice === 'AGENT_LEFT'),
      );
      expect(
        conversation.events.find((event) => event.message?.notice === 'AGENT_LEFT').message,
      ).toMatchObject({ author: 'SYSTEM', text: 'Sam a quitté la discussion' });
      await list.until('ENDED', () => list.ofType('ENDED').length === 1);
      expect(list.ofType('ENDED')[0].liveConversation).toMatchObject({
        id,
        endReason: 'AUTO_RELEASED',
      });
      await engine.until('CONTROL_RELEASED', () => engine.ofType('CONTROL_RELEASED').length === 1);
      expect(engine.ofType('CONTROL_RELEASED')[0].request.controlMode).toBe('BOT');

      const { liveConversation } = await app.ok(LIVE, { id }, admin.token);
      expect(liveConversation).toMatchObject({
        status: 'ENDED',
        endReason: 'AUTO_RELEASED',
        endedBy: null,
      });
      const { request } = await app.ok(REQUEST, { id: requestId }, admin.token);
      expect(request).toMatchObject({ controlMode: 'BOT', banner: null, liveConversation: null });
      expect(notices(request.messages).map(([n]) => n)).toEqual(['AGENT_JOINED', 'AGENT_LEFT']);
      expect(
        (await app.ok(SEND_BOT, { requestId, text: 'Je reprends.' }, engineKey)).sendBotMessage,
      ).toBeDefined();

      // Much later, nothing more happens.
      clock.advance(60 * MINUTE);
      await sweeper.sweep();
      await RecordedSubscription.quiet(200);
      expect(conversation.ofType('CONTROL_RELEASED')).toHaveLength(1);
      expect(engine.ofType('CONTROL_RELEASED')).toHaveLength(1);
    });

    it('follows the bot: turned on, it applies to conversations under control; turned off, none is released', async () => {
      const { bot, admin, agent } = await teamOf(app);
      const sweeper = app.app.get(AutoReleaseSweeper);
      const { requestId } = await onlineRequest(app, bot);
      await take(app, requestId, agent);
      clock.advance(30 * MINUTE);
      await sweeper.sweep();
      // Turned on with 10 minutes: the takeover was 30 minutes ago, so it is due now.
      await app.ok(UPDATE_BOT, { id: bot.id, minutes: 10 }, admin.token);
      clock.advance(1_000);
      await sweeper.sweep();
      expect((await app.ok(REQUEST, { id: requestId }, admin.token)).request.controlMode).toBe(
        'BOT',
      );

      const other = await onlineRequest(app, bot);
      await take(app, other.requestId, agent);
      await app.ok(UPDATE_BOT, { id: bot.id, minutes: 0 }, admin.token);
      clock.advance(120 * MINUTE);
      await sweeper.sweep();
      expect(
        (await app.ok(REQUEST, { id: other.requestId }, admin.token)).request.controlMode,
      ).toBe('HUMAN');
    });
  });

  describe('endReason', () => {
    it('records each ending with who ended it, and the removal of the agent in control hands control back to the bot', async () => {
      const { bot, admin, agent, second } = await teamOf(app);
      const engineKey = await rotateEngineKey(app, admin, bot);
      const ended = async (id: string) =>
        (await app.ok(LIVE, { id }, admin.token)).liveConversation;

      const released = await onlineRequest(app, bot);
      const r1 = await take(app, released.requestId, agent);
      await app.ok(RELEASE, { id: r1 }, admin.token);
      expect(await ended(r1)).toMatchObject({ endReason: 'RELEASED', endedBy: { id: admin.id } });

      const transferred = await onlineRequest(app, bot);
      const t1 = await take(app, transferred.requestId, agent);
      const t2 = (await app.ok(TRANSFER, { id: t1, to: second.id }, agent.token)).transferControl;
      expect(await ended(t1)).toMatchObject({
        endReason: 'TRANSFERRED',
        endedBy: { id: agent.id },
        transferredTo: { id: t2.id },
      });

      const closedByUser = await onlineRequest(app, bot);
      const c1 = await take(app, closedByUser.requestId, agent);
      await app.ok(CLOSE, { id: closedByUser.requestId }, closedByUser.endUser.token);
      expect(await ended(c1)).toMatchObject({ endReason: 'REQUEST_CLOSED', endedBy: null });

      const closedByMember = await onlineRequest(app, bot);
      const c2 = await take(app, closedByMember.requestId, agent);
      await app.ok(CLOSE, { id: closedByMember.requestId }, second.token);
      expect(await ended(c2)).toMatchObject({
        endReason: 'REQUEST_CLOSED',
        endedBy: { id: second.id },
      });

      // The agent holds two conversations when an ADMINISTRATOR removes them from the bot.
      const removedA = await onlineRequest(app, bot);
      const removedB = await onlineRequest(app, bot);
      const m1 = await take(app, removedA.requestId, agent);
      const m2 = await take(app, removedB.requestId, agent);
      const engine = new RecordedSubscription(
        await app.connectedWs({ authorization: `Bearer ${engineKey}` }),
        BOT_EVENTS,
        { botId: bot.id },
        'botEvents',
      );
      const conversation = new RecordedSubscription(
        await app.connectedWs({ authorization: `Bearer ${removedA.endUser.token}` }),
        EVENTS,
        { requestId: removedA.requestId },
        'conversationEvents',
      );
      await waitForSubscribers(app, Topics.botEvents(bot.id));
      await waitForSubscribers(app, Topics.conversation(removedA.requestId));
      await app.ok(
        'mutation ($botId: ID!, $accountId: ID!) { removeBotMember(botId: $botId, accountId: $accountId) }',
        { botId: bot.id, accountId: agent.id },
        admin.token,
      );
      for (const id of [m1, m2]) {
        expect(await ended(id)).toMatchObject({
          status: 'ENDED',
          endReason: 'MEMBER_REMOVED',
          endedBy: { id: admin.id },
        });
      }
      for (const { requestId } of [removedA, removedB]) {
        const { request } = await app.ok(REQUEST, { id: requestId }, admin.token);
        expect(request).toMatchObject({ controlMode: 'BOT', banner: null, liveConversation: null });
        expect(notices(request.messages)).toEqual([
          ['AGENT_JOINED', 'Human joined the chat'],
          ['AGENT_LEFT', 'Human left the chat'],
        ]);
      }
      await conversation.until(
        'CONTROL_RELEASED',
        () => conversation.ofType('CONTROL_RELEASED').length === 1,
      );
      expect(conversation.ofType('CONTROL_RELEASED')[0].liveConversation).toMatchObject({
        id: m1,
        endReason: 'MEMBER_REMOVED',
      });
      await engine.until(
        'two CONTROL_RELEASED',
        () => engine.ofType('CONTROL_RELEASED').length === 2,
      );
      expect(new Set(engine.ofType('CONTROL_RELEASED').map((event) => event.request.id))).toEqual(
        new Set([removedA.requestId, removedB.requestId]),
      );

      // AUTO_RELEASED is covered above; an ACTIVE one has no reason.
      expect(await ended(t2.id)).toMatchObject({
        status: 'ACTIVE',
        endReason: null,
        endedBy: null,
      });
    });
  });

  describe('controlHistory', () => {
    it('tells a request taken, transferred, released and taken again, oldest first, to members only', async () => {
      const { bot, admin, agent, second, outsider } = await teamOf(app);
      const { endUser, requestId } = await onlineRequest(app, bot);
      expect(
        (await app.ok(HISTORY, { id: requestId }, agent.token)).request.controlHistory,
      ).toEqual([]);
      const first = await take(app, requestId, agent);
      clock.advance(MINUTE);
      const second1 = (await app.ok(TRANSFER, { id: first, to: second.id }, agent.token))
        .transferControl;
      clock.advance(MINUTE);
      await app.ok(RELEASE, { id: second1.id }, second.token);
      clock.advance(MINUTE);
      const third = await take(app, requestId, admin);

      const history = (await app.ok(HISTORY, { id: requestId }, agent.token)).request
        .controlHistory;
      expect(history).toEqual([
        {
          at: expect.any(String),
          kind: 'TAKEN',
          from: null,
          to: { id: agent.id },
          by: { id: agent.id },
          liveConversation: { id: first, status: 'ENDED', endReason: 'TRANSFERRED' },
        },
        {
          at: second1.startedAt,
          kind: 'TRANSFERRED',
          from: { id: agent.id },
          to: { id: second.id },
          by: { id: agent.id },
          liveConversation: { id: second1.id, status: 'ENDED', endReason: 'RELEASED' },
        },
        {
          at: expect.any(String),
          kind: 'RELEASED',
          from: { id: second.id },
          to: null,
          by: { id: second.id },
          liveConversation: { id: second1.id, status: 'ENDED', endReason: 'RELEASED' },
        },
        {
          at: expect.any(String),
          kind: 'TAKEN',
          from: null,
          to: { id: admin.id },
          by: { id: admin.id },
          liveConversation: { id: third, status: 'ACTIVE', endReason: null },
        },
      ]);
      const instants = history.map((change: { at: string }) => Date.parse(change.at));
      expect(instants).toEqual([...instants].sort((a, b) => a - b));
      expect(instants[3] - instants[0]).toBe(3 * MINUTE);

      expect(codes(await app.request(HISTORY, { id: requestId }, endUser.token))).toEqual([
        'FORBIDDEN',
      ]);
      expect(codes(await app.request(HISTORY, { id: requestId }, outsider.token))).toEqual([
        'NOT_FOUND',
      ]);
      // Read through a list of requests too (one query for all of them).
      const { requests } = await app.ok(
        `query ($botId: ID!) { requests(botId: $botId) { edges { node { id controlHistory { kind } } } } }`,
        { botId: bot.id },
        admin.token,
      );
      const node = requests.edges.find(
        (edge: { node: { id: string } }) => edge.node.id === requestId,
      ).node;
      expect(node.controlHistory.map((change: { kind: string }) => change.kind)).toEqual([
        'TAKEN',
        'TRANSFERRED',
        'RELEASED',
        'TAKEN',
      ]);
    });
  });
});

/**
 * Two instances on one database, one Redis and ONE test clock: when the clock passes the
 * deadline both sweep at the same instant, and each conversation goes back to the bot once.
 */
describe('automatic release with two instances on one clock', () => {
  const clock = new TestClock(START);
  const prefix = `sb-a14:${randomUUID()}:`;
  let redis: Redis;
  let drop: () => Promise<void>;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
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
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    redis.disconnect();
    await drop?.();
  });

  it('releases each due conversation exactly once', async () => {
    const { bot, admin, agent } = await teamOf(a);
    await a.ok(UPDATE_BOT, { id: bot.id, minutes: 3 }, admin.token);
    const engineKey = await rotateEngineKey(a, admin, bot);
    const engineOnA = new RecordedSubscription(
      await a.connectedWs({ authorization: `Bearer ${engineKey}` }),
      BOT_EVENTS,
      { botId: bot.id },
      'botEvents',
    );
    const engineOnB = new RecordedSubscription(
      await b.connectedWs({ authorization: `Bearer ${engineKey}` }),
      BOT_EVENTS,
      { botId: bot.id },
      'botEvents',
    );
    const requests: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const { requestId } = await onlineRequest(i % 2 ? a : b, bot);
      await take(i % 2 ? b : a, requestId, agent);
      requests.push(requestId);
    }
    await waitForSubscribers(a, Topics.botEvents(bot.id));
    await waitForSubscribers(b, Topics.botEvents(bot.id));
    clock.advance(3 * MINUTE + 1_000);
    await Promise.all([a, b].map((app) => app.app.get(AutoReleaseSweeper).sweep()));

    for (const engine of [engineOnA, engineOnB]) {
      await engine.until(
        'six CONTROL_RELEASED',
        () => engine.ofType('CONTROL_RELEASED').length >= 6,
      );
    }
    await RecordedSubscription.quiet(300);
    for (const engine of [engineOnA, engineOnB]) {
      expect(
        engine
          .ofType('CONTROL_RELEASED')
          .map((event) => event.request.id)
          .sort(),
      ).toEqual([...requests].sort());
    }
    for (const requestId of requests) {
      const { request } = await b.ok(REQUEST, { id: requestId }, admin.token);
      expect(request.controlMode).toBe('BOT');
      expect(notices(request.messages).map(([n]) => n)).toEqual(['AGENT_JOINED', 'AGENT_LEFT']);
      const history = (await a.ok(HISTORY, { id: requestId }, admin.token)).request.controlHistory;
      expect(
        history.map((change: { kind: string; by: unknown }) => [change.kind, change.by]),
      ).toEqual([
        ['TAKEN', { id: agent.id }],
        ['AUTO_RELEASED', null],
      ]);
    }
  });
});
