import { readFileSync, readdirSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { TestApp } from './support/test-app';
import { TestClock } from './support/test-clock';
import {
  TestAccount,
  botWithTeam,
  codes,
  openRequest,
  sendUserMessage,
  startSession,
} from './support/factories';
import { serverDatabase } from './support/server-database';
import { ReceivedDelivery, WebhookReceiver } from './support/webhook-receiver';
import { verifySignature } from '../src/webhooks/signature';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher';
import { SENDER_NICENESS } from '../src/webhooks/webhook-sender';

const CREATE = `mutation ($botId: ID!, $input: WebhookInput!) {
  createWebhook(botId: $botId, input: $input) { secret webhook { id botId url events enabled createdAt } }
}`;
const UPDATE = `mutation ($id: ID!, $input: WebhookInput!) {
  updateWebhook(id: $id, input: $input) { id url events enabled }
}`;
const DELETE = `mutation ($id: ID!) { deleteWebhook(id: $id) }`;
const ROTATE = `mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret webhook { id } } }`;
const REDELIVER = `mutation ($id: ID!) {
  redeliverWebhookDelivery(id: $id) { id eventId status attempts nextAttemptAt }
}`;
const DELIVERIES = `query ($webhookId: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
  webhookDeliveries(webhookId: $webhookId, status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id webhookId eventId eventType status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt } }
  }
}`;
const BOT_WEBHOOKS = `query ($id: ID!) { bot(id: $id) { webhooks { id url events enabled } } }`;
const TAKE = `mutation ($requestId: ID!) { takeControl(requestId: $requestId) { id } }`;
const RELEASE = `mutation ($id: ID!) { releaseControl(liveConversationId: $id) { id } }`;
const AGENT_SEND = `mutation ($id: ID!, $text: String!) { sendAgentMessage(liveConversationId: $id, text: $text) { id seq } }`;
const CLOSE = `mutation ($requestId: ID!) { closeRequest(requestId: $requestId) { id status } }`;

const ALL_TYPES = [
  'REQUEST_OPENED',
  'REQUEST_CLOSED',
  'MESSAGE_POSTED',
  'CONTROL_TAKEN',
  'CONTROL_RELEASED',
  'CONTROL_TRANSFERRED',
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A service on a test clock with a short poll and timeout (plus `env`), on `databaseUrl` when
 * given, and a receiver. The clock moves by days (retry schedule, pruning): sessions outlive it.
 */
async function startWithReceiver(env: Record<string, string> = {}, databaseUrl?: string) {
  const clock = new TestClock();
  const app = await TestApp.start({
    clock,
    tokenTtl: '90d',
    databaseUrl,
    env: { WEBHOOK_POLL_INTERVAL: '100ms', WEBHOOK_TIMEOUT: '1s', ...env },
  });
  return { clock, app, receiver: await WebhookReceiver.start() };
}

describe('webhooks', () => {
  let app: TestApp;
  let clock: TestClock;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    ({ clock, app, receiver } = await startWithReceiver());
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  let path = 0;
  /** A webhook of a fresh bot on its own path of the receiver. */
  const hooked = async (events: string[] = ALL_TYPES, enabled?: boolean) => {
    const team = await botWithTeam(app);
    const hookPath = `/hook-${++path}`;
    const created = (
      await app.ok(
        CREATE,
        { botId: team.bot.id, input: { url: receiver.url(hookPath), events, enabled } },
        team.admin.token,
      )
    ).createWebhook;
    return {
      ...team,
      hookPath,
      webhookId: created.webhook.id as string,
      secret: created.secret as string,
      received: () => receiver.on(hookPath),
      waitFor: (count: number, match: (d: ReceivedDelivery) => boolean = () => true) =>
        receiver.waitFor(count, (d) => d.path === hookPath && match(d)),
    };
  };

  const deliveries = async (admin: TestAccount, webhookId: string, status?: string) =>
    (await app.ok(DELIVERIES, { webhookId, status }, admin.token)).webhookDeliveries;

  const receiverTypes = (botId: string): string[] =>
    receiver.received.filter((d) => d.body.botId === botId).map((d) => d.body.type);

  const verified = (secret: string, delivery: ReceivedDelivery): boolean =>
    verifySignature(
      secret,
      String(delivery.headers['switchboard-signature']),
      delivery.rawBody,
      clock.now(),
    );

  describe('delivery of each event type', () => {
    it('signs and delivers REQUEST_OPENED, MESSAGE_POSTED, CONTROL_TAKEN, CONTROL_RELEASED and REQUEST_CLOSED with their documented data', async () => {
      const { bot, agent, secret, waitFor } = await hooked();
      const endUser = await startSession(app, bot);
      const { id: requestId } = await openRequest(app, endUser);
      const message = await sendUserMessage(app, endUser, requestId, 'Where is my parcel?');
      await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
      const liveConversationId = (await app.ok(TAKE, { requestId }, agent.token)).takeControl.id;
      await app.ok(RELEASE, { id: liveConversationId }, agent.token);
      await app.ok(CLOSE, { requestId }, endUser.token);

      // Opened, the message, taken with its notice, released with its notice, closed.
      const all = await waitFor(7);
      const byType = (type: string) => all.filter((d) => d.body.type === type);
      for (const delivery of all) {
        expect(delivery.headers['content-type']).toBe('application/json');
        expect(delivery.headers['switchboard-event-id']).toBe(delivery.body.id);
        expect(delivery.headers['switchboard-event-type']).toBe(delivery.body.type);
        expect(delivery.headers['switchboard-delivery-attempt']).toBe('1');
        expect(verified(secret, delivery)).toBe(true);
        expect(delivery.body.botId).toBe(bot.id);
        expect(new Date(delivery.body.occurredAt).toISOString()).toBe(delivery.body.occurredAt);
      }
      expect(new Set(all.map((d) => d.body.id)).size).toBe(7);

      const [opened] = byType('REQUEST_OPENED');
      expect(opened.body.data).toEqual({
        request: {
          id: requestId,
          endUserId: endUser.id,
          status: 'OPEN',
          controlMode: 'BOT',
          awaitingHuman: false,
        },
      });
      const posted = byType('MESSAGE_POSTED');
      expect(posted).toHaveLength(3);
      const userMessage = posted.find((d) => d.body.data.message.author === 'END_USER');
      expect(userMessage?.body.data).toEqual({
        requestId,
        message: {
          id: message.id,
          seq: message.seq,
          author: 'END_USER',
          text: 'Where is my parcel?',
          notice: null,
          clientMessageId: null,
          createdAt: expect.any(String),
        },
      });
      expect(posted.map((d) => d.body.data.message.notice).sort()).toEqual([
        'AGENT_JOINED',
        'AGENT_LEFT',
        null,
      ]);
      const [taken] = byType('CONTROL_TAKEN');
      expect(taken.body.data).toEqual({
        requestId,
        liveConversation: {
          id: liveConversationId,
          agentId: agent.id,
          status: 'ACTIVE',
          endReason: null,
        },
      });
      const [released] = byType('CONTROL_RELEASED');
      expect(released.body.data).toEqual({
        requestId,
        liveConversation: {
          id: liveConversationId,
          agentId: agent.id,
          status: 'ENDED',
          endReason: 'RELEASED',
        },
      });
      const [closed] = byType('REQUEST_CLOSED');
      expect(closed.body.data.request).toMatchObject({ id: requestId, status: 'CLOSED' });
    });

    it('delivers CONTROL_TRANSFERRED with the new live conversation and the previous one', async () => {
      const { bot, agent, admin, secret, waitFor } = await hooked([
        'CONTROL_TAKEN',
        'CONTROL_RELEASED',
        'CONTROL_TRANSFERRED',
      ]);
      const endUser = await startSession(app, bot);
      const { id: requestId } = await openRequest(app, endUser);
      await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
      const first = (await app.ok(TAKE, { requestId }, agent.token)).takeControl.id;
      const transferred = await app.ok(
        `mutation ($id: ID!, $to: ID!) { transferControl(liveConversationId: $id, toAccountId: $to) { id } }`,
        { id: first, to: admin.id },
        agent.token,
      );
      const second = transferred.transferControl.id as string;
      // Deliveries run concurrently, so the two events may arrive in either order.
      const both = await waitFor(2);
      expect(both.map((d) => d.body.type).sort()).toEqual(['CONTROL_TAKEN', 'CONTROL_TRANSFERRED']);
      const delivery = both.find((d) => d.body.type === 'CONTROL_TRANSFERRED')!;
      expect(delivery.body.data).toEqual({
        requestId,
        liveConversation: { id: second, agentId: admin.id, status: 'ACTIVE', endReason: null },
        previousLiveConversationId: first,
      });
      expect(verified(secret, delivery)).toBe(true);
      await sleep(300);
      expect(receiverTypes(bot.id).sort()).toEqual(['CONTROL_TAKEN', 'CONTROL_TRANSFERRED']);
    });

    it('delivers the agent messages sent while in control', async () => {
      const { bot, agent, waitFor } = await hooked(['MESSAGE_POSTED']);
      const endUser = await startSession(app, bot);
      const { id: requestId } = await openRequest(app, endUser);
      await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
      const liveConversationId = (await app.ok(TAKE, { requestId }, agent.token)).takeControl.id;
      const sent = (
        await app.ok(AGENT_SEND, { id: liveConversationId, text: 'Hello!' }, agent.token)
      ).sendAgentMessage;
      const [delivery] = await waitFor(1, (d) => d.body.data.message.author === 'AGENT');
      expect(delivery.body.data.message).toMatchObject({
        id: sent.id,
        seq: sent.seq,
        text: 'Hello!',
      });
    });

    it('does not deliver the types a webhook did not subscribe to', async () => {
      const { bot, agent, waitFor, received } = await hooked(['REQUEST_CLOSED']);
      const endUser = await startSession(app, bot);
      const { id: requestId } = await openRequest(app, endUser);
      await sendUserMessage(app, endUser, requestId, 'hi');
      await app.connectedWs({ authorization: `Bearer ${endUser.token}` });
      await app.ok(TAKE, { requestId }, agent.token);
      await app.ok(CLOSE, { requestId }, endUser.token);
      await waitFor(1);
      await sleep(400);
      expect(received().map((d) => d.body.type)).toEqual(['REQUEST_CLOSED']);
    });

    it('writes no event at all for a bot without webhooks', async () => {
      const team = await botWithTeam(app);
      const endUser = await startSession(app, team.bot);
      const { id: requestId } = await openRequest(app, endUser);
      await sendUserMessage(app, endUser, requestId, 'hi');
      const rows: { count: number }[] = await app.app
        .get(DataSource)
        .query('SELECT count(*)::int AS count FROM webhook_events WHERE bot_id = $1', [
          team.bot.id,
        ]);
      expect(rows[0].count).toBe(0);
    });
  });

  describe('retries', () => {
    it('retries a 500 after about 10 s with the same event id as attempt 2, then logs the success', async () => {
      const { bot, admin, webhookId, waitFor } = await hooked(['REQUEST_OPENED']);
      let calls = 0;
      receiver.answer = (d) =>
        d.path.startsWith('/hook') && d.body.botId === bot.id && ++calls === 1 ? 500 : 200;
      try {
        const endUser = await startSession(app, bot);
        await openRequest(app, endUser);
        const [first] = await waitFor(1);
        expect(first.headers['switchboard-delivery-attempt']).toBe('1');
        const pending = await eventuallyLog(admin, webhookId, (log) =>
          log.edges[0]?.node.lastStatusCode === 500 ? log : undefined,
        );
        expect(pending.edges[0].node).toMatchObject({
          status: 'PENDING',
          attempts: 1,
          lastStatusCode: 500,
          lastError: 'HTTP 500',
          deliveredAt: null,
        });
        expect(
          new Date(pending.edges[0].node.nextAttemptAt).getTime() - clock.now().getTime(),
        ).toBe(10_000);
        await sleep(300);
        expect(receiver.on(first.path)).toHaveLength(1);

        clock.advance(10_000);
        const [, second] = await waitFor(2);
        expect(second.body.id).toBe(first.body.id);
        expect(second.rawBody).toBe(first.rawBody);
        expect(second.headers['switchboard-delivery-attempt']).toBe('2');
        const done = await eventuallyLog(admin, webhookId, (log) =>
          log.edges[0]?.node.status === 'SUCCEEDED' ? log : undefined,
        );
        expect(done.edges[0].node).toMatchObject({
          attempts: 2,
          lastStatusCode: 200,
          lastError: null,
          nextAttemptAt: null,
          deliveredAt: clock.now().toISOString(),
        });
      } finally {
        receiver.answer = () => 200;
      }
    });

    it('counts a receiver slower than the timeout as a failure, and retries it', async () => {
      const { bot, admin, webhookId, waitFor } = await hooked(['REQUEST_OPENED']);
      let calls = 0;
      receiver.answer = (d) =>
        d.body.botId === bot.id && ++calls === 1 ? { status: 200, delayMs: 2_500 } : 200;
      try {
        const endUser = await startSession(app, bot);
        await openRequest(app, endUser);
        await waitFor(1);
        const failed = await eventuallyLog(admin, webhookId, (log) =>
          log.edges[0]?.node.lastError ? log : undefined,
        );
        expect(failed.edges[0].node).toMatchObject({
          status: 'PENDING',
          attempts: 1,
          lastStatusCode: null,
          lastError: 'No answer within 1000 ms',
        });
        clock.advance(10_000);
        await waitFor(2);
        await eventuallyLog(admin, webhookId, (log) =>
          log.edges[0]?.node.status === 'SUCCEEDED' ? log : undefined,
        );
      } finally {
        receiver.answer = () => 200;
      }
    });

    it('follows the schedule 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 24 h, then marks the delivery FAILED', async () => {
      const { bot, admin, webhookId, waitFor, received } = await hooked(['REQUEST_OPENED']);
      receiver.answer = (d) => (d.body.botId === bot.id ? 503 : 200);
      try {
        const endUser = await startSession(app, bot);
        await openRequest(app, endUser);
        const delays = [10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 86_400_000];
        for (let attempt = 1; attempt <= 8; attempt += 1) {
          await waitFor(attempt);
          // The receiver has answered; the attempt's outcome (its next time) is written after.
          await app.app.get(WebhookDispatcher).idle();
          const log = await eventuallyLog(admin, webhookId, (l) =>
            l.edges[0]?.node.attempts === attempt && l.edges[0].node.lastStatusCode === 503
              ? l
              : undefined,
          );
          const node = log.edges[0].node;
          if (attempt < 8) {
            expect(node.status).toBe('PENDING');
            expect(new Date(node.nextAttemptAt).getTime() - clock.now().getTime()).toBe(
              delays[attempt - 1],
            );
            clock.advance(delays[attempt - 1] - 1);
            await sleep(250);
            expect(received()).toHaveLength(attempt);
            clock.advance(1);
          } else {
            expect(node).toMatchObject({ status: 'FAILED', nextAttemptAt: null });
          }
        }
        const failed = await deliveries(admin, webhookId, 'FAILED');
        expect(failed.totalCount).toBe(1);
        expect((await deliveries(admin, webhookId, 'PENDING')).totalCount).toBe(0);
      } finally {
        receiver.answer = () => 200;
      }
    });
  });

  describe('management', () => {
    it('records nothing for a disabled webhook, and delivers again once it is enabled', async () => {
      const { bot, admin, webhookId, hookPath, received, waitFor } = await hooked([
        'REQUEST_OPENED',
      ]);
      await openRequest(app, await startSession(app, bot));
      await waitFor(1);
      const url = receiver.url(hookPath);
      const disabled = (
        await app.ok(
          UPDATE,
          { id: webhookId, input: { url, events: ['REQUEST_OPENED'], enabled: false } },
          admin.token,
        )
      ).updateWebhook;
      expect(disabled.enabled).toBe(false);
      await openRequest(app, await startSession(app, bot));
      // An update without `enabled` keeps it disabled.
      await app.ok(
        UPDATE,
        { id: webhookId, input: { url, events: ['REQUEST_OPENED'] } },
        admin.token,
      );
      await openRequest(app, await startSession(app, bot));
      await sleep(500);
      expect(received()).toHaveLength(1);
      expect((await deliveries(admin, webhookId)).totalCount).toBe(1);

      await app.ok(
        UPDATE,
        { id: webhookId, input: { url, events: ['REQUEST_OPENED'], enabled: true } },
        admin.token,
      );
      const endUser = await startSession(app, bot);
      await openRequest(app, endUser);
      const [, next] = await waitFor(2);
      expect(next.body.data.request.endUserId).toBe(endUser.id);
      await sleep(300);
      expect(received()).toHaveLength(2);
    });

    it('holds the retries of a webhook disabled meanwhile until it is enabled again', async () => {
      const { bot, admin, webhookId, hookPath, received, waitFor } = await hooked([
        'REQUEST_OPENED',
      ]);
      const url = receiver.url(hookPath);
      receiver.answer = (d) => (d.body.botId === bot.id && received().length === 1 ? 500 : 200);
      try {
        await openRequest(app, await startSession(app, bot));
        await waitFor(1);
        await eventuallyLog(admin, webhookId, (l) =>
          l.edges[0]?.node.lastStatusCode === 500 ? l : undefined,
        );
        await app.ok(
          UPDATE,
          { id: webhookId, input: { url, events: ['REQUEST_OPENED'], enabled: false } },
          admin.token,
        );
        clock.advance(10_000);
        await sleep(500);
        expect(received()).toHaveLength(1);
        await app.ok(
          UPDATE,
          { id: webhookId, input: { url, events: ['REQUEST_OPENED'], enabled: true } },
          admin.token,
        );
        const [first, retried] = await waitFor(2);
        expect(retried.body.id).toBe(first.body.id);
        expect(retried.headers['switchboard-delivery-attempt']).toBe('2');
      } finally {
        receiver.answer = () => 200;
      }
    });

    it('sends nothing more to a deleted webhook, queued deliveries included', async () => {
      const { bot, admin, webhookId, received, waitFor } = await hooked(['MESSAGE_POSTED']);
      const endUser = await startSession(app, bot);
      const { id: requestId } = await openRequest(app, endUser);
      receiver.answer = (d) => (d.body.botId === bot.id ? 500 : 200);
      try {
        await sendUserMessage(app, endUser, requestId, 'one');
        await waitFor(1);
        await eventuallyLog(admin, webhookId, (log) =>
          log.edges[0]?.node.lastStatusCode === 500 ? log : undefined,
        );
        expect((await app.ok(DELETE, { id: webhookId }, admin.token)).deleteWebhook).toBe(
          webhookId,
        );
        await sendUserMessage(app, endUser, requestId, 'two');
        clock.advance(10_000);
        await sleep(500);
        expect(received()).toHaveLength(1);
        expect((await app.ok(BOT_WEBHOOKS, { id: bot.id }, admin.token)).bot.webhooks).toEqual([]);
        expect(codes(await app.request(DELIVERIES, { webhookId }, admin.token))).toEqual([
          'NOT_FOUND',
        ]);
      } finally {
        receiver.answer = () => 200;
      }
    });

    it('signs with the new secret from the moment it is rotated', async () => {
      const { bot, admin, webhookId, secret, waitFor } = await hooked(['REQUEST_OPENED']);
      const endUser = await startSession(app, bot);
      await openRequest(app, endUser);
      const [before] = await waitFor(1);
      expect(verified(secret, before)).toBe(true);
      const rotated = (await app.ok(ROTATE, { id: webhookId }, admin.token)).rotateWebhookSecret;
      expect(rotated.webhook.id).toBe(webhookId);
      expect(rotated.secret).not.toBe(secret);
      await openRequest(app, endUser);
      const [, after] = await waitFor(2);
      expect(verified(rotated.secret, after)).toBe(true);
      expect(verified(secret, after)).toBe(false);
    });

    it('redelivers a delivery now with the same event id, whatever its status', async () => {
      const { bot, admin, webhookId, waitFor } = await hooked(['REQUEST_OPENED']);
      const endUser = await startSession(app, bot);
      await openRequest(app, endUser);
      const [first] = await waitFor(1);
      const log = await eventuallyLog(admin, webhookId, (l) =>
        l.edges[0]?.node.status === 'SUCCEEDED' ? l : undefined,
      );
      const deliveryId = log.edges[0].node.id;
      const queued = (await app.ok(REDELIVER, { id: deliveryId }, admin.token))
        .redeliverWebhookDelivery;
      expect(queued).toMatchObject({ id: deliveryId, eventId: first.body.id, status: 'PENDING' });
      const [, again] = await waitFor(2);
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers['switchboard-event-id']).toBe(first.body.id);
      expect(again.headers['switchboard-delivery-attempt']).toBe('2');
      await eventuallyLog(admin, webhookId, (l) =>
        l.edges[0]?.node.status === 'SUCCEEDED' && l.edges[0].node.attempts === 2 ? l : undefined,
      );
    });

    it("lists a bot's webhooks for its ADMINISTRATORs, without their secrets", async () => {
      const { bot, admin, agent, webhookId, hookPath } = await hooked([
        'MESSAGE_POSTED',
        'MESSAGE_POSTED',
      ]);
      expect((await app.ok(BOT_WEBHOOKS, { id: bot.id }, admin.token)).bot.webhooks).toEqual([
        { id: webhookId, url: receiver.url(hookPath), events: ['MESSAGE_POSTED'], enabled: true },
      ]);
      expect(codes(await app.request(BOT_WEBHOOKS, { id: bot.id }, agent.token))).toEqual([
        'FORBIDDEN',
      ]);
    });
  });

  describe('the delivery log', () => {
    it('pages deliveries newest first with cursors, and filters by status', async () => {
      const { bot, admin, webhookId, waitFor } = await hooked(['MESSAGE_POSTED']);
      const endUser = await startSession(app, bot);
      const { id: requestId } = await openRequest(app, endUser);
      for (let i = 1; i <= 5; i += 1) {
        await sendUserMessage(app, endUser, requestId, `message ${i}`);
        clock.advance(1);
      }
      await waitFor(5);
      await eventuallyLog(admin, webhookId, (l) =>
        l.edges.every((e: any) => e.node.status === 'SUCCEEDED') && l.totalCount === 5
          ? l
          : undefined,
      );
      const first = (await app.ok(DELIVERIES, { webhookId, first: 2 }, admin.token))
        .webhookDeliveries;
      expect(first.totalCount).toBe(5);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const rest = (
        await app.ok(
          DELIVERIES,
          { webhookId, first: 10, after: first.pageInfo.endCursor },
          admin.token,
        )
      ).webhookDeliveries;
      expect(rest.pageInfo.hasNextPage).toBe(false);
      const all = [...first.edges, ...rest.edges].map((e: any) => e.node);
      expect(all).toHaveLength(5);
      const times = all.map((n: any) => new Date(n.createdAt).getTime());
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(new Set(all.map((n: any) => n.eventId)).size).toBe(5);
      expect((await deliveries(admin, webhookId, 'FAILED')).totalCount).toBe(0);
      expect((await deliveries(admin, webhookId, 'SUCCEEDED')).totalCount).toBe(5);
      expect(codes(await app.request(DELIVERIES, { webhookId, first: 0 }, admin.token))).toEqual([
        'BAD_USER_INPUT',
      ]);
      expect(
        codes(await app.request(DELIVERIES, { webhookId, after: 'nonsense' }, admin.token)),
      ).toEqual(['BAD_USER_INPUT']);
    });

    it('prunes SUCCEEDED deliveries 30 days after their delivery, and keeps FAILED ones', async () => {
      const { bot, admin, webhookId, waitFor } = await hooked(['REQUEST_OPENED']);
      const endUser = await startSession(app, bot);
      await openRequest(app, endUser);
      await waitFor(1);
      await eventuallyLog(admin, webhookId, (l) =>
        l.edges[0]?.node.status === 'SUCCEEDED' ? l : undefined,
      );
      clock.advance(29 * 24 * 3_600_000);
      await sleep(300);
      expect((await deliveries(admin, webhookId)).totalCount).toBe(1);
      clock.advance(2 * 24 * 3_600_000);
      await eventuallyLog(admin, webhookId, (l) => (l.totalCount === 0 ? l : undefined));
    });
  });

  it('delivers 200 messages posted quickly as 200 distinct events, none lost', async () => {
    const { bot, secret, waitFor } = await hooked(['MESSAGE_POSTED']);
    const endUsers = await Promise.all(Array.from({ length: 4 }, () => startSession(app, bot)));
    const requests = await Promise.all(endUsers.map((endUser) => openRequest(app, endUser)));
    const sent = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        sendUserMessage(app, endUsers[i % 4], requests[i % 4].id, `burst ${i}`),
      ),
    );
    const received = await waitFor(200);
    await sleep(300);
    expect(received).toHaveLength(200);
    expect(new Set(received.map((d) => d.body.id)).size).toBe(200);
    expect(new Set(received.map((d) => d.body.data.message.id))).toEqual(
      new Set(sent.map((m) => m.id)),
    );
    expect(received.every((d) => verified(secret, d))).toBe(true);
  }, 30_000);

  describe('validation and access', () => {
    const input = (url: string, events: string[] = ['MESSAGE_POSTED']) => ({ url, events });
    const webhookCount = async (botId: string): Promise<number> =>
      (
        await app.app
          .get(DataSource)
          .query('SELECT count(*)::int AS count FROM webhooks WHERE bot_id = $1', [botId])
      )[0].count;

    it('refuses a bad URL or no event type with BAD_USER_INPUT naming the field, saving nothing', async () => {
      const { bot, admin } = await botWithTeam(app);
      for (const [url, events, field] of [
        ['ftp://example.com/hook', ['MESSAGE_POSTED'], 'input.url'],
        ['not a url', ['MESSAGE_POSTED'], 'input.url'],
        ['https://user:secret@example.com/hook', ['MESSAGE_POSTED'], 'input.url'],
        ['https://example.com/hook', [], 'input.events'],
        ['https://example.com/hook', ['NOPE'], 'input.events'],
      ] as const) {
        const result = await app.request(
          CREATE,
          { botId: bot.id, input: { url, events } },
          admin.token,
        );
        expect(codes(result)).toEqual(
          field === 'input.events' && events[0] === 'NOPE'
            ? ['BAD_USER_INPUT']
            : ['BAD_USER_INPUT'],
        );
        if (events[0] !== 'NOPE') {
          expect(result.errors?.[0].extensions.field).toBe(field);
        }
      }
      expect(await webhookCount(bot.id)).toBe(0);
    });

    it('refuses an invalid update and leaves the webhook as it was', async () => {
      const { admin, webhookId, hookPath } = await hooked(['MESSAGE_POSTED']);
      const result = await app.request(
        UPDATE,
        { id: webhookId, input: input('gopher://x') },
        admin.token,
      );
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions.field).toBe('input.url');
      const [webhook] = (await app.ok(BOT_WEBHOOKS, { id: await botOf(webhookId) }, admin.token))
        .bot.webhooks;
      expect(webhook.url).toBe(receiver.url(hookPath));
    });

    it('answers NOT_FOUND to non-members and FORBIDDEN to SUPPORT_AGENTs, changing nothing', async () => {
      const { bot, agent, outsider, admin, webhookId, secret } = await hooked(['MESSAGE_POSTED']);
      const calls: [string, Record<string, unknown>][] = [
        [CREATE, { botId: bot.id, input: input('https://example.com/x') }],
        [UPDATE, { id: webhookId, input: input('https://example.com/x') }],
        [DELETE, { id: webhookId }],
        [ROTATE, { id: webhookId }],
        [DELIVERIES, { webhookId }],
      ];
      for (const [query, variables] of calls) {
        expect(codes(await app.request(query, variables, outsider.token))).toEqual(['NOT_FOUND']);
        expect(codes(await app.request(query, variables, agent.token))).toEqual(['FORBIDDEN']);
        expect(codes(await app.request(query, variables))).toEqual(['UNAUTHENTICATED']);
      }
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect(codes(await app.request(REDELIVER, { id: unknown }, admin.token))).toEqual([
        'NOT_FOUND',
      ]);
      expect(codes(await app.request(DELETE, { id: unknown }, admin.token))).toEqual(['NOT_FOUND']);
      expect(await webhookCount(bot.id)).toBe(1);
      // The secret did not change: a delivery still verifies with it.
      const endUser = await startSession(app, bot);
      const { id: requestId } = await openRequest(app, endUser);
      await sendUserMessage(app, endUser, requestId, 'still mine');
      const [delivery] = await receiver.waitFor(1, (d) => d.body.botId === bot.id);
      expect(verified(secret, delivery)).toBe(true);
      // A delivery of another bot's webhook is NOT_FOUND to this bot's admin.
      const other = await hooked(['MESSAGE_POSTED']);
      const mine = await eventuallyLog(admin, webhookId, (l) => (l.totalCount > 0 ? l : undefined));
      expect(
        codes(await app.request(REDELIVER, { id: mine.edges[0].node.id }, other.admin.token)),
      ).toEqual(['NOT_FOUND']);
      expect(
        codes(await app.request(REDELIVER, { id: mine.edges[0].node.id }, agent.token)),
      ).toEqual(['FORBIDDEN']);
    });
  });

  async function botOf(webhookId: string): Promise<string> {
    const rows: { bot_id: string }[] = await app.app
      .get(DataSource)
      .query('SELECT bot_id FROM webhooks WHERE id = $1', [webhookId]);
    return rows[0].bot_id;
  }

  /** Reads the webhook's log until `check` returns a value (the dispatcher works in the background). */
  async function eventuallyLog<T>(
    admin: TestAccount,
    webhookId: string,
    check: (log: any) => T | undefined,
    timeoutMs = 5_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = await deliveries(admin, webhookId);
      const value = check(log);
      if (value !== undefined) {
        return value;
      }
      if (Date.now() > deadline) {
        throw new Error(`The delivery log never got there: ${JSON.stringify(log)}`);
      }
      await sleep(50);
    }
  }
});

describe('webhooks in production', () => {
  const CREATE_IN_PRODUCTION = CREATE;
  const production = (allowPrivate: boolean) =>
    TestApp.start({
      env: {
        NODE_ENV: 'production',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: String(allowPrivate),
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'error',
      },
    });

  it('requires https and refuses private network targets unless allowed', async () => {
    const app = await production(false);
    try {
      const { bot, admin } = await botWithTeam(app);
      for (const url of [
        'http://example.com/hook',
        'https://127.0.0.1/hook',
        'https://localhost/hook',
        'https://10.1.2.3/hook',
        'https://[::1]/hook',
        'https://169.254.169.254/latest',
        'https://[fd00::1]/hook',
      ]) {
        const result = await app.request(
          CREATE_IN_PRODUCTION,
          { botId: bot.id, input: { url, events: ['MESSAGE_POSTED'] } },
          admin.token,
        );
        expect({ url, codes: codes(result), field: result.errors?.[0].extensions.field }).toEqual({
          url,
          codes: ['BAD_USER_INPUT'],
          field: 'input.url',
        });
      }
      expect(
        (
          await app.ok(
            `query ($id: ID!) { bot(id: $id) { webhooks { id } } }`,
            { id: bot.id },
            admin.token,
          )
        ).bot.webhooks,
      ).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('accepts private targets when WEBHOOK_ALLOW_PRIVATE_NETWORKS=true', async () => {
    const app = await production(true);
    try {
      const { bot, admin } = await botWithTeam(app);
      const created = await app.ok(
        CREATE_IN_PRODUCTION,
        { botId: bot.id, input: { url: 'https://127.0.0.1:9/hook', events: ['MESSAGE_POSTED'] } },
        admin.token,
      );
      expect(created.createWebhook.webhook.url).toBe('https://127.0.0.1:9/hook');
    } finally {
      await app.close();
    }
  });
});

/** A fresh bot with a MESSAGE_POSTED webhook on `hookPath`, and an end user's request to post in. */
async function botHookedTo(app: TestApp, receiver: WebhookReceiver, hookPath: string) {
  const team = await botWithTeam(app);
  const created = await app.ok(
    CREATE,
    { botId: team.bot.id, input: { url: receiver.url(hookPath), events: ['MESSAGE_POSTED'] } },
    team.admin.token,
  );
  const endUser = await startSession(app, team.bot);
  const request = await openRequest(app, endUser);
  const send = (text: string) => sendUserMessage(app, endUser, request.id, text);
  return { ...team, webhookId: created.createWebhook.webhook.id as string, send };
}

describe('webhooks beside a receiver that never answers', () => {
  let app: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    // A long timeout: the dead receiver's first attempt stays in flight for the whole test.
    ({ app, receiver } = await startWithReceiver({
      WEBHOOK_CONCURRENCY_PER_WEBHOOK: '1',
      WEBHOOK_TIMEOUT: '20s',
    }));
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  it("keeps delivering to the other webhooks while the dead one's queue overflows", async () => {
    const dead = await botHookedTo(app, receiver, '/dead');
    const alive = await botHookedTo(app, receiver, '/alive');
    receiver.answer = (d) => (d.path === '/dead' ? 'hang' : 200);
    try {
      await dead.send('holds the only slot');
      await receiver.waitFor(1, (d) => d.path === '/dead');
      // More than can wait for that slot on this instance: the rest is handed back.
      // (64 wait per slot, and the webhook has one.)
      const queued = await Promise.all(
        Array.from({ length: 70 }, (_, i) => dead.send(`behind the dead one ${i}`)),
      );
      expect(queued).toHaveLength(70);
      const sent = await Promise.all(
        Array.from({ length: 5 }, (_, i) => alive.send(`still flowing ${i}`)),
      );
      const received = await receiver.waitFor(5, (d) => d.path === '/alive');
      expect(received.map((d) => d.body.data.message.id).sort()).toEqual(
        sent.map((m) => m.id).sort(),
      );
      // The dead receiver still holds its first attempt: nothing else reached it meanwhile.
      expect(receiver.on('/dead')).toHaveLength(1);
    } finally {
      receiver.answer = () => 200;
    }
  });
});

describe('webhooks from an instance slower than its lease', () => {
  let app: TestApp;
  let clock: TestClock;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    // The first attempt's lease (2 × 5 s + 5 s) is passed by the test clock while it is in
    // flight, which takes 2.5 s of real time, within its timeout.
    ({ app, clock, receiver } = await startWithReceiver({ WEBHOOK_TIMEOUT: '5s' }));
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  it('lets another claim send a first attempt whose lease ran out, and keeps one delivery row for it', async () => {
    const { webhookId, send } = await botHookedTo(app, receiver, '/late');
    let calls = 0;
    receiver.answer = (d) =>
      d.path === '/late' && ++calls === 1 ? { status: 204, delayMs: 2_500 } : 200;
    try {
      const sent = await send('answered after its lease');
      const [first] = await receiver.waitFor(1, (d) => d.path === '/late');
      // Its lease ends while it is in flight: the poll writes the event's delivery, due now,
      // and a claim sends it again.
      clock.advance(16_000);
      const [, again] = await receiver.waitFor(2, (d) => d.path === '/late', 2_000);
      expect(again.body.id).toBe(first.body.id);
      expect(again.body.data.message.id).toBe(sent.id);
      expect(again.headers['switchboard-delivery-attempt']).toBe('1');

      // The first attempt's outcome, written last, finds the row there and leaves it.
      await app.app.get(WebhookDispatcher).idle();
      const database = app.app.get(DataSource);
      const rows: { status: string; attempts: number }[] = await database.query(
        'SELECT status, attempts FROM webhook_deliveries WHERE webhook_id = $1',
        [webhookId],
      );
      expect(rows).toEqual([{ status: 'SUCCEEDED', attempts: 1 }]);
      const open: { count: number }[] = await database.query(
        'SELECT count(*)::int AS count FROM webhook_events WHERE id = $1 AND fan_out_until IS NOT NULL',
        [first.body.id],
      );
      expect(open[0].count).toBe(0);
      expect(receiver.on('/late')).toHaveLength(2);
    } finally {
      receiver.answer = () => 200;
    }
  });
});

describe('webhooks while one of them is being deleted', () => {
  // A deletion holds its webhook's row until it commits, which takes a while with a long
  // delivery log (they go together): a second session stands for it, so on a PostgreSQL server.
  let database: { url: string; drop: () => Promise<void> };
  let app: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    database = await serverDatabase();
    ({ app, receiver } = await startWithReceiver({}, database.url));
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
    await database.drop();
  });

  it('posts messages meanwhile without waiting for it, and delivers them to the other webhooks only', async () => {
    const going = await botHookedTo(app, receiver, '/going');
    await app.ok(
      CREATE,
      {
        botId: going.bot.id,
        input: { url: receiver.url('/staying'), events: ['MESSAGE_POSTED'] },
      },
      going.admin.token,
    );
    const deletion = new Client({ connectionString: database.url });
    await deletion.connect();
    try {
      // deleteWebhook's statement, its transaction not committed yet.
      await deletion.query('BEGIN');
      await deletion.query('DELETE FROM webhooks WHERE id = $1', [going.webhookId]);
      const sending = going.send('while a webhook goes');
      let patience: NodeJS.Timeout | undefined;
      const first = await Promise.race([
        sending.then(
          () => 'posted',
          () => 'refused',
        ),
        new Promise((resolve) => (patience = setTimeout(resolve, 5_000, 'held up'))),
      ]);
      clearTimeout(patience);
      expect(first).toBe('posted');
      const sent = await sending;
      await deletion.query('COMMIT');

      const [delivered] = await receiver.waitFor(1, (d) => d.path === '/staying');
      expect(delivered.body.data.message.id).toBe(sent.id);
      await sleep(300);
      expect(receiver.on('/going')).toHaveLength(0);
      const orphans: { count: number }[] = await app.app
        .get(DataSource)
        .query('SELECT count(*)::int AS count FROM webhook_deliveries WHERE webhook_id = $1', [
          going.webhookId,
        ]);
      expect(orphans[0].count).toBe(0);
    } finally {
      await deletion.end();
    }
  });
});

describe('webhooks from a busy instance', () => {
  let app: TestApp;
  let clock: TestClock;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    ({ clock, app, receiver } = await startWithReceiver({ WEBHOOK_CONCURRENCY_PER_WEBHOOK: '1' }));
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  const hookedFor = (hookPath: string) => botHookedTo(app, receiver, hookPath);

  it('sends the deliveries of one webhook one after the other at WEBHOOK_CONCURRENCY_PER_WEBHOOK=1, each as its first attempt', async () => {
    const { send } = await hookedFor('/one-at-a-time');
    receiver.answer = (d) => (d.path === '/one-at-a-time' ? { status: 204, delayMs: 150 } : 200);
    try {
      const sent = await Promise.all(Array.from({ length: 5 }, (_, i) => send(`queued ${i}`)));
      const received = await receiver.waitFor(5, (d) => d.path === '/one-at-a-time');
      expect(new Set(received.map((d) => d.body.data.message.id))).toEqual(
        new Set(sent.map((m) => m.id)),
      );
      expect(received.map((d) => d.headers['switchboard-delivery-attempt'])).toEqual(
        Array(5).fill('1'),
      );
      // Each one arrived once the previous one had been answered.
      const arrivals = received.map((d) => d.at).sort((a, b) => a - b);
      for (let i = 1; i < arrivals.length; i += 1) {
        expect(arrivals[i] - arrivals[i - 1]).toBeGreaterThanOrEqual(140);
      }
    } finally {
      receiver.answer = () => 200;
    }
  });

  it('hands back what waited longer than an attempt may take, and sends it later as its first attempt, once', async () => {
    const { admin, webhookId, send } = await hookedFor('/handed-back');
    let calls = 0;
    receiver.answer = (d) =>
      d.path === '/handed-back' && ++calls === 1 ? { status: 204, delayMs: 800 } : 200;
    try {
      const first = await send('holds the only slot');
      await receiver.waitFor(1, (d) => d.path === '/handed-back');
      const waiting = await Promise.all([send('waits 1'), send('waits 2')]);
      // Longer than an attempt may take, by the service clock: when the slot frees, these two
      // are handed back to the database rather than sent past their lease.
      clock.advance(5_000);
      const received = await receiver.waitFor(3, (d) => d.path === '/handed-back');
      await sleep(300);
      expect(receiver.on('/handed-back')).toHaveLength(3);
      expect(received.map((d) => d.body.data.message.id).sort()).toEqual(
        [first, ...waiting].map((m) => m.id).sort(),
      );
      expect(received.map((d) => d.headers['switchboard-delivery-attempt'])).toEqual([
        '1',
        '1',
        '1',
      ]);
      await app.app.get(WebhookDispatcher).idle();
      const log = await app.ok(DELIVERIES, { webhookId }, admin.token);
      expect(log.webhookDeliveries.edges.map((e: any) => [e.node.status, e.node.attempts])).toEqual(
        [
          ['SUCCEEDED', 1],
          ['SUCCEEDED', 1],
          ['SUCCEEDED', 1],
        ],
      );
    } finally {
      receiver.answer = () => 200;
    }
  });

  it('sends from a thread of lower CPU priority than the one answering API calls', () => {
    if (process.platform !== 'linux') {
      return;
    }
    const niceOf = (task: string) => {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      // The fields after the command name, which is in parentheses; nice is field 19.
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const nices = readdirSync('/proc/self/task').map(niceOf);
    expect(niceOf(String(process.pid))).toBe(0);
    expect(nices).toContain(SENDER_NICENESS);
  });
});
