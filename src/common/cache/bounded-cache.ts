/**
 * A cache bounded in size, past which the oldest entries go, with an optional lifetime per
 * entry (measured on the monotonic clock: an operational bound, not domain time). Without a
 * lifetime it suits facts that never change once written (the bot of a request).
 *
 * With `jitter`, each entry lives a random part of the lifetime, between (1 - jitter) times it
 * and all of it: entries loaded together (every agent of a team connecting at once) do not all
 * expire, and reload, in the same second.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly capacity: number,
    private readonly lifetimeMs = Number.POSITIVE_INFINITY,
    private readonly jitter = 0,
  ) {}

  /** The cached value, else `load`'s (cached when not null). */
  async getOrLoad(key: K, load: () => Promise<V | null>): Promise<V | null> {
    const cached = this.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const loaded = await load();
    if (loaded !== null) {
      this.set(key, loaded);
    }
    return loaded;
  }

  /** The cached value, if there is one still within its lifetime. */
  get(key: K): V | undefined {
    const cached = this.entries.get(key);
    return cached !== undefined && cached.expiresAt > performance.now() ? cached.value : undefined;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) {
      // Maps iterate in insertion order: the first key is the oldest.
      this.entries.delete(this.entries.keys().next().value as K);
    }
    const lifetime = this.lifetimeMs * (1 - this.jitter * Math.random());
    this.entries.set(key, { value, expiresAt: performance.now() + lifetime });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
