import { Cluster, Instance, asTestApp, eventually, itOnCluster } from './support/instances';
import { RecordedSubscription, seqRange } from './support/recorded-subscription';
import {
  botWithTeam,
  codes,
  openRequest,
  sendUserMessage,
  startSession,
} from './support/factories';
import { Topics } from '../src/common/pubsub/topics';

const EVENTS = `subscription ($requestId: ID!, $afterSeq: Int) {
  conversationEvents(requestId: $requestId, afterSeq: $afterSeq) {
    type endUserOnline message { seq author }
  }
}`;
const TAKE = `mutation ($requestId: ID!) { takeControl(requestId: $requestId) { id status } }`;
const SEND_AGENT = `mutation ($id: ID!, $text: String!) {
  sendAgentMessage(liveConversationId: $id, text: $text) { seq author }
}`;
const ONLINE = `query ($id: ID!) { request(id: $id) { endUser { online } } }`;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How much later than PRESENCE_TTL an expiry may be seen. */
const PRESENCE_MARGIN_MS = 2_000;

describe('several instances: an instance or Redis dies', () => {
  let cluster: Cluster;
  let a: Instance;
  let b: Instance;
  let c: Instance;
  // Jest's `it`, reporting what the service processes printed when a test fails.
  const it = itOnCluster(() => cluster);

  beforeAll(async () => {
    cluster = await Cluster.start({
      instances: 3,
      presenceTtl: 3,
      // The crash test's end user writes every 25 ms, faster than RATE_LIMIT_MESSAGES allows.
      env: { RATE_LIMIT_MESSAGES: '1000/10s' },
    });
    [a, b, c] = cluster.instances;
  }, 150_000);
  afterAll(() => cluster?.stop());

  const isOnline = async (instance: Instance, requestId: string, token: string) =>
    (await instance.ok(ONLINE, { id: requestId }, token)).request.endUser.online as boolean;

  it('takes the end users of a killed instance offline within PRESENCE_TTL, and an agent moving to another instance with afterSeq misses nothing', async () => {
    const { bot, admin, agent } = await botWithTeam(asTestApp(a));
    // Connected only to C, which dies.
    const stranded = await startSession(asTestApp(a), bot);
    const { id: requestId } = await openRequest(asTestApp(a), stranded);
    await c.connectedWs(bearer(stranded.token));
    // Connected to A and to C: stays online through A.
    const steady = await startSession(asTestApp(a), bot);
    const steadyRequest = await openRequest(asTestApp(a), steady);
    await a.connectedWs(bearer(steady.token));
    await c.connectedWs(bearer(steady.token));
    expect(await isOnline(a, requestId, agent.token)).toBe(true);
    expect(await isOnline(b, steadyRequest.id, agent.token)).toBe(true);

    const watcher = new RecordedSubscription(
      await b.connectedWs(bearer(admin.token)),
      EVENTS,
      { requestId },
      'conversationEvents',
    );
    const doomed = new RecordedSubscription(
      await c.connectedWs(bearer(agent.token)),
      EVENTS,
      { requestId, afterSeq: 0 },
      'conversationEvents',
    );
    await cluster.waitForSubscribers(Topics.conversation(requestId), 2);

    // The end user keeps writing (over HTTP, to A) before, during and after the crash.
    const sent: number[] = [];
    let sending = true;
    const sender = (async () => {
      while (sending) {
        const message = await sendUserMessage(asTestApp(a), stranded, requestId, `#${sent.length}`);
        sent.push(message.seq);
        await sleep(25);
      }
    })();
    try {
      await doomed.until('5 messages on C', () => doomed.messageSeqs.length >= 5);
      const killedAt = Date.now();
      await c.kill('SIGKILL');
      await doomed.until('the subscription dropped with C', () => doomed.ended);
      const lastSeen = Math.max(...doomed.messageSeqs);
      expect(doomed.messageSeqs).toEqual(seqRange(1, lastSeen));

      // Seen from B: offline within the TTL, announced once.
      await watcher.until(
        'END_USER_PRESENCE_CHANGED',
        () => watcher.ofType('END_USER_PRESENCE_CHANGED').length > 0,
        cluster.presenceTtl * 1_000 + PRESENCE_MARGIN_MS + 2_000,
      );
      const offlineAfterMs = Date.now() - killedAt;
      expect(watcher.ofType('END_USER_PRESENCE_CHANGED')).toEqual([
        { type: 'END_USER_PRESENCE_CHANGED', endUserOnline: false, message: null },
      ]);
      expect(offlineAfterMs).toBeLessThanOrEqual(cluster.presenceTtl * 1_000 + PRESENCE_MARGIN_MS);
      expect(codes(await a.request(TAKE, { requestId }, agent.token))).toEqual([
        'END_USER_OFFLINE',
      ]);
      expect(await isOnline(b, requestId, agent.token)).toBe(false);

      // The agent reconnects to B and resumes after the last seq it saw, while messages go on.
      const moved = new RecordedSubscription(
        await b.connectedWs(bearer(agent.token)),
        EVENTS,
        { requestId, afterSeq: lastSeen },
        'conversationEvents',
      );
      await sleep(500);
      sending = false;
      await sender;
      const last = sent[sent.length - 1];
      expect(sent).toEqual(seqRange(1, last));
      await moved.until(`messages up to ${last}`, () => moved.messageSeqs.includes(last));
      await watcher.until(`messages up to ${last}`, () => watcher.messageSeqs.includes(last));
      await RecordedSubscription.quiet(300);
      expect(moved.messageSeqs).toEqual(seqRange(lastSeen + 1, last));
      expect(watcher.messageSeqs).toEqual(seqRange(1, last));
      expect(watcher.ofType('END_USER_PRESENCE_CHANGED')).toHaveLength(1);

      // An end user still connected to a living instance stayed online.
      expect(await isOnline(b, steadyRequest.id, agent.token)).toBe(true);
      expect((await b.request(TAKE, { requestId: steadyRequest.id }, agent.token)).errors).toBe(
        undefined,
      );
    } finally {
      sending = false;
      await sender.catch(() => undefined);
    }
  });

  it('keeps committing while Redis is down, says so in /health/ready, and then delivers every message once, in order, to a subscriber that stayed connected', async () => {
    const { bot, agent } = await botWithTeam(asTestApp(a));
    const endUser = await startSession(asTestApp(b), bot);
    const { id: requestId } = await openRequest(asTestApp(b), endUser);
    await b.connectedWs(bearer(endUser.token));
    const socket = await a.connectedWs(bearer(agent.token));
    let socketClosures = 0;
    socket.on('closed', () => {
      socketClosures += 1;
    });
    const subscriber = new RecordedSubscription(
      socket,
      EVENTS,
      { requestId, afterSeq: 0 },
      'conversationEvents',
    );
    await cluster.waitForSubscribers(Topics.conversation(requestId), 1);

    await sendUserMessage(asTestApp(b), endUser, requestId, 'before the outage');
    const { id: liveId } = (await b.ok(TAKE, { requestId }, agent.token)).takeControl;
    await a.ok(SEND_AGENT, { id: liveId, text: 'agent before the outage' }, agent.token);
    await subscriber.until('messages 1 to 3', () => subscriber.messageSeqs.includes(3));

    const redis = cluster.redis!;
    await redis.kill();
    const committed: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      committed.push((await sendUserMessage(asTestApp(b), endUser, requestId, `down ${i}`)).seq);
      committed.push(
        (await a.ok(SEND_AGENT, { id: liveId, text: `agent down ${i}` }, agent.token))
          .sendAgentMessage.seq,
      );
    }
    expect(committed).toEqual(seqRange(4, 11));
    for (const instance of [a, b]) {
      const health = await eventually(`instance ${instance.name} not ready`, async () => {
        const answer = await instance.health('ready');
        return answer.status === 503 ? answer : undefined;
      });
      expect(health.body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } } });
      expect((await instance.health('live')).status).toBe(200);
    }

    await redis.restart();
    for (const instance of [a, b]) {
      const health = await eventually(
        `instance ${instance.name} ready again`,
        async () => {
          const answer = await instance.health('ready');
          return answer.status === 200 ? answer : undefined;
        },
        15_000,
        100,
      );
      expect(health.body).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, redis: { status: 'up' } },
      });
    }
    // What was committed during the outage arrives without any further message to reveal a gap.
    await subscriber.until(
      'messages 4 to 11 after Redis came back',
      () => subscriber.messageSeqs.includes(11),
      10_000,
    );
    for (let i = 0; i < 2; i += 1) {
      await sendUserMessage(asTestApp(b), endUser, requestId, `after ${i}`);
    }
    await subscriber.until('messages 12 and 13', () => subscriber.messageSeqs.includes(13));
    await RecordedSubscription.quiet(500);
    expect(subscriber.messageSeqs).toEqual(seqRange(1, 13));
    expect(subscriber.errors).toEqual([]);
    expect(subscriber.completed).toBe(false);
    expect(socketClosures).toBe(0);
    // The end user's connection on B never closed: once Redis is back it counts as online again.
    for (const instance of [a, b]) {
      await eventually(
        `the end user online again, seen from ${instance.name}`,
        async () => ((await isOnline(instance, requestId, agent.token)) ? true : undefined),
        cluster.presenceTtl * 1_000 + PRESENCE_MARGIN_MS,
      );
    }
  });
});
