/**
 * A cache of facts that never change once written (the bot of a request, the operator of a live
 * conversation): no expiry, only a bound on its size, past which the oldest entries go.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  /** The cached value, else `load`'s (cached when not null). */
  async getOrLoad(key: K, load: () => Promise<V | null>): Promise<V | null> {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const loaded = await load();
    if (loaded !== null) {
      if (this.entries.size >= this.capacity) {
        // Maps iterate in insertion order: the first key is the oldest.
        this.entries.delete(this.entries.keys().next().value as K);
      }
      this.entries.set(key, loaded);
    }
    return loaded;
  }
}
