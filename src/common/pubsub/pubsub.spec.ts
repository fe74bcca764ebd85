import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RedisConnections } from '../redis/redis-connections';
import { InProcessPubSub } from './in-process-pubsub';
import { PubSubPort, RESYNC } from './pubsub';
import { RedisPubSub } from './redis-pubsub';

/**
 * The port's contract, run against both implementations: in process, and on the Redis server of
 * REDIS_URL (else the machine's, 127.0.0.1:6379) under a prefix of its own.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Adapter {
  pubsub: PubSubPort;
  /** Resolves once the topic's subscription is in place upstream. */
  listening(topic: string): Promise<void>;
  close(): Promise<void>;
}

const adapters: [string, () => Promise<Adapter>][] = [
  [
    'InProcessPubSub',
    () =>
      Promise.resolve({
        pubsub: new InProcessPubSub(),
        listening: () => Promise.resolve(),
        close: () => Promise.resolve(),
      }),
  ],
  [
    'RedisPubSub',
    async () => {
      const prefix = `switchboard-test-${randomUUID()}:`;
      const connections = new RedisConnections(REDIS_URL, prefix);
      const pubsub = new RedisPubSub(connections);
      const probe = new Redis(REDIS_URL);
      await waitUntil(async () => (await probe.ping()) === 'PONG');
      return {
        pubsub,
        listening: (topic) =>
          waitUntil(async () => {
            const [, count] = (await probe.pubsub('NUMSUB', prefix + topic)) as [string, number];
            return Number(count) > 0;
          }),
        close: async () => {
          probe.disconnect();
          await connections.onApplicationShutdown();
        },
      };
    },
  ],
];

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) {
      throw new Error('Condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(adapters)('%s', (_name, create) => {
  let adapter: Adapter;
  beforeEach(async () => {
    adapter = await create();
  });
  afterEach(() => adapter.close());

  it('delivers what is published after subscribe, in order, even before the first next()', async () => {
    const subscription = adapter.pubsub.subscribe<number>('topic');
    await adapter.listening('topic');
    await adapter.pubsub.publish('topic', 1);
    await adapter.pubsub.publish('other', 99);
    await adapter.pubsub.publish('topic', 2);
    expect(await subscription.next()).toEqual({ done: false, value: 1 });
    expect(await subscription.next()).toEqual({ done: false, value: 2 });
    await subscription.return?.();
  });

  it('delivers to every subscriber of the topic, and keeps dates as dates', async () => {
    const a = adapter.pubsub.subscribe<{ at: Date }>('t');
    const b = adapter.pubsub.subscribe<{ at: Date }>('t');
    await adapter.listening('t');
    const nextA = a.next();
    const at = new Date('2026-11-25T10:00:00.123Z');
    await adapter.pubsub.publish('t', { at });
    expect([await nextA, await b.next()]).toEqual([
      { done: false, value: { at } },
      { done: false, value: { at } },
    ]);
    expect(adapter.pubsub.subscriberCount('t')).toBe(2);
    await a.return?.();
    await b.return?.();
    expect(adapter.pubsub.subscriberCount('t')).toBe(0);
  });

  it('stops listening when closed, also while waiting', async () => {
    const subscription = adapter.pubsub.subscribe<number>('t');
    const waiting = subscription.next();
    await subscription.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await adapter.pubsub.publish('t', 1);
    expect(await subscription.next()).toEqual({ done: true, value: undefined });
  });

  it('keeps a surviving subscriber listening through subscribe/unsubscribe churn on its topic', async () => {
    const survivor = adapter.pubsub.subscribe<number>('churn');
    await adapter.listening('churn');
    for (let round = 0; round < 200; round += 1) {
      const passing = adapter.pubsub.subscribe<number>('churn');
      await passing.return?.();
    }
    // Alone again, then gone and back: the channel must follow the local subscriptions.
    await survivor.return?.();
    const again = adapter.pubsub.subscribe<number>('churn');
    const churned = Array.from({ length: 50 }, () => adapter.pubsub.subscribe<number>('churn'));
    for (const subscription of churned) {
      await subscription.return?.();
    }
    await adapter.listening('churn');
    await adapter.pubsub.publish('churn', 7);
    expect(await again.next()).toEqual({ done: false, value: 7 });
    await again.return?.();
  });

  it('never hands RESYNC to a plain subscription', async () => {
    const plain = adapter.pubsub.subscribe<number>('r');
    const resyncing = adapter.pubsub.subscribeWithResync<number>('r');
    await adapter.listening('r');
    await adapter.pubsub.publish('r', 1);
    expect(await plain.next()).toEqual({ done: false, value: 1 });
    const first = await resyncing.next();
    // A Redis adapter may announce a RESYNC for its first connection before the event.
    const value = first.value === RESYNC ? (await resyncing.next()).value : first.value;
    expect(value).toBe(1);
    await plain.return?.();
    await resyncing.return?.();
  });
});

describe('RedisPubSub when only its publishing connection fails', () => {
  it('tells every resyncing subscription, of every instance, that events may be lost', async () => {
    const prefix = `switchboard-test-${randomUUID()}:`;
    const [a, b] = [
      new RedisConnections(REDIS_URL, prefix),
      new RedisConnections(REDIS_URL, prefix),
    ];
    // Instance A's first connection is its publisher: keep it to kill it alone.
    const made: Redis[] = [];
    const connect = a.connect.bind(a);
    a.connect = (name, options) => {
      const client = connect(name, options);
      made.push(client);
      return client;
    };
    const [publisherSide, otherSide] = [new RedisPubSub(a), new RedisPubSub(b)];
    const admin = new Redis(REDIS_URL);
    try {
      const local = publisherSide.subscribeWithResync<number>('t');
      const remote = otherSide.subscribeWithResync<number>('t');
      // Both instances' subscriber connections are up: their first RESYNC has come.
      expect((await local.next()).value).toBe(RESYNC);
      expect((await remote.next()).value).toBe(RESYNC);
      await waitUntil(() => Promise.resolve(made[0].status === 'ready'));
      const publisherId = String(await made[0].client('ID'));
      await admin.client('KILL', 'ID', publisherId);
      // A publication while A's publisher is away fails (and is counted), never throws.
      for (let attempt = 0; attempt < 100 && publisherSide.failedPublishes === 0; attempt += 1) {
        await publisherSide.publish('t', 1);
      }
      expect(publisherSide.failedPublishes).toBeGreaterThan(0);
      expect((await local.next()).value).toBe(RESYNC);
      expect((await remote.next()).value).toBe(RESYNC);
      await local.return?.();
      await remote.return?.();
    } finally {
      admin.disconnect();
      await a.onApplicationShutdown();
      await b.onApplicationShutdown();
    }
  });
});
