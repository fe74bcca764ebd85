import { BoundedCache } from './bounded-cache';

describe('BoundedCache', () => {
  it('loads once, caches, and forgets the oldest entries past its capacity', async () => {
    const cache = new BoundedCache<string, number>(2);
    const load = jest.fn((value: number) => Promise.resolve(value));
    expect(await cache.getOrLoad('a', () => load(1))).toBe(1);
    expect(await cache.getOrLoad('a', () => load(99))).toBe(1);
    await cache.getOrLoad('b', () => load(2));
    await cache.getOrLoad('c', () => load(3));
    expect(await cache.getOrLoad('a', () => load(4))).toBe(4);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('does not cache a miss', async () => {
    const cache = new BoundedCache<string, number>(2);
    expect(await cache.getOrLoad('a', () => Promise.resolve(null))).toBeNull();
    expect(await cache.getOrLoad('a', () => Promise.resolve(5))).toBe(5);
  });
});

describe('BoundedCache with a lifetime', () => {
  it('reloads an entry once it expired, or once deleted', async () => {
    const cache = new BoundedCache<string, number>(10, 20);
    expect(await cache.getOrLoad('a', () => Promise.resolve(1))).toBe(1);
    expect(await cache.getOrLoad('a', () => Promise.resolve(2))).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await cache.getOrLoad('a', () => Promise.resolve(3))).toBe(3);
    cache.delete('a');
    expect(await cache.getOrLoad('a', () => Promise.resolve(4))).toBe(4);
  });
});

describe('BoundedCache with a jittered lifetime', () => {
  afterEach(() => jest.useRealTimers());

  it('lets entries loaded together expire over the last part of the lifetime', async () => {
    jest.useFakeTimers();
    const cache = new BoundedCache<number, string>(100, 1_000, 0.5);
    const keys = Array.from({ length: 50 }, (_, i) => i);
    keys.forEach((key) => cache.set(key, 'loaded'));
    const kept = () => keys.filter((key) => cache.get(key) !== undefined).length;

    jest.advanceTimersByTime(499);
    expect(kept()).toBe(50);
    jest.advanceTimersByTime(251);
    // Each entry expires at a uniform point between 500 and 1,000 ms: at 750 ms about half
    // remain (all or none would happen once in 10^15 runs).
    expect(kept()).toBeGreaterThan(0);
    expect(kept()).toBeLessThan(50);
    jest.advanceTimersByTime(250);
    expect(kept()).toBe(0);
    expect(await cache.getOrLoad(0, () => Promise.resolve('reloaded'))).toBe('reloaded');
  });
});
