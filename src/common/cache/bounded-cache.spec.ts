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
