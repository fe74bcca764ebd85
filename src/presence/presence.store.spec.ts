import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RedisConnections } from '../common/redis/redis-connections';
import {
  ACCOUNTS_GROUP,
  InProcessPresenceStore,
  PresenceNamespace,
  PresenceStore,
} from './presence.store';
import { RedisPresenceStore } from './redis-presence.store';

/**
 * The store's contract, against both implementations. The Redis one runs on the server of
 * REDIS_URL (else the machine's, 127.0.0.1:6379) under a prefix of its own; "instances" are
 * stores with their own instance ids on that prefix.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TTL_MS = 1_000;

interface Deployment {
  /** The store of one instance; with the in-process store there is only one. */
  instance(): PresenceStore;
  close(): Promise<void>;
}

const deployments: [string, () => Deployment][] = [
  [
    'InProcessPresenceStore',
    () => {
      const store = new InProcessPresenceStore();
      return { instance: () => store, close: () => Promise.resolve() };
    },
  ],
  ['RedisPresenceStore', () => redisDeployment('presence')],
  // Account presence: the same store and contract in a namespace of its own.
  ['RedisPresenceStore of accounts', () => redisDeployment('account-presence')],
];

function redisDeployment(namespace: PresenceNamespace): Deployment {
  const prefix = `switchboard-test-${randomUUID()}:`;
  const connections: RedisConnections[] = [];
  return {
    instance: () => {
      const connection = new RedisConnections(REDIS_URL, prefix);
      connections.push(connection);
      return new RedisPresenceStore(connection, TTL_MS, namespace);
    },
    close: async () => {
      // Leave the machine's Redis as it was: this deployment's keys go with it.
      const cleaner = new Redis(REDIS_URL);
      const keys = await cleaner.keys(`${prefix}*`);
      if (keys.length > 0) {
        await cleaner.del(...keys);
      }
      cleaner.disconnect();
      await Promise.all(connections.map((connection) => connection.onApplicationShutdown()));
    },
  };
}

const eventually = async <T>(attempt: () => Promise<T>): Promise<T> => {
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tries > 100) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
};

describe.each(deployments)('%s', (_name, create) => {
  let deployment: Deployment;
  beforeEach(() => {
    deployment = create();
  });
  afterEach(() => deployment.close());

  it('reports coming online and going offline once, and answers who is online', async () => {
    const store = deployment.instance();
    const [alice, bob, bot, otherBot] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    expect(await eventually(() => store.connected(alice, bot))).toBe(true);
    expect(await store.connected(bob, otherBot)).toBe(true);
    expect(await store.isOnline([alice, bob, randomUUID()])).toEqual([true, true, false]);
    expect(await store.onlineOf(bot)).toEqual([alice]);
    expect(await store.disconnected(alice, bot)).toBe(true);
    expect(await store.disconnected(alice, bot)).toBe(false);
    expect(await store.isOnline([alice])).toEqual([false]);
    expect(await store.onlineOf(bot)).toEqual([]);
  });
});

describe('RedisPresenceStore namespaces', () => {
  it('keeps end users and accounts apart under one prefix', async () => {
    const prefix = `switchboard-test-${randomUUID()}:`;
    const connection = new RedisConnections(REDIS_URL, prefix);
    const endUsers = new RedisPresenceStore(connection, TTL_MS, 'presence');
    const accounts = new RedisPresenceStore(connection, TTL_MS, 'account-presence');
    const [account, bot] = [randomUUID(), randomUUID()];
    try {
      expect(await eventually(() => accounts.connected(account, ACCOUNTS_GROUP))).toBe(true);
      expect(await eventually(() => endUsers.isOnline([account]))).toEqual([false]);
      expect(await accounts.isOnline([account])).toEqual([true]);
      expect(await accounts.onlineOf(ACCOUNTS_GROUP)).toEqual([account]);
      expect(await endUsers.connected(account, bot)).toBe(true);
      expect(await accounts.disconnected(account, ACCOUNTS_GROUP)).toBe(true);
      expect(await endUsers.isOnline([account])).toEqual([true]);
    } finally {
      const cleaner = new Redis(REDIS_URL);
      const keys = await cleaner.keys(`${prefix}*`);
      if (keys.length > 0) {
        await cleaner.del(...keys);
      }
      cleaner.disconnect();
      await connection.onApplicationShutdown();
    }
  });
});

describe.each<PresenceNamespace>(['presence', 'account-presence'])(
  'RedisPresenceStore across instances (%s)',
  (namespace) => {
    let deployment: Deployment;
    beforeEach(() => {
      deployment = redisDeployment(namespace);
    });
    afterEach(() => deployment.close());

    it('reports a change once, whichever instance holds the end user', async () => {
      const [a, b] = [deployment.instance(), deployment.instance()];
      const [endUser, bot] = [randomUUID(), randomUUID()];
      expect(await eventually(() => a.connected(endUser, bot))).toBe(true);
      expect(await eventually(() => b.connected(endUser, bot))).toBe(false);
      expect(await a.disconnected(endUser, bot)).toBe(false);
      expect(await b.isOnline([endUser])).toEqual([true]);
      expect(await b.disconnected(endUser, bot)).toBe(true);
    });

    it("expires a silent instance's end users within the TTL, reported by exactly one survivor", async () => {
      const [dead, survivor, other] = [
        deployment.instance(),
        deployment.instance(),
        deployment.instance(),
      ];
      const [endUser, kept, bot] = [randomUUID(), randomUUID(), randomUUID()];
      await eventually(() => dead.connected(endUser, bot));
      await eventually(() => survivor.connected(kept, bot));
      await eventually(() => other.maintain(new Map()));
      // `dead` never refreshes again; the survivor keeps its own end user alive.
      await new Promise((resolve) => setTimeout(resolve, TTL_MS / 2));
      expect(await survivor.maintain(new Map([[kept, bot]]))).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, TTL_MS / 2 + 200));
      expect(await survivor.isOnline([endUser, kept])).toEqual([false, true]);
      const reports = await Promise.all([
        survivor.maintain(new Map([[kept, bot]])),
        other.maintain(new Map()),
      ]);
      expect(reports.flat()).toEqual([{ endUserId: endUser, botId: bot, online: false }]);
      expect(await other.onlineOf(bot)).toEqual([kept]);
    });

    it('restores a lease that vanished (swept after a stall) and reports the end user online again', async () => {
      const [stalled, sweeper] = [deployment.instance(), deployment.instance()];
      const [endUser, bot] = [randomUUID(), randomUUID()];
      await eventually(() => stalled.connected(endUser, bot));
      await eventually(() => sweeper.maintain(new Map()));
      await new Promise((resolve) => setTimeout(resolve, TTL_MS + 200));
      expect(await sweeper.maintain(new Map())).toEqual([
        { endUserId: endUser, botId: bot, online: false },
      ]);
      expect(await stalled.maintain(new Map([[endUser, bot]]))).toEqual([
        { endUserId: endUser, botId: bot, online: true },
      ]);
      expect(await sweeper.isOnline([endUser])).toEqual([true]);
    });
  },
);
