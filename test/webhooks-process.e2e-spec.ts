import { Cluster, asTestApp, itOnCluster } from './support/instances';
import { botWithTeam, openRequest, sendUserMessage, startSession } from './support/factories';
import { WebhookReceiver } from './support/webhook-receiver';
import { verifySignature } from '../src/webhooks/signature';

const CREATE = `mutation ($botId: ID!, $input: WebhookInput!) {
  createWebhook(botId: $botId, input: $input) { secret webhook { id } }
}`;

/** Short timeout and poll so that a dead instance's lease (2 x timeout + 5 s) ends quickly. */
const WEBHOOK_ENV = {
  WEBHOOK_TIMEOUT: '1s',
  WEBHOOK_POLL_INTERVAL: '200ms',
  RATE_LIMIT_MESSAGES: '100000/10s',
};

describe('webhooks across processes', () => {
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(() => receiver.close());

  describe('one instance, killed', () => {
    let cluster: Cluster | undefined;
    const itHere = itOnCluster(() => cluster);

    beforeAll(async () => {
      cluster = await Cluster.start({ instances: 1, redis: false, env: WEBHOOK_ENV });
    }, 60_000);
    afterAll(() => cluster?.stop());

    itHere(
      'delivers an event committed before a SIGKILL once the service is started again',
      async () => {
        const c = cluster as Cluster;
        const first = asTestApp(c.instances[0]);
        const { bot, admin } = await botWithTeam(first);
        const { secret } = (
          await first.ok(
            CREATE,
            { botId: bot.id, input: { url: receiver.url('/killed'), events: ['REQUEST_OPENED'] } },
            admin.token,
          )
        ).createWebhook;
        // The receiver holds the first attempt open: the instance dies with the event committed
        // and its delivery claimed but not done.
        receiver.answer = (d) =>
          d.path === '/killed' && receiver.on('/killed').length === 1 ? 'hang' : 200;
        const endUser = await startSession(first, bot);
        const { id: requestId } = await openRequest(first, endUser);
        const [held] = await receiver.waitFor(1, (d) => d.path === '/killed');
        expect(held.body.data.request.id).toBe(requestId);
        await c.instances[0].kill('SIGKILL');

        const restarted = await c.addInstance();
        expect(restarted.alive).toBe(true);
        const [, delivered] = await receiver.waitFor(2, (d) => d.path === '/killed', 20_000);
        expect(delivered.body.id).toBe(held.body.id);
        expect(delivered.headers['switchboard-delivery-attempt']).toBe('2');
        expect(
          verifySignature(
            secret,
            String(delivered.headers['switchboard-signature']),
            delivered.rawBody,
            new Date(),
          ),
        ).toBe(true);
      },
      40_000,
    );

    itHere(
      'sends what was queued while the service was down, once it is back',
      async () => {
        const c = cluster as Cluster;
        const current = c.instances[c.instances.length - 1];
        const live = asTestApp(current);
        const { bot, admin } = await botWithTeam(live);
        await live.ok(
          CREATE,
          { botId: bot.id, input: { url: receiver.url('/queued'), events: ['MESSAGE_POSTED'] } },
          admin.token,
        );
        // Nobody answers on this path: every attempt fails fast and waits for its retry.
        receiver.answer = (d) => (d.path === '/queued' ? 503 : 200);
        const endUser = await startSession(live, bot);
        const { id: requestId } = await openRequest(live, endUser);
        const sent = await sendUserMessage(live, endUser, requestId, 'before the crash');
        await receiver.waitFor(1, (d) => d.path === '/queued');
        await (c.instances.at(-1) as { kill: (s: NodeJS.Signals) => Promise<void> }).kill(
          'SIGKILL',
        );
        receiver.answer = () => 200;
        await c.addInstance();
        // The retry is due 10 s after the failure.
        const [, retried] = await receiver.waitFor(2, (d) => d.path === '/queued', 25_000);
        expect(retried.body.data.message.id).toBe(sent.id);
      },
      40_000,
    );
  });

  describe('two instances on Redis', () => {
    let cluster: Cluster | undefined;
    const itHere = itOnCluster(() => cluster);

    beforeAll(async () => {
      cluster = await Cluster.start({ instances: 2, env: WEBHOOK_ENV });
    }, 60_000);
    afterAll(() => cluster?.stop());

    itHere(
      'delivers each event once, whichever instance committed it',
      async () => {
        const c = cluster as Cluster;
        const [a, b] = c.instances.map((instance) => asTestApp(instance));
        const { bot, admin } = await botWithTeam(a);
        await a.ok(
          CREATE,
          { botId: bot.id, input: { url: receiver.url('/pair'), events: ['MESSAGE_POSTED'] } },
          admin.token,
        );
        receiver.answer = () => 200;
        const endUser = await startSession(a, bot);
        const { id: requestId } = await openRequest(a, endUser);
        const sent = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            sendUserMessage(i % 2 ? a : b, endUser, requestId, `message ${i}`),
          ),
        );
        const received = await receiver.waitFor(100, (d) => d.path === '/pair', 20_000);
        // Both instances keep polling: give a duplicate the time to show up.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        const all = receiver.on('/pair');
        expect(all).toHaveLength(100);
        expect(new Set(received.map((d) => d.body.id)).size).toBe(100);
        expect(new Set(all.map((d) => d.body.data.message.id))).toEqual(
          new Set(sent.map((m) => m.id)),
        );
        expect(all.every((d) => d.headers['switchboard-delivery-attempt'] === '1')).toBe(true);
      },
      40_000,
    );
  });
});
