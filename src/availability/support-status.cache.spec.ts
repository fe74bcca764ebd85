import { SupportStatusCache } from './support-status.cache';

interface Status {
  state: string;
  nextChangeAt: Date | null;
}

const at = (iso: string): Date => new Date(iso);
const ONLINE_UNTIL_NOON: Status = { state: 'ONLINE', nextChangeAt: at('2026-03-16T12:00:00Z') };
const FOREVER: Status = { state: 'ONLINE', nextChangeAt: null };
const MINUTE = 60_000;

describe('SupportStatusCache', () => {
  const computedAt = at('2026-03-16T09:00:00Z');

  function cacheWith(status: Status, capacity = 10, maxAgeMs = 24 * 60 * MINUTE) {
    const cache = new SupportStatusCache<Status>(capacity, maxAgeMs);
    cache.set('bot', 'Europe/Paris', computedAt, status, cache.ticket());
    return cache;
  }

  it('serves a status until the instant it changes by itself, not at it', () => {
    const cache = cacheWith(ONLINE_UNTIL_NOON);
    expect(cache.get('bot', computedAt)).toBe(ONLINE_UNTIL_NOON);
    expect(cache.get('bot', at('2026-03-16T11:59:59.999Z'))).toBe(ONLINE_UNTIL_NOON);
    expect(cache.get('bot', at('2026-03-16T12:00:00Z'))).toBeUndefined();
  });

  it('never serves an instant before the one it was computed for', () => {
    expect(cacheWith(ONLINE_UNTIL_NOON).get('bot', at('2026-03-16T08:59:59Z'))).toBeUndefined();
  });

  it('keeps a status that never changes no longer than its maximum age', () => {
    const cache = cacheWith(FOREVER, 10, MINUTE);
    expect(cache.get('bot', new Date(computedAt.getTime() + MINUTE - 1))).toBe(FOREVER);
    expect(cache.get('bot', new Date(computedAt.getTime() + MINUTE))).toBeUndefined();
  });

  it('misses when asked for another time zone than the one it was computed in', () => {
    const cache = cacheWith(ONLINE_UNTIL_NOON);
    expect(cache.get('bot', computedAt, 'Europe/Paris')).toBe(ONLINE_UNTIL_NOON);
    expect(cache.get('bot', computedAt, 'Asia/Kolkata')).toBeUndefined();
  });

  it('forgets a bot evicted, and every bot when cleared', () => {
    const cache = cacheWith(ONLINE_UNTIL_NOON);
    cache.set('other', 'UTC', computedAt, FOREVER, cache.ticket());
    cache.delete('bot');
    expect(cache.get('bot', computedAt)).toBeUndefined();
    expect(cache.get('other', computedAt)).toBe(FOREVER);
    cache.clear();
    expect(cache.get('other', computedAt)).toBeUndefined();
  });

  it('stores nothing read before an eviction that came while it was computed', () => {
    const cache = new SupportStatusCache<Status>(10, MINUTE);
    const ticket = cache.ticket();
    cache.delete('bot');
    cache.set('bot', 'UTC', computedAt, ONLINE_UNTIL_NOON, ticket);
    expect(cache.get('bot', computedAt)).toBeUndefined();
    cache.set('bot', 'UTC', computedAt, ONLINE_UNTIL_NOON, cache.ticket());
    expect(cache.get('bot', computedAt)).toBe(ONLINE_UNTIL_NOON);
  });

  it('drops the oldest entry past its capacity', () => {
    const cache = new SupportStatusCache<Status>(2, MINUTE);
    for (const botId of ['a', 'b', 'c']) {
      cache.set(botId, 'UTC', computedAt, FOREVER, cache.ticket());
    }
    expect(cache.size).toBe(2);
    expect(cache.get('a', computedAt)).toBeUndefined();
    expect(cache.get('c', computedAt)).toBe(FOREVER);
  });
});
