import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { RedisConnections } from '../common/redis/redis-connections';
import { PresenceNamespace, PresenceStore, PresenceTransition } from './presence.store';

/**
 * Every instance keeps, per end user it holds a connection of, a lease with an expiry (keys of
 * the `presence` namespace; account presence uses the same keys under `account-presence`, with
 * the accounts' fixed group in place of a bot):
 *   <prefix><namespace>:user:<endUserId>   hash  instance id -> expiry (ms, Redis server time)
 *   <prefix><namespace>:bot:<botId>        set   end users with at least one lease
 *   <prefix><namespace>:leases             zset  "<instance>|<endUser>|<bot>" scored by expiry
 * An instance refreshes its leases every third of the TTL; a killed instance's leases expire and
 * the next upkeep of any instance removes them. Each change is decided inside one Lua script, so
 * exactly one instance learns "came online" or "went offline" and reports it. Expiries use the
 * Redis server's clock, so instances' clocks need not agree. (Keys are built inside the upkeep
 * script: a standalone Redis or Sentinel, not Redis Cluster.)
 */
const CONNECT = `
local existed = redis.call('HLEN', KEYS[1]) > 0
local t = redis.call('TIME')
local expiry = t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], expiry)
redis.call('ZADD', KEYS[3], expiry, ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[4])
redis.call('SADD', KEYS[2], ARGV[2])
if existed then return 0 end
return 1`;

const DISCONNECT = `
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3])
if removed == 1 and redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[2], ARGV[2])
  return 1
end
return 0`;

/** KEYS: the users' hashes. Online: a lease that has not expired. */
const ONLINE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local out = {}
for i, key in ipairs(KEYS) do
  local online = 0
  for _, expiry in ipairs(redis.call('HVALS', key)) do
    if tonumber(expiry) > now then online = 1 break end
  end
  out[i] = online
end
return out`;

/**
 * KEYS[1]: the leases. ARGV: prefix, instance, ttl ms, then endUser/bot pairs this instance
 * holds. Refreshes them (one that vanished, swept after a stall or lost with a Redis restart,
 * comes back and is reported online when nobody else holds the end user), then sweeps expired
 * leases of every instance (reported offline when it was the end user's last).
 */
const MAINTAIN = `
local prefix, instance, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
-- prefix: the key prefix with the namespace, e.g. "switchboard:presence:".
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local expiry = now + ttl
local out = {}
for i = 4, #ARGV, 2 do
  local user, bot = ARGV[i], ARGV[i + 1]
  local ukey = prefix .. 'user:' .. user
  local had = redis.call('HEXISTS', ukey, instance) == 1
  local others = redis.call('HLEN', ukey) - (had and 1 or 0)
  redis.call('HSET', ukey, instance, expiry)
  redis.call('ZADD', KEYS[1], expiry, instance .. '|' .. user .. '|' .. bot)
  redis.call('SADD', prefix .. 'bot:' .. bot, user)
  if (not had) and others == 0 then table.insert(out, '1|' .. user .. '|' .. bot) end
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1000)
for _, lease in ipairs(expired) do
  redis.call('ZREM', KEYS[1], lease)
  local owner, user, bot = string.match(lease, '^([^|]+)|([^|]+)|(.+)$')
  local ukey = prefix .. 'user:' .. user
  if redis.call('HDEL', ukey, owner) == 1 and redis.call('HLEN', ukey) == 0 then
    redis.call('SREM', prefix .. 'bot:' .. bot, user)
    table.insert(out, '0|' .. user .. '|' .. bot)
  end
end
return out`;

type PresenceRedis = Redis & {
  presenceConnect(...args: (string | number)[]): Promise<number>;
  presenceDisconnect(...args: (string | number)[]): Promise<number>;
  presenceOnline(...args: (string | number)[]): Promise<number[]>;
  presenceMaintain(...args: (string | number)[]): Promise<string[]>;
};

export class RedisPresenceStore extends PresenceStore {
  readonly upkeepIntervalMs: number;
  private readonly redis: PresenceRedis;
  private readonly instance = randomUUID();
  private readonly prefix: string;

  constructor(
    connections: RedisConnections,
    /** `PRESENCE_TTL`: a killed instance's end users are offline within it. */
    private readonly ttlMs: number,
    /** Keeps each kind of presence (end users, accounts) apart under one Redis prefix. */
    namespace: PresenceNamespace = 'presence',
  ) {
    super();
    this.upkeepIntervalMs = Math.max(1_000, Math.floor(ttlMs / 3));
    this.prefix = `${connections.prefix}${namespace}:`;
    const redis = connections.connect(namespace);
    redis.defineCommand('presenceConnect', { numberOfKeys: 3, lua: CONNECT });
    redis.defineCommand('presenceDisconnect', { numberOfKeys: 3, lua: DISCONNECT });
    redis.defineCommand('presenceOnline', { lua: ONLINE });
    redis.defineCommand('presenceMaintain', { numberOfKeys: 1, lua: MAINTAIN });
    this.redis = redis as PresenceRedis;
    let connectedBefore = false;
    redis.on('ready', () => {
      if (connectedBefore) {
        this.reconnectListeners.forEach((listener) => listener());
      }
      connectedBefore = true;
    });
  }

  private readonly reconnectListeners: (() => void)[] = [];

  /** A Redis that restarted empty has lost every lease: each instance restores its own at once. */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  async connected(endUserId: string, botId: string): Promise<boolean> {
    const changed = await this.redis.presenceConnect(
      this.userKey(endUserId),
      this.botKey(botId),
      this.leasesKey(),
      this.instance,
      endUserId,
      this.ttlMs,
      botId,
    );
    return changed === 1;
  }

  async disconnected(endUserId: string, botId: string): Promise<boolean> {
    const changed = await this.redis.presenceDisconnect(
      this.userKey(endUserId),
      this.botKey(botId),
      this.leasesKey(),
      this.instance,
      endUserId,
      botId,
    );
    return changed === 1;
  }

  async isOnline(endUserIds: readonly string[]): Promise<boolean[]> {
    if (endUserIds.length === 0) {
      return [];
    }
    const online = await this.redis.presenceOnline(
      endUserIds.length,
      ...endUserIds.map((id) => this.userKey(id)),
    );
    return online.map((flag) => flag === 1);
  }

  async onlineOf(botId: string): Promise<string[]> {
    const candidates = await this.redis.smembers(this.botKey(botId));
    const online = await this.isOnline(candidates);
    return candidates.filter((_, index) => online[index]);
  }

  async maintain(held: ReadonlyMap<string, string>): Promise<PresenceTransition[]> {
    const pairs = [...held].flat();
    const changes = await this.redis.presenceMaintain(
      this.leasesKey(),
      this.prefix,
      this.instance,
      this.ttlMs,
      ...pairs,
    );
    return changes.map((change) => {
      const [online, endUserId, botId] = change.split('|');
      return { endUserId, botId, online: online === '1' };
    });
  }

  private userKey(endUserId: string): string {
    return `${this.prefix}user:${endUserId}`;
  }

  private botKey(botId: string): string {
    return `${this.prefix}bot:${botId}`;
  }

  private leasesKey(): string {
    return `${this.prefix}leases`;
  }
}
