import { Client } from 'pg';
import { Cluster, asTestApp, itOnCluster } from './support/instances';
import { botWithTeam, openRequest, sendUserMessage, startSession } from './support/factories';
import { ReceivedDelivery, WebhookReceiver } from './support/webhook-receiver';
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
      // A statement waits at most 1 s for a lock: a write held up by a test's lock gives up soon.
      cluster = await Cluster.start({
        instances: 1,
        redis: false,
        env: { ...WEBHOOK_ENV, DATABASE_LOCK_TIMEOUT: '1s' },
      });
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
        // and its first attempt made but not done (nor written: its row comes with its outcome).
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
        // Nothing recorded the attempt lost with its instance: this one counts as the first.
        expect(delivered.headers['switchboard-delivery-attempt']).toBe('1');
        expect(signedWith(secret, delivered)).toBe(true);
      },
      40_000,
    );

    itHere(
      'delivers an event whose first attempts had not started when the instance was killed',
      async () => {
        const c = cluster as Cluster;
        const live = asTestApp(c.instances[c.instances.length - 1]);
        const { bot, admin } = await botWithTeam(live);
        const { secret } = (
          await live.ok(
            CREATE,
            {
              botId: bot.id,
              input: { url: receiver.url('/unwritten'), events: ['REQUEST_OPENED'] },
            },
            admin.token,
          )
        ).createWebhook;
        receiver.answer = () => 200;
        const endUser = await startSession(live, bot);
        // A session of the test keeps the committed event's webhooks from being read for its
        // first attempts: the change commits and answers (its statement writes the event alone,
        // reading the webhooks without a lock), the dispatcher's read (which locks them) waits.
        const blocker = new Client({ connectionString: c.databaseUrl });
        await blocker.connect();
        const waitingWrites = async () =>
          (
            await blocker.query(
              `SELECT count(*)::int AS count FROM pg_locks l JOIN pg_class t ON t.oid = l.relation
                WHERE t.relname = 'webhooks' AND NOT l.granted`,
            )
          ).rows[0].count as number;
        let requestId: string;
        try {
          await blocker.query('BEGIN');
          await blocker.query('LOCK TABLE webhooks IN EXCLUSIVE MODE');
          requestId = (await openRequest(live, endUser)).id;
          await until(async () => (await waitingWrites()) > 0);
          await c.instances[c.instances.length - 1].kill('SIGKILL');
          // The killed instance's read gives up at its lock timeout: nothing of it is left.
          await until(async () => (await waitingWrites()) === 0);
        } finally {
          await blocker.query('ROLLBACK');
        }
        const { rows: events } = await blocker.query(
          `SELECT e.id, e.fan_out_until,
                  (SELECT count(*)::int FROM webhook_deliveries d WHERE d.event_id = e.id) AS deliveries
             FROM webhook_events e WHERE e.bot_id = $1 AND e.type = 'REQUEST_OPENED'`,
          [bot.id],
        );
        await blocker.end();
        expect(events).toHaveLength(1);
        expect(events[0].fan_out_until).not.toBeNull();
        expect(events[0].deliveries).toBe(0);
        expect(receiver.on('/unwritten')).toHaveLength(0);

        await c.addInstance();
        // Once the event's deadline (the lease) passed, the new instance writes and sends them.
        const [delivered] = await receiver.waitFor(1, (d) => d.path === '/unwritten', 20_000);
        expect(delivered.body.id).toBe(events[0].id);
        expect(delivered.body.data.request.id).toBe(requestId);
        expect(delivered.headers['switchboard-delivery-attempt']).toBe('1');
        expect(signedWith(secret, delivered)).toBe(true);
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

/** Polls `condition` every 50 ms until it holds (the test's own timeout bounds it). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether `delivery` carries a valid signature, made just now with `secret`. */
function signedWith(secret: string, delivery: ReceivedDelivery): boolean {
  return verifySignature(
    secret,
    String(delivery.headers['switchboard-signature']),
    delivery.rawBody,
    new Date(),
  );
}
